import Foundation

// TEMP: copies of helpers defined in Pretrain/ (excluded from the build while the pretraining
// bundle is migrated on another branch). Drop this file when Pretrain/ is back: the real ones
// have the same names and signatures.

/// Formats a value with a fixed number of decimals.
func fixed(_ value: Double, _ decimals: Int = 4) -> String {
  String(format: "%.\(decimals)f", value)
}

/// A state mismatch inside the lesson's own bundle.
enum LessonBundleError: Error, CustomStringConvertible {
  case missing(String)
  var description: String {
    switch self {
    case .missing(let what): return "lesson bundle: \(what)"
    }
  }
}
