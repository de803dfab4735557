import Foundation
import Pretraining
import Testing
import TestSupport

@Suite struct DatasetTests {
  /// 100 distinct-enough characters: train gets 90, val 10.
  static let hundred = String(repeating: "abcdefghij", count: 10)

  // MARK: - Split

  @Test func splitsNinetyTenLikePython() throws {
    let dataset = try CharDataset(text: Corpus.shakespeare)
    let count = Corpus.shakespeare.unicodeScalars.count
    #expect(dataset.train.count == Int(0.9 * Double(count)))
    #expect(dataset.train.count + dataset.val.count == count)
    #expect(dataset.tokenizer.decode(Array(dataset.train) + dataset.val) == Corpus.shakespeare)
    #expect(dataset.tokens(.train) == dataset.train)
    #expect(dataset.tokens(.val) == dataset.val)

    // Python: int(0.9 * 10) == 9, int(0.9 * 30) == 27, int(0.9 * 2) == 1.
    #expect(try CharDataset(text: "abcdefghij").train.count == 9)
    #expect(try CharDataset(text: String(repeating: "xyz", count: 10)).train.count == 27)
    #expect(try CharDataset(text: "ab").val.count == 1)
  }

  @Test func rejectsCorporaTooShortToPredictAnything() {
    #expect(throws: DataError.emptyText) { try CharDataset(text: "") }
    #expect(throws: DataError.corpusTooShort(tokens: 1)) { try CharDataset(text: "a") }
  }

  // MARK: - Random batches

  @Test func targetsAreInputsShiftedByOneAndWindowsComeFromTheSplit() throws {
    let dataset = try CharDataset(text: Corpus.shakespeare)
    var rng = SeededGenerator(seed: 7)
    for split in Split.allCases {
      let data = dataset.tokens(split)
      let batch = try dataset.batch(split: split, size: 32, context: 64, using: &rng)
      #expect(batch.size == 32 && batch.context == 64 && batch.starts.count == 32)
      for row in 0..<32 {
        let start = batch.starts[row]
        #expect((0..<(data.count - 64 - 1)).contains(start))
        let x = Array(batch.inputs[row * 64 ..< (row + 1) * 64])
        let y = Array(batch.targets[row * 64 ..< (row + 1) * 64])
        #expect(x == Array(data[start ..< start + 64]))
        #expect(y == Array(data[start + 1 ..< start + 65]))
        #expect(Array(x.dropFirst()) == Array(y.dropLast()))
      }
    }
  }

  @Test func startsAreUniformOverTheReferenceRange() throws {
    let dataset = try CharDataset(text: Self.hundred)
    let context = 8
    let bound = dataset.train.count - context - 1  // 81 possible starts: 0...80
    var rng = SeededGenerator(seed: 2024)
    var histogram = [Int](repeating: 0, count: bound + 1)
    let batches = 500
    for _ in 0..<batches {
      for start in try dataset.batch(split: .train, size: 32, context: context, using: &rng).starts {
        histogram[start] += 1
      }
    }
    #expect(histogram[bound] == 0, "start len - T - 1 is excluded, as in torch.randint")
    #expect(histogram[0] > 0 && histogram[bound - 1] > 0, "both ends of the range are drawn")
    let expected = Double(batches * 32) / Double(bound)
    let chiSquare = histogram[..<bound].reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
    // 80 degrees of freedom: mean 80, standard deviation ~12.6; 150 is beyond the 99.99th percentile.
    #expect(chiSquare < 150, "chi-square \(chiSquare) over \(bound) bins")
  }

  @Test func everyOffsetOfAFixedTokenIsSeen() throws {
    let dataset = try CharDataset(text: Corpus.shakespeare)
    let context = 16
    let position = 12_345
    var offsets = Set<Int>()
    var rng = SeededGenerator(seed: 99)
    for _ in 0..<10_000 {
      for start in try dataset.batch(split: .train, size: 32, context: context, using: &rng).starts
      where (start ..< start + context).contains(position) {
        offsets.insert(position - start)
      }
    }
    #expect(offsets == Set(0..<context))

    // A sequential pass sees that token at one offset only.
    let sequential = try dataset.sequentialBatch(split: .train, size: 1000, context: context)
    let sequentialOffsets = Set(sequential.starts.filter { (($0) ..< $0 + context).contains(position) }.map { position - $0 })
    #expect(sequentialOffsets.count == 1)
  }

