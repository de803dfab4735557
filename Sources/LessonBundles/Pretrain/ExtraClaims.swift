import LessonKit
import Pretraining

// MARK: - Figures of the prose that the section checks did not cover

/// Checks for figures in `Lessons/00_pretrain.md` that `lesson lint --claims` found uncovered.
///
/// A separate bundle so the section files stay as they are; every value is read from the same
/// code the sections use.
extension PretrainLesson {
  static let extraClaimsBundle = LessonBundle(name: "pretrain-extra") {
    Check("large-gradient-norm") { _ in
      .number(Double(norm(try gradient(ofNorm: 50, count: 1000))))
    }
    Check("small-gradient-norm") { _ in
      .number(Double(norm(try gradient(ofNorm: 0.3, count: 1000))))
    }
    Check("predictor-temperature-low") { _ in .number(try temperature(0)) }
    Check("predictor-temperature-mid") { _ in .number(try temperature(1)) }
    Check("predictor-temperature-high") { _ in .number(try temperature(2)) }
  }

  /// The predictor section's temperatures, coldest first.
  static func temperature(_ index: Int) throws -> Double {
    guard predictorTemperatures.indices.contains(index) else {
      throw LessonBundleError.missing("temperature \(index) of \(predictorTemperatures.count)")
    }
    return predictorTemperatures[index]
  }
}
