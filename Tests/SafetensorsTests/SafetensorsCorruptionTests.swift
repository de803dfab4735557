import Foundation
import Safetensors
import Testing
import TestSupport

/// Damage a checkpoint can suffer on disk, at the format level: every kind is refused with a
/// `SafetensorsError` whose message says what is wrong; none crashes or yields a wrong file.
///
/// (Data bytes carry no checksum in safetensors, so a flipped bit inside a tensor's values is
/// undetectable here; the model-level checks cover shapes, names and vocabulary.)
@Suite struct SafetensorsCorruptionTests {
  static func sample() throws -> [UInt8] {
    try SafetensorsTests.sample().serialized()
  }

  // MARK: - Truncation

  @Test func everyTruncationIsRefused() throws {
    let bytes = try Self.sample()
    for length in 0..<bytes.count {
      do {
        _ = try SafetensorsFile(bytes: Array(bytes.prefix(length)))
        Issue.record("a file cut to \(length) of \(bytes.count) bytes was accepted")
      } catch let error as SafetensorsError {
        let message = error.description
        #expect(message.contains("truncated") || message.contains("not a safetensors file"), "\(length): \(message)")
      }
    }
  }

  @Test func aTruncatedFileOnDiskNamesTheProblem() throws {
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("ckpt.safetensors")
    try SafetensorsTests.sample().write(to: url)
    let handle = try FileHandle(forWritingTo: url)
    let size = try handle.seekToEnd()
    try handle.truncate(atOffset: size - 5)
    try handle.close()
    do {
      _ = try SafetensorsFile.read(from: url)
      Issue.record("a truncated checkpoint was read")
    } catch let error as SafetensorsError {
      #expect(error.description.contains("truncated file"))
    }
  }

  // MARK: - Wrong magic

  /// The first bytes of files people mistake for checkpoints.
  static let foreignStarts: [(String, [UInt8])] = [
    ("PyTorch zip", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00]),
    ("gzip", [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]),
    ("NumPy .npy", Array("\u{93}NUMPY".utf8) + [0x01, 0x00, 0x76, 0x00, 0x7B]),
    ("pickle", [0x80, 0x02, 0x7D, 0x71, 0x00, 0x28, 0x58, 0x05, 0x00, 0x00, 0x00]),
    ("zero header length", [UInt8](repeating: 0, count: 16)),
    ("JSON text", Array("{\"w\": [1, 2, 3]}".utf8)),
  ]

  @Test func foreignFilesAreNamedAsSuch() {
    for (name, start) in Self.foreignStarts {
      let bytes = start + [UInt8](repeating: 0x41, count: 64)
      do {
        _ = try SafetensorsFile(bytes: bytes)
        Issue.record("\(name) was accepted")
      } catch let error as SafetensorsError {
        #expect(error.description.contains("not a safetensors file"), "\(name): \(error)")
      } catch {
        Issue.record("\(name): unexpected \(error)")
      }
    }
  }

  // MARK: - Lying headers

  @Test func hugeShapesDoNotOverflow() {
    for shape in ["[4611686018427387904,4]", "[9223372036854775807]", "[3037000500,3037000500]", "[18446744073709551615]"] {
      let header = #"{"w":{"dtype":"F32","shape":"# + shape + #","data_offsets":[0,4]}}"#
      #expect(throws: SafetensorsError.self, "\(shape)") {
        try SafetensorsFile(bytes: SafetensorsTests.file(header: header, data: SafetensorsTests.floats([1])))
      }
    }
  }

  @Test func everyCorruptedHeaderByteIsRefusedOrHarmless() throws {
    let bytes = try Self.sample()
    let headerEnd = 8 + bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
    let original = try SafetensorsFile(bytes: bytes)
    var refused = 0
    for index in 0..<headerEnd {
      for replacement: UInt8 in [0x00, 0xFF, UInt8(ascii: "\""), UInt8(ascii: "9"), UInt8(ascii: "}")] where bytes[index] != replacement {
        var damaged = bytes
        damaged[index] = replacement
        do {
          let file = try SafetensorsFile(bytes: damaged)
          // Accepted only when the damage left a consistent file: a changed character in a name
          // or a metadata string, or a new shape for an empty tensor ([0, 5] → [0, 9]). The
          // values read must be exactly the stored ones; names and shapes are the model's to check.
          let values = file.tensors.map { $0.values.map(\.bitPattern) }
          #expect(values == original.tensors.map { $0.values.map(\.bitPattern) }, "byte \(index) → \(replacement)")
        } catch is SafetensorsError {
          refused += 1
        }
      }
    }
    #expect(refused > headerEnd)
  }

  // MARK: - Missing tensors and wrong shapes, through a file on disk

  @Test func aFileMissingATensorOrWithAWrongShapeIsRefusedByName() throws {
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("ckpt.safetensors")
    let full = try SafetensorsTests.sample()
    try SafetensorsFile(tensors: full.tensors.filter { $0.name != "blocks.0.ln1.bias" }, metadata: full.metadata).write(to: url)
    let read = try SafetensorsFile.read(from: url)
    #expect(throws: SafetensorsError.missingTensors(["blocks.0.ln1.bias"])) {
      try read.checkNames(required: full.names)
    }
    #expect(SafetensorsError.missingTensors(["blocks.0.ln1.bias"]).description.contains("lacks 1 required tensor"))
    #expect(throws: SafetensorsError.shapeMismatch(tensor: "tok.weight", expected: [2, 3], found: [3, 2])) {
      try read.tensor(named: "tok.weight", shape: [2, 3])
    }
  }
}
