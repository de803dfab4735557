import Foundation
import Pretraining
import Safetensors
import TestSupport
import Testing
import TestSupport

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Checkpoints that lie

@Suite struct HostileCheckpointTests {
  /// Every `state_dict` name of a model with `layers` blocks.
  static func names(layers: Int) -> [String] {
    var names = ["tok.weight", "pos.weight"]
    for layer in 0..<layers {
      for part in ["ln1.weight", "ln1.bias", "qkv.weight", "qkv.bias", "proj.weight", "proj.bias",
                   "ln2.weight", "ln2.bias", "fc.weight", "fc.bias", "out.weight", "out.bias"] {
        names.append("blocks.\(layer).\(part)")
      }
    }
    return names + ["ln.weight", "ln.bias"]
  }

  static func metadata(d: Int = 16384, layers: Int = 256, format: String = ModelCheckpoint.formatName,
                       vocabulary: String = #"["a","b"]"#) -> [String: String] {
    ["format": format, "format_version": "1", "step": "0", "vocabulary": vocabulary,
     "config": #"{"block_size":64,"n_embd":\#(d),"n_head":4,"n_layer":\#(layers),"vocab_size":2}"#]
  }

  @Test func aHugeConfigOverEmptyTensorsIsRefusedBeforeAllocating() throws {
    // d = 16384, L = 256: 824 G parameters (3.3 TB) claimed by a file of about 220 KB.
    let file = try SafetensorsFile(
      tensors: Self.names(layers: 256).map { (name: $0, shape: [0], values: []) }, metadata: Self.metadata())
    let bytes = file.serialized()
    #expect(bytes.count < 300_000)
    do {
      _ = try ModelCheckpoint(file: try SafetensorsFile(bytes: bytes))
      Issue.record("accepted")
    } catch {
      let message = String(describing: error)
      #expect(message.contains("tok.weight") && message.contains("has shape [0] in the file but [2, 16384] is required"), "\(message)")
    }
  }

  @Test func tenMegabyteTextsInACheckpointGiveShortMessages() throws {
    let huge = String(repeating: "\u{1B}]2;x\u{07}", count: 2_000_000)  // 10 MB of escapes
    var cases: [SafetensorsFile] = []
    cases.append(try SafetensorsFile(tensors: [(name: huge, shape: [1], values: [1])], metadata: Self.metadata()))
    cases.append(try SafetensorsFile(
      tensors: [(name: "tok.weight", shape: [1], values: [1])], metadata: Self.metadata(format: huge)))
    cases.append(try SafetensorsFile(
      tensors: [(name: "tok.weight", shape: [1], values: [1])],
      metadata: Self.metadata(vocabulary: "[\"a\",\"" + huge.replacingOccurrences(of: "\u{1B}", with: "\\u001b")
        .replacingOccurrences(of: "\u{07}", with: "\\u0007") + "\"]")))
    for file in cases {
      do {
        _ = try ModelCheckpoint(file: try SafetensorsFile(bytes: file.serialized()))
        Issue.record("accepted")
      } catch {
        #expect(String(describing: error).utf8.count < 2_000, "\(String(describing: error).prefix(300))")
      }
    }
  }

  @Test func devicesAndPipesAreNamedNotReadForever() throws {
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let fifo = directory.appendingPathComponent("model.safetensors")
    #expect(mkfifo(fifo.path, 0o644) == 0)
    for (url, phrase) in [(URL(fileURLWithPath: "/dev/urandom"), "it is a character device"), (fifo, "it is a FIFO")] {
      do {
        _ = try ModelCheckpoint.read(from: url)
        Issue.record("read \(url.path)")
      } catch {
        #expect(String(describing: error).contains(phrase), "\(error)")
        #expect(!String(describing: error).contains("permission"))
      }
    }
  }
}

// MARK: - Corpora: streamed, compact, strict

@Suite struct StreamingCorpusTests {
  /// Text over several 1 MiB read chunks, with 2-, 3- and 4-byte characters at every alignment.
  static let mixed: String = {
    var text = ""
    var seed: UInt64 = 42
    let pieces = ["a", "b", " ", "\n", "é", "€", "😀", "\r\n", "\r", "z"]
    while text.utf8.count < 2_300_000 {
      seed = seed &* 6364136223846793005 &+ 1442695040888963407
      text += pieces[Int(seed >> 60) % pieces.count]
    }
    return text
  }()

