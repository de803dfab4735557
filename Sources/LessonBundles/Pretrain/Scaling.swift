import LessonKit
import Pretraining

// MARK: - Section 11: scaling, in brief

extension PretrainLesson {
  /// Chinchilla's compute-optimal ratio of training tokens to parameters (Hoffmann et al., 2022).
  static let chinchillaTokensPerParameter = 20.0

  /// Training tokens a compute-optimal model of this size wants.
  static func chinchillaTokens(parameters: Double) -> Double {
    parameters * chinchillaTokensPerParameter
  }

  @LessonBundleBuilder static var scaling: [BundleEntry] {
    Check("embedding-size", after: ["train-lesson-model"]) { context in
      .number(Double(try context.require(trainedKey).model.config.embeddingSize))
    }
    Check("layer-count", after: ["train-lesson-model"]) { context in
      .number(Double(try context.require(trainedKey).model.config.layerCount))
    }
    Check("head-count", after: ["train-lesson-model"]) { context in
      .number(Double(try context.require(trainedKey).model.config.headCount))
    }
    Check("chinchilla-tokens-per-parameter") { _ in
      .number(chinchillaTokens(parameters: 1))
    }
    Check("chinchilla-7b") { _ in
      .number(chinchillaTokens(parameters: 7e9))
    }
    Check("chinchilla-70b") { _ in
      .number(chinchillaTokens(parameters: 70e9))
    }
  }
}