  @Test func sameSeedSameBatchesDifferentSeedDifferentBatches() throws {
    let dataset = try CharDataset(text: Corpus.shakespeare)
    var first = SeededGenerator(seed: 1337)
    var second = SeededGenerator(seed: 1337)
    var other = SeededGenerator(seed: 1338)
    for _ in 0..<5 {
      let a = try dataset.batch(split: .train, size: 8, context: 32, using: &first)
      let b = try dataset.batch(split: .train, size: 8, context: 32, using: &second)
      let c = try dataset.batch(split: .train, size: 8, context: 32, using: &other)
      #expect(a == b)
      #expect(a.starts != c.starts)
    }
  }

  @Test func fillDrawsTheSameWindowsAsBatch() throws {
    let dataset = try CharDataset(text: Corpus.shakespeare)
    var forBatch = SeededGenerator(seed: 5)
    var forFill = SeededGenerator(seed: 5)
    var reused = TokenBatch(size: 4, context: 16, inputs: .init(repeating: 0, count: 64), targets: .init(repeating: 0, count: 64))
    for split in [Split.train, .val, .train] {
      try dataset.fill(&reused, split: split, using: &forFill)
      #expect(reused == (try dataset.batch(split: split, size: 4, context: 16, using: &forBatch)))
    }
  }

  @Test func tooShortSplitsAndBadShapesThrow() throws {
    let dataset = try CharDataset(text: Self.hundred)  // val has 10 tokens
    var rng = SeededGenerator(seed: 0)
    #expect(throws: DataError.splitTooShort(split: .val, tokens: 10, context: 9)) {
      try dataset.batch(split: .val, size: 1, context: 9, using: &rng)
    }
    // len = T + 2 is the shortest split that works: the only start is 0.
    let tightest = try dataset.batch(split: .val, size: 3, context: 8, using: &rng)
    #expect(tightest.starts == [0, 0, 0])
    #expect(throws: DataError.invalidBatchShape(size: 0, context: 4)) {
      try dataset.batch(split: .train, size: 0, context: 4, using: &rng)
    }
    #expect(throws: DataError.invalidBatchShape(size: 2, context: 0)) {
      try dataset.batch(split: .train, size: 2, context: 0, using: &rng)
    }
    let message = DataError.splitTooShort(split: .val, tokens: 10, context: 9).description
    #expect(message.contains("val split has 10 tokens") && message.contains("context 9"))
  }

  // MARK: - Sequential batches

  @Test func sequentialWindowsAreConsecutive() throws {
    let dataset = try CharDataset(text: Self.hundred)
    let batch = try dataset.sequentialBatch(split: .train, size: 3, context: 10, startingAt: 5)
    #expect(batch.starts == [5, 15, 25])
    #expect(batch.inputs == Array(dataset.train[5..<35]))
    #expect(batch.targets == Array(dataset.train[6..<36]))
    #expect(throws: DataError.self) { try dataset.sequentialBatch(split: .train, size: 9, context: 10) }
    #expect(throws: DataError.self) { try dataset.sequentialBatch(split: .train, size: 1, context: 4, startingAt: -1) }
  }

  // MARK: - Corpus files

  @Test func readsUTF8FilesAndNormalizesNewlinesLikePython() throws {
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("corpus.txt")
    try Data("one\r\ntwo\rthree\n\u{E9}t\u{E9}\n".utf8).write(to: file)
    let dataset = try CharDataset(contentsOf: file)
    #expect(dataset.tokenizer.decode(Array(dataset.train) + dataset.val) == "one\ntwo\nthree\n\u{E9}t\u{E9}\n")
    #expect(!dataset.tokenizer.scalars.contains("\r"))
  }

  @Test func invalidUTF8AndMissingFilesGiveClearErrors() throws {
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("latin1.txt")
    try Data([0x61, 0x62, 0xE9, 0x74, 0xE9]).write(to: file)  // "abété" in Latin-1
    #expect(throws: DataError.invalidUTF8(path: file.path, byteOffset: 2)) { try CharDataset(contentsOf: file) }
    let missing = directory.appendingPathComponent("missing.txt")
    #expect(throws: DataError.unreadableFile(path: missing.path, reason: "no such file")) {
      try CharDataset(contentsOf: missing)
    }
    #expect(throws: DataError.unreadableFile(path: directory.path, reason: "it is a directory, not a text file; give a UTF-8 text file, or - to read standard input")) {
      try CharDataset(contentsOf: directory)
    }
  }

  @Test func anExistingVocabularyEncodesANewCorpusOrNamesTheStranger() throws {
    let tokenizer = try CharTokenizer(text: Corpus.shakespeare)
    let dataset = try CharDataset(text: "To be, or not to be", tokenizer: tokenizer)
    #expect(dataset.tokenizer == tokenizer)
    #expect(throws: DataError.unknownCharacter("Z", offset: 3, line: 1, column: 4)) {
      try CharDataset(text: "To Zanzibar", tokenizer: tokenizer)
    }
  }
}
