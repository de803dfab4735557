import Foundation
import LessonKit
import Pretraining

// MARK: - Reporting helpers

extension ReportTensor {
  /// A float tensor from the numeric library, for printing.
  init(_ tensor: Tensor) {
    self.init(shape: tensor.shape, values: tensor.values.map(Double.init))
  }

  /// Token ids shown with their characters.
  init(tokens: [TokenID], shape: [Int], tokenizer: CharTokenizer) {
    self.init(
      shape: shape, values: tokens.map(Double.init), isInteger: true,
      decode: { id in tokenizer.visible(TokenID(id)) })
  }
}

/// Formats a number with thousands separators, as the lesson writes them.
func grouped(_ value: Int) -> String { NumberFormat.grouped(value) }

/// Formats a value with a fixed number of decimals.
func fixed(_ value: Double, _ decimals: Int = 4) -> String { NumberFormat.fixed(value, decimals) }

/// A state mismatch inside a lesson bundle.
enum LessonBundleError: Error, CustomStringConvertible {
  case missing(String)
  var description: String {
    switch self {
    case .missing(let what): return "lesson bundle: \(what)"
    }
  }
}
