import Pretraining
import Testing

@Suite struct ChatDatasetTests {
  private let tokenizer = try! ChatTemplate.extendedTokenizer("What is 0123456789+?")

  @Test func masksThePromptAndKeepsTheResponse() throws {
    let data = try ChatDataset(pairs: [(prompt: "What is 2+3?", response: "5")], tokenizer: tokenizer)
    let example = data.examples[0]
    // "<What is 2+3?>5#": 16 tokens, 15 inputs; the 13 targets inside the prompt are ignored.
    #expect(example.inputs.count == 15)
    #expect(example.targets.prefix(13).allSatisfy { $0 == ignoreIndex })
    #expect(tokenizer.decode(example.targets.suffix(2)) == "5#")
    #expect(data.longestExample == 15)
  }

  @Test func withoutTheMaskEveryTargetIsTheNextToken() throws {
    let data = try ChatDataset(pairs: [(prompt: "What is 2+3?", response: "5")], tokenizer: tokenizer, masksPrompt: false)
    let example = data.examples[0]
    #expect(tokenizer.decode(example.inputs) == "<What is 2+3?>5")
    #expect(tokenizer.decode(example.targets) == "What is 2+3?>5#")
  }

  @Test func padsRowsWithTheEndMarkerAndIgnoredTargets() throws {
    let data = try ChatDataset(
      pairs: [(prompt: "What is 2+3?", response: "5"), (prompt: "What is 9+9?", response: "18")], tokenizer: tokenizer)
    let batch = try data.batch(rows: [0, 1], context: 20)
    #expect(batch.size == 2 && batch.context == 20)
    let first = Array(batch.targets[0..<20])
    #expect(first[15...].allSatisfy { $0 == ignoreIndex })
    #expect(tokenizer.decode(batch.inputs[15..<20]) == "#####")
    #expect(tokenizer.decode(batch.inputs[20..<36]) == "<What is 9+9?>18")
  }

  @Test func randomBatchesAreSeeded() throws {
    let data = try ChatDataset(
      pairs: (0...9).map { (prompt: "What is \($0)+1?", response: "\($0 + 1)") }, tokenizer: tokenizer)
    var a = SeededGenerator(seed: 7), b = SeededGenerator(seed: 7)
    #expect(try data.batch(size: 4, context: 16, using: &a) == data.batch(size: 4, context: 16, using: &b))
  }

  @Test func refusesWhatCannotBeBatched() throws {
    #expect(throws: ChatDataError.noExamples) { try ChatDataset(pairs: [], tokenizer: tokenizer) }
    let data = try ChatDataset(pairs: [(prompt: "What is 2+3?", response: "5")], tokenizer: tokenizer)
    #expect(throws: ChatDataError.exampleTooLong(index: 0, tokens: 15, context: 8)) { try data.batch(rows: [0], context: 8) }
    #expect(throws: ChatDataError.rowOutOfRange(3, count: 1)) { try data.batch(rows: [3], context: 16) }
    #expect(throws: DataError.invalidBatchShape(size: 0, context: 16)) { try data.batch(rows: [], context: 16) }
    #expect(throws: DataError.self) { try ChatDataset(pairs: [(prompt: "Zebra", response: "5")], tokenizer: tokenizer) }
  }
}