  @Test func streamingAFileGivesWhatTheWholeTextGave() throws {
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("corpus.txt")
    try Data(Self.mixed.utf8).write(to: file)
    let streamed = try CharDataset(contentsOf: file)
    let normalized = Self.mixed.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    let whole = try CharDataset(text: normalized)
    #expect(streamed.tokenizer == whole.tokenizer)
    #expect(streamed.train == whole.train)
    #expect(streamed.val == whole.val)
    #expect(streamed.train.bytesPerToken == 2)
    #expect(streamed.tokenizer.decode(Array(streamed.train) + streamed.val) == normalized)
  }

  @Test func moreThan65536CharactersWidenTo4Bytes() throws {
    var view = String.UnicodeScalarView()
    for value in 0x10000..<(0x10000 + 70_000) { view.append(Unicode.Scalar(UInt32(value))!) }
    view.append(contentsOf: "ab".unicodeScalars)
    let text = String(view)
    let dataset = try CharDataset(text: text)
    #expect(dataset.tokenizer.vocabularySize == 70_002)
    #expect(dataset.train.bytesPerToken == 4)
    #expect(dataset.tokenizer.decode(Array(dataset.train) + dataset.val) == text)
    #expect(dataset.train[0] == 2)  // "a" and "b" sort first
  }

  @Test func invalidUTF8IsFoundAcrossAChunkBoundary() throws {
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("bad.txt")
    // A two-byte lead as the chunk's last byte, then a byte that cannot continue it.
    let bytes = [UInt8](repeating: 0x61, count: (1 << 20) - 1) + [0xC3, 0x28, 0x61]
    try Data(bytes).write(to: file)
    #expect(throws: DataError.invalidUTF8(path: file.path, byteOffset: (1 << 20) - 1)) { try CharDataset(contentsOf: file) }
    try Data([0x61, 0x62, 0xE2, 0x82]).write(to: file)  // cut at the end of the file
    #expect(throws: DataError.invalidUTF8(path: file.path, byteOffset: 2)) { try CharDataset(contentsOf: file) }
    try Data([0x61, 0xED, 0xA0, 0x80, 0x62]).write(to: file)  // a surrogate
    #expect(throws: DataError.invalidUTF8(path: file.path, byteOffset: 1)) { try CharDataset(contentsOf: file) }
  }

  @Test func aFIFOIsReadToItsEndAndDevicesAreRefused() throws {
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let fifo = directory.appendingPathComponent("corpus.fifo")
    #expect(mkfifo(fifo.path, 0o644) == 0)
    let path = fifo.path
    let writer = Thread {
      let handle = FileHandle(forWritingAtPath: path)
      handle?.write(Data("hello, pipe\n".utf8))
      try? handle?.close()
    }
    writer.start()
    let dataset = try CharDataset(contentsOf: fifo)
    #expect(dataset.count == 12)
    do {
      _ = try CharDataset(contentsOf: URL(fileURLWithPath: "/dev/zero"))
      Issue.record("read /dev/zero")
    } catch {
      #expect(String(describing: error).contains("it is a character device"))
    }
  }

  @Test func hostileWindowSizesAreRefusedNotTrapped() throws {
    let dataset = try CharDataset(text: String(repeating: "abcdefghij", count: 10))
    #expect(throws: DataError.self) { try dataset.sequentialBatch(split: .train, size: Int.max, context: 4) }
    #expect(throws: DataError.self) { try dataset.sequentialBatch(split: .train, size: 2, context: Int.max) }
    #expect(throws: DataError.self) { try dataset.sequentialBatch(split: .train, size: 3, context: 2, startingAt: Int.max - 1) }
    #expect(!String(describing: DataError.splitTooShort(split: .train, tokens: 3, context: Int.max)).isEmpty)
  }
}
