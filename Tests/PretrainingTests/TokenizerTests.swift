import Foundation
import Pretraining
import Testing
import TestSupport

@Suite struct TokenizerTests {
  // MARK: - Vocabulary

  @Test func vocabularyIsSortedUniqueScalarsOfTheCorpus() throws {
    let tokenizer = try CharTokenizer(text: Corpus.shakespeare)
    let values = tokenizer.scalars.map(\.value)
    #expect(values == values.sorted())
    #expect(Set(values).count == values.count)
    #expect(Set(tokenizer.scalars) == Set(Corpus.shakespeare.unicodeScalars))
    #expect(tokenizer.vocabularySize == tokenizer.characters.count)
  }

  /// Python: `[hex(ord(c)) for c in sorted(set(s))]` for the same string (precomputed).
  @Test func vocabularyMatchesPythonSortedSetOnATrickyString() throws {
    let tricky = "Zebra e\u{301} caf\u{E9}\r\n\u{E9}t\u{E9} \u{1F600}!\u{A0}\t~A"
    let expected: [UInt32] = [
      0x9, 0xA, 0xD, 0x20, 0x21, 0x41, 0x5A, 0x61, 0x62, 0x63, 0x65, 0x66, 0x72, 0x74, 0x7E, 0xA0, 0xE9,
      0x301, 0x1F600,
    ]
    let tokenizer = try CharTokenizer(text: tricky)
    #expect(tokenizer.scalars.map(\.value) == expected)
    // "\r\n" is one Swift Character but two tokens, as in Python.
    #expect(try tokenizer.encode("\r\n").count == 2)
    #expect(tokenizer.decode(try tokenizer.encode(tricky)) == tricky)
  }

  @Test(.enabled(if: DataTestSupport.python3 != nil, "python3 is not on PATH; `make test` installs it"))
  func vocabularyMatchesPythonOnTheEmbeddedCorpus() throws {
    let python = try #require(DataTestSupport.python3)
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let corpus = directory.appendingPathComponent("corpus.txt")
    try Data(Corpus.shakespeare.utf8).write(to: corpus)
    let script = "import sys; t=open(sys.argv[1], encoding='utf-8').read(); print(' '.join(str(ord(c)) for c in sorted(set(t))))"
    let output = try DataTestSupport.run(python, ["-c", script, corpus.path])
    let pythonScalars = output.split(separator: " ").compactMap { UInt32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    let tokenizer = try CharTokenizer(text: Corpus.shakespeare)
    #expect(tokenizer.scalars.map(\.value) == pythonScalars)
  }

  // MARK: - Encoding and decoding

  @Test func roundTripsTheCorpus() throws {
    let tokenizer = try CharTokenizer(text: Corpus.shakespeare)
    let ids = try tokenizer.encode(Corpus.shakespeare)
    #expect(ids.count == Corpus.shakespeare.unicodeScalars.count)
    #expect(ids.allSatisfy { $0 >= 0 && Int($0) < tokenizer.vocabularySize })
    #expect(tokenizer.decode(ids) == Corpus.shakespeare)
  }

  @Test func idsFollowSortedOrder() throws {
    let tokenizer = try CharTokenizer(text: "hello world\n")
    #expect(tokenizer.characters == ["\n", " ", "d", "e", "h", "l", "o", "r", "w"])
    #expect(try tokenizer.encode("hello") == [4, 3, 5, 5, 6])
  }

  @Test func unknownCharacterErrorNamesCharacterAndPosition() throws {
    let tokenizer = try CharTokenizer(text: "abc\n")
    #expect(throws: DataError.unknownCharacter("z", offset: 4, line: 2, column: 2)) {
      try tokenizer.encode("ab\ncz")
    }
    do {
      _ = try tokenizer.encode("ab\ncz")
    } catch let error as DataError {
      #expect(error.description.contains("z (U+7A)"))
      #expect(error.description.contains("line 2, column 2"))
    }
    #expect(throws: DataError.unknownCharacter(" ", offset: 1, line: 1, column: 2)) {
      try tokenizer.encode("a b")
    }
  }

  @Test func decodeMarksIdsOutsideTheVocabulary() throws {
    let tokenizer = try CharTokenizer(text: "ab")
    #expect(tokenizer.decode([0, 5, 1, -1]) == "a\u{FFFD}b\u{FFFD}")
  }

  @Test func emptyTextHasNoVocabulary() {
    #expect(throws: DataError.emptyText) { try CharTokenizer(text: "") }
  }

  // MARK: - Explicit vocabularies

  @Test func explicitVocabularyKeepsOrderAndRoundTrips() throws {
    let original = try CharTokenizer(text: Corpus.shakespeare)
    let restored = try CharTokenizer(vocabulary: original.characters)
    #expect(restored == original)
    let custom = try CharTokenizer(vocabulary: ["z", "a", "\n"])
    #expect(try custom.encode("az\n") == [1, 0, 2])
  }

  @Test func explicitVocabularyRejectsRepeatsAndMultiScalarEntries() {
    #expect(throws: DataError.self) { try CharTokenizer(vocabulary: ["a", "b", "a"]) }
    #expect(throws: DataError.self) { try CharTokenizer(vocabulary: ["a", "bc"]) }
    #expect(throws: DataError.self) { try CharTokenizer(vocabulary: ["e\u{301}"]) }
    #expect(throws: DataError.self) { try CharTokenizer(vocabulary: []) }
  }

  // MARK: - Display

  @Test func visibleRenderingShowsWhitespace() throws {
    let tokenizer = try CharTokenizer(text: " \na\t\u{0}")
    #expect(tokenizer.characters.map { CharTokenizer.visible(Unicode.Scalar($0)!) } == ["U+0000", "⇥", "⏎", "␣", "a"])
    #expect(tokenizer.visible(99) == "<99?>")
  }
}

