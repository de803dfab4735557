import Foundation
import Safetensors

// MARK: - libFuzzer entry point

/// The libFuzzer harness for everything that reads a checkpoint or a corpus: the safetensors
/// container, its JSON header, the model metadata (config, vocabulary, step) and the tensors'
/// shapes against the model's layout, plus the streaming corpus decoder.
///
/// It is compiled together with the Pretraining sources into one module (see `scripts/fuzz.sh`),
/// so it reaches internal types (`CorpusEncoder`, `ModelCheckpoint.parseConfig`); it is never part of the normal build.
@_cdecl("LLVMFuzzerTestOneInput")
public func checkpointFuzzerTestOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let input = Array(UnsafeBufferPointer(start: bytes, count: count))
  CheckpointFuzzTarget.exercise(input)
  return 0
}

enum CheckpointFuzzTarget {
  static func exercise(_ bytes: [UInt8]) {
    readCheckpoint(bytes)
    // The header alone, as the checkpoint's JSON: the metadata parsers see hostile JSON directly.
    if let parsed = try? StrictJSON.parse(bytes[...]) {
      _ = parsed.serialized
    }
    if let text = String(validating: bytes, as: UTF8.self) {
      _ = try? ModelCheckpoint.parseConfig(text)
      _ = try? CharTokenizer(vocabularyJSON: text)
    }
    compareStreamedDecoding(bytes)
  }

  /// The whole checkpoint path: container, metadata, names, shapes, values. A message must stay short.
  static func readCheckpoint(_ bytes: [UInt8]) {
    let file: SafetensorsFile
    do {
      file = try SafetensorsFile(bytes: bytes)
    } catch {
      precondition(String(describing: error).utf8.count < 4_096, "a container error message is over 4 KB")
      return
    }
    do {
      let checkpoint = try ModelCheckpoint(file: file)
      // Accepted: the weights exist in the file, so the values must be exactly its size.
      precondition(checkpoint.parameters.count * 4 <= bytes.count, "more parameters than the file holds")
      precondition(checkpoint.parameters.allSatisfy(\.isFinite), "non-finite weights accepted")
      // Round trip: what was accepted serializes and reads back the same.
      let again = try ModelCheckpoint(file: try SafetensorsFile(bytes: try checkpoint.safetensors().serialized()))
      precondition(again == checkpoint, "a checkpoint does not survive writing and reading")
    } catch {
      precondition(String(describing: error).utf8.count < 4_096, "a checkpoint error message is over 4 KB")
    }
  }

  /// Streams the bytes through the corpus decoder in chunks whose sizes come from the input,
  /// and checks it against decoding the whole text at once: same ids, or both refuse.
  static func compareStreamedDecoding(_ bytes: [UInt8]) {
    let whole = String(validating: bytes, as: UTF8.self)
    var encoder = CorpusEncoder(name: "fuzz", vocabulary: nil, normalizesNewlines: false)
    var streamed: (CharTokenizer, TokenStore)?
    do {
      var offset = 0
      var cut = 1
      try bytes.withUnsafeBufferPointer { buffer in
        while offset < buffer.count {
          cut = (cut &* 31 &+ Int(buffer[offset])) % 7 + 1  // chunks of 1 to 7 bytes
          let end = min(offset + cut, buffer.count)
          try encoder.feed(UnsafeBufferPointer(rebasing: buffer[offset..<end]))
          offset = end
        }
      }
      streamed = try encoder.finish()
    } catch DataError.emptyText {
      precondition(bytes.isEmpty, "non-empty input read as empty")
      return
    } catch {
      streamed = nil
    }
    guard let whole, !whole.isEmpty else {
      precondition(streamed == nil, "the streamed decoder accepted bytes that are not UTF-8")
      return
    }
    guard let (tokenizer, ids) = streamed else { preconditionFailure("the streamed decoder refused valid UTF-8") }
    precondition(tokenizer == (try? CharTokenizer(text: whole)), "streamed vocabulary differs")
    precondition(tokenizer.decode(ids) == whole, "streamed ids do not decode to the text")
  }
}
