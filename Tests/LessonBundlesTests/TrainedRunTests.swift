import Foundation
import LessonBundles
import LessonKit
import Pretraining
import Testing

/// The one cache encoding of a trained model (``TrainedRun``), which both trained lessons use:
/// a decoded entry computes exactly what the trained model did, and a damaged one is refused.
@Suite struct TrainedRunTests {
  static let context = 16

  static func data() throws -> CharDataset { try CharDataset(text: String(Corpus.shakespeare.prefix(20_000))) }

  /// A tiny model trained three steps on two threads, as a lesson's training step hands it on.
  static func trainedRun() throws -> (run: TrainedRun, batch: TokenBatch) {
    let data = try data()
    let config = try MiniGPTConfig(
      vocabSize: data.tokenizer.vocabularySize, contextLength: context, embeddingSize: 16, layerCount: 1, headCount: 2)
    let model = try MiniGPT(config: config, seed: 3, threads: 2)
    let options = TrainingOptions(steps: 3, evalBatches: 1)
    let summary = try Trainer(model: model, options: options).run { split, rng in
      try data.batch(split: split, size: 4, context: context, using: &rng)
    }
    var rng = SeededGenerator(seed: 9)
    let batch = try data.batch(split: .val, size: 3, context: context, using: &rng)
    return (try TrainedRun(model, tokenizer: data.tokenizer, options: options, summary: summary), batch)
  }

  /// The encoding's frame: the record's length (8 bytes, little-endian), the record, the checkpoint.
  static func frame(_ record: Data, _ checkpoint: [UInt8]) -> Data {
    withUnsafeBytes(of: UInt64(record.count).littleEndian) { Data($0) } + record + Data(checkpoint)
  }

  @Test func aDecodedRunIsTheTrainedModelBitForBit() throws {
    let (run, batch) = try Self.trainedRun()
    let encoded = try run.cacheEncoded()
    #expect(encoded == Self.frame(try run.record.cacheEncoded(), try run.checkpoint.serialized()))
    let decoded = try TrainedRun(cacheEncoded: encoded)
    #expect(decoded.record == run.record)
    #expect(decoded.checkpoint == run.checkpoint)
    #expect(run.record.losses.count == 3 && run.record.windowsPerStep == 4 && run.record.threads == 2)
    #expect(run.record.evaluations.count == 1 && run.record.evaluations[0][0] == 3)
    let (trained, restored) = (try run.makeModel(), try decoded.makeModel())
    #expect(restored.threads == 2)
    #expect(try restored.forward(batch).bitPattern == trained.forward(batch).bitPattern)
  }

  @Test func aDamagedEntryThrowsInsteadOfBecomingAModel() throws {
    let (run, _) = try Self.trainedRun()
    let bytes = [UInt8](try run.cacheEncoded())
    for length in Array(stride(from: 0, to: bytes.count, by: max(1, bytes.count / 200))) + [bytes.count - 1] {
      #expect(throws: (any Error).self, "cut to \(length) of \(bytes.count) bytes") {
        try TrainedRun(cacheEncoded: Data(bytes.prefix(length)))
      }
    }
    let checkpoint = try run.checkpoint.serialized()
    var record = run.record
    record.threads = 0
    let damaged: [(String, Data)] = [
      ("a record length past the end", withUnsafeBytes(of: UInt64(1_000).littleEndian) { Data($0) } + Data("{}".utf8)),
      ("a record that is not JSON", Self.frame(Data("not json".utf8), checkpoint)),
      ("a record without its fields", Self.frame(Data("{}".utf8), checkpoint)),
      ("a thread count of 0", Self.frame(try record.cacheEncoded(), checkpoint)),
      ("no checkpoint after the record", Self.frame(try run.record.cacheEncoded(), [])),
      ("foreign bytes after the record", Self.frame(try run.record.cacheEncoded(), Array(repeating: 0xFF, count: 4_096))),
    ]
    for (what, data) in damaged {
      #expect(throws: (any Error).self, "\(what)") { try TrainedRun(cacheEncoded: data) }
    }
    // A weight that is not a number: ModelCheckpoint(bytes:) checks every tensor.
    let model = try run.makeModel()
    model.parameters.base[5] = .nan
    let poisoned = try ModelCheckpoint(model: model, tokenizer: run.checkpoint.tokenizer, step: 3).serialized()
    #expect(throws: ModelCheckpointError.self) { try TrainedRun(cacheEncoded: Self.frame(try run.record.cacheEncoded(), poisoned)) }
  }

  @Test func theRecipeLeavesOutTheRunsLength() {
    let short = TrainingOptions(steps: 100, schedule: .warmupCosine(peak: 2e-3, minimum: 1e-4, warmupSteps: 5, decaySteps: 100))
    let long = TrainingOptions(steps: 400, schedule: .warmupCosine(peak: 2e-3, minimum: 1e-4, warmupSteps: 20, decaySteps: 400))
    #expect(TrainedRun.recipe(short) == TrainedRun.recipe(long))
    #expect(TrainedRun.recipe(short).contains("warmup 5%"))
    var decayed = long
    decayed.optimizer.weightDecay = 0
    #expect(TrainedRun.recipe(decayed) != TrainedRun.recipe(long))
    #expect(TrainedRun.recipe(TrainingOptions(steps: 10)).hasPrefix("lr 0.0003 constant"))
  }
}