@Suite struct TokenizerMetadataTests {
  @Test func vocabularyJSONRoundTripsEvenForEscapedCharacters() throws {
    let tokenizer = try CharTokenizer(text: "a\"\\\n\t\u{0}\u{E9}\u{1F600} ")
    let json = tokenizer.vocabularyJSON
    #expect(json.hasPrefix("[\"\\u0000\",\"\\t\",\"\\n\","))
    #expect(try CharTokenizer(vocabularyJSON: json) == tokenizer)
    #expect(try CharTokenizer(vocabularyJSON: #"["\u00e9", "\ud83d\ude00"]"#).characters == ["\u{E9}", "\u{1F600}"])
  }

  @Test func malformedStoredVocabulariesAreRejected() {
    #expect(throws: DataError.self) { try CharTokenizer(vocabularyJSON: "not json") }
    #expect(throws: DataError.self) { try CharTokenizer(vocabularyJSON: #"{"a": 1}"#) }
    #expect(throws: DataError.self) { try CharTokenizer(vocabularyJSON: #"["a", 1]"#) }
    #expect(throws: DataError.self) { try CharTokenizer(vocabularyJSON: #"["a", "a"]"#) }
    #expect(throws: DataError.self) { try CharTokenizer(vocabularyJSON: #"["ab"]"#) }
  }

  @Test(.enabled(if: DataTestSupport.python3 != nil, "python3 is not on PATH; `make test` installs it"))
  func pythonJSONLoadsTheVocabulary() throws {
    let python = try #require(DataTestSupport.python3)
    let tokenizer = try CharTokenizer(text: Corpus.shakespeare + "\u{E9}\u{1F600}\"\\")
    let script = "import json, sys; print(' '.join(str(ord(c)) for c in json.loads(sys.argv[1])))"
    let output = try DataTestSupport.run(python, ["-c", script, tokenizer.vocabularyJSON])
    let scalars = output.split(separator: " ").compactMap { UInt32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    #expect(scalars == tokenizer.scalars.map(\.value))
  }
}
