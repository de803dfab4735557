import Foundation
import Pretraining
import Safetensors
import Testing
import TestSupport

/// The PyTorch reference (Benchmarks/reference/minigpt_torch.py) against the Swift model and Trainer.
///
/// They need PyTorch, which `make test` does not install (about 2.8 GB of CUDA wheels from PyPI):
/// without it they are skipped with the reason shown; `make interop` installs it and sets
/// LESSON_REQUIRE_TORCH=1, so there they run or fail.
@Suite struct TorchInteropTests {
  static var reference: URL {
    DataTestSupport.repositoryRoot.appendingPathComponent("Benchmarks/reference/minigpt_torch.py")
  }

  /// The reference's `--json` report, the fields these tests read.
  struct Report: Decodable {
    struct Evaluation: Decodable, Equatable {
      let step: Int
      let train_loss: Double
      let val_loss: Double
    }
    let vocab: Int
    let parameters: Int
    let losses: [Double]
    let evaluations: [Evaluation]
  }

  static func runReference(_ arguments: [String]) throws -> Report {
    let python = try #require(DataTestSupport.python3)
    let output = try DataTestSupport.run(python, [reference.path] + arguments + ["--threads", "1", "--json"])
    let last = try #require(output.split(separator: "\n").last)
    return try JSONDecoder().decode(Report.self, from: Data(last.replacingOccurrences(of: "NaN", with: "null").utf8))
  }

  /// The tiny model's flags on `ModelCheckpointTests.corpus`, B = 2.
  static let shape = ["--d", "16", "--layers", "2", "--heads", "2", "--context", "8", "--batch", "2"]

  static func batches(_ dataset: CharDataset) -> BatchSource {
    { split, generator in try dataset.batch(split: split, size: 2, context: 8, using: &generator) }
  }

  @Test(.enabled(if: DataTestSupport.torchAvailable, Comment(rawValue: DataTestSupport.torchMissing)))
  func theReferenceLoadsASwiftCheckpointAndScoresItAsSwiftDoes() throws {
    let (model, tokenizer) = try ModelCheckpointTests.trainedModel()
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let corpusURL = directory.appendingPathComponent("corpus.txt")
    try Data(ModelCheckpointTests.corpus.utf8).write(to: corpusURL)
    let dataset = try CharDataset(text: ModelCheckpointTests.corpus)

    // A resumable checkpoint: the reference must skip the optimizer.* tensors.
    let trainer = try Trainer(model: model, options: TrainingOptions(steps: 0, evalBatches: 3, seed: 21))
    let url = directory.appendingPathComponent("swift-minigpt.safetensors")
    try trainer.saveCheckpoint(to: url, tokenizer: tokenizer, recipe: nil)
    let swift = try trainer.evaluate(nextBatch: Self.batches(dataset))

    let report = try Self.runReference([corpusURL.path, "--load", url.path, "--steps", "0", "--eval-batches", "3",
                                        "--seed", "21"] + Self.shape)
    #expect(report.vocab == model.config.vocabSize)
    #expect(report.parameters == model.parameterCount)
    // Same weights, same evaluation stream, so the same windows: the same loss up to float rounding.
    let first = try #require(report.evaluations.first)
    #expect(abs(first.val_loss - Double(swift.val)) < 1e-5, "reference \(first.val_loss), Swift \(swift.val)")
    #expect(abs(first.train_loss - Double(swift.train)) < 1e-5, "reference \(first.train_loss), Swift \(swift.train)")
  }

  @Test(.enabled(if: DataTestSupport.torchAvailable, Comment(rawValue: DataTestSupport.torchMissing)))
  func theReferenceTrainsWithTheSwiftRecipeToTheSameLosses() throws {
    let dataset = try CharDataset(text: ModelCheckpointTests.corpus)
    let config = try MiniGPTConfig(vocabSize: dataset.tokenizer.vocabularySize, contextLength: 8,
                                   embeddingSize: 16, layerCount: 2, headCount: 2)
    let model = try MiniGPT(config: config, seed: 8)
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let initial = directory.appendingPathComponent("initial.safetensors")
    try model.saveCheckpoint(to: initial, tokenizer: dataset.tokenizer, step: 0)
    let corpusURL = directory.appendingPathComponent("corpus.txt")
    try Data(ModelCheckpointTests.corpus.utf8).write(to: corpusURL)

    // Warmup, cosine, β₂ 0.99, weight decay and a clip that bites at this learning rate.
    let recipe = TrainingRecipe(
      steps: 8, batchSize: 2, learningRate: 1e-2, schedule: .cosine, warmupSteps: 2, minimumLearningRate: 1e-3,
      decaySteps: 7, beta1: 0.85, beta2: 0.99, weightDecay: 0.2, gradientClip: 0.5, evalEvery: 4, evalBatches: 2,
      seed: 22)
    let trainer = try Trainer(model: model, options: recipe.trainingOptions)
    let start = try trainer.evaluate(nextBatch: Self.batches(dataset))
    var norms: [Float] = []
    let summary = try trainer.run(nextBatch: Self.batches(dataset)) { norms.append($0.gradientNorm) }

    let report = try Self.runReference([
      corpusURL.path, "--load", initial.path, "--steps", "8", "--lr", "0.01", "--schedule", "cosine",
      "--warmup-steps", "2", "--min-lr", "0.001", "--decay-steps", "7", "--beta1", "0.85", "--beta2", "0.99",
      "--weight-decay", "0.2", "--grad-clip", "0.5", "--eval-every", "4", "--eval-batches", "2", "--seed", "22",
    ] + Self.shape)
    #expect(report.losses.count == summary.losses.count)
    for (step, (theirs, ours)) in zip(report.losses, summary.losses).enumerated() {
      #expect(abs(theirs - Double(ours)) < 1e-4, "step \(step): reference \(theirs), Swift \(ours)")
    }
    let swiftEvaluations = ([start] + summary.evaluations).map {
      Report.Evaluation(step: $0.step, train_loss: Double($0.train), val_loss: Double($0.val))
    }
    #expect(report.evaluations.map(\.step) == swiftEvaluations.map(\.step))
    for (theirs, ours) in zip(report.evaluations, swiftEvaluations) {
      #expect(abs(theirs.val_loss - ours.val_loss) < 1e-4, "step \(ours.step)")
    }
    // Some step must have been clipped, or the test would not cover clipping.
    #expect(norms.contains { $0 > recipe.gradientClip })
  }
}
