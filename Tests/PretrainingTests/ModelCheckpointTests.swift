import Foundation
import Pretraining
import Safetensors
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct ModelCheckpointTests {
  /// A short text with 17 distinct characters, long enough for windows of 8 in its val split.
  static let corpus = String(repeating: "to be, or not to be:\nthat is the question.\nto be or not.\n", count: 4)

  /// A tiny model on `corpus`'s vocabulary, trained two steps so no weight is at its initial value.
  static func trainedModel(threads: Int = 1) throws -> (MiniGPT, CharTokenizer) {
    let dataset = try CharDataset(text: corpus)
    let config = try MiniGPTConfig(vocabSize: dataset.tokenizer.vocabularySize, contextLength: 8,
                                   embeddingSize: 16, layerCount: 2, headCount: 2)
    let model = try MiniGPT(config: config, seed: 7, threads: threads)
    let trainer = try Trainer(model: model, options: TrainingOptions(steps: 2, evalBatches: 1, seed: 3))
    _ = try trainer.run { split, generator in try dataset.batch(split: split, size: 2, context: 8, using: &generator) }
    return (model, dataset.tokenizer)
  }

  static func checkpoint() throws -> ModelCheckpoint {
    let (model, tokenizer) = try Self.trainedModel()
    return try ModelCheckpoint(model: model, tokenizer: tokenizer, step: 2)
  }

  /// Bytes of `file` with its header replaced by `transform(header)` (the length field updated).
  static func rewritingHeader(_ file: SafetensorsFile, _ transform: (String) -> String) -> [UInt8] {
    let bytes = file.serialized()
    let length = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
    let header = transform(String(decoding: bytes[8..<(8 + length)], as: UTF8.self))
    var result: [UInt8] = []
    withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { result.append(contentsOf: $0) }
    return result + Array(header.utf8) + bytes[(8 + length)...]
  }

  /// A checkpoint file with some tensors replaced, dropped or added, and metadata overridden.
  static func altered(
    _ checkpoint: ModelCheckpoint, dropping dropped: Set<String> = [], replacing: [SafetensorsTensor] = [],
    adding: [SafetensorsTensor] = [], metadata overrides: [String: String?] = [:]
  ) throws -> SafetensorsFile {
    let original = try checkpoint.safetensors()
    var tensors = original.tensors.filter { !dropped.contains($0.name) }
    for replacement in replacing {
      if let index = tensors.firstIndex(where: { $0.name == replacement.name }) { tensors[index] = replacement }
    }
    var metadata = original.metadata
    for (key, value) in overrides { metadata[key] = value }
    return try SafetensorsFile(tensors: tensors + adding, metadata: metadata)
  }

  /// The error `body` throws, or nil.
  static func error(_ body: () throws -> Void) -> Error? {
    do {
      try body()
      return nil
    } catch {
      return error
    }
  }

  // MARK: - Round trip and format

  @Test func roundTripGivesIdenticalLogits() throws {
    let (model, tokenizer) = try Self.trainedModel()
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("model.safetensors")
    try model.saveCheckpoint(to: url, tokenizer: tokenizer, step: 2)

    let restored = try ModelCheckpoint.read(from: url)
    #expect(restored.config == model.config)
    #expect(restored.tokenizer == tokenizer)
    #expect(restored.step == 2)
    let copy = try restored.makeModel()  // same thread count as the original, so the same float rounding
    #expect(copy.parameters.toArray().map(\.bitPattern) == model.parameters.toArray().map(\.bitPattern))

    let batch = randomModelBatch(model.config, size: 3, seed: 11)
    let pass = try model.forwardPass(batch), copied = try copy.forwardPass(batch)
    let (loss, restoredLoss) = (try pass.loss, try copied.loss)
    #expect(try copied.logits().values.map(\.bitPattern) == pass.logits().values.map(\.bitPattern))
    #expect(restoredLoss == loss)
    // Only the checkpoint itself is left in the directory: no temporary file.
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.safetensors"])
  }

  @Test func tensorNamesAreTheReferenceStateDictKeysWithTheHeadLeftOut() throws {
    let checkpoint = try Self.checkpoint()
    let file = try checkpoint.safetensors()
    let layout = try checkpoint.makeModel().layout
    #expect(file.names == layout.entries.map(\.name))
    #expect(file.names.first == "tok.weight" && file.names.last == "ln.bias")
    #expect(file.names.contains("blocks.1.qkv.weight") && !file.names.contains("head.weight"))
    #expect(try file.tensor(named: "blocks.0.qkv.weight").shape == [48, 16])  // (out, in) as PyTorch stores it
    #expect(file.metadata["format"] == "lesson.minigpt")
    #expect(file.metadata["format_version"] == "1")
    #expect(file.metadata["config"] == #"{"block_size":8,"n_embd":16,"n_head":2,"n_layer":2,"vocab_size":17}"#)
    #expect(file.metadata["vocabulary"] == checkpoint.tokenizer.vocabularyJSON)
    #expect(file.metadata["step"] == "2")
  }

  @Test func aStoredTiedHeadIsAcceptedOnlyWhenItEqualsTheEmbedding() throws {
    let checkpoint = try Self.checkpoint()
    let token = try checkpoint.safetensors().tensor(named: "tok.weight")
    let head = try SafetensorsTensor(name: "head.weight", shape: token.shape, values: token.values)
    #expect(try ModelCheckpoint(file: Self.altered(checkpoint, adding: [head])) == checkpoint)
    let untied = try SafetensorsTensor(name: "head.weight", shape: token.shape, values: token.values.map { $0 + 1 })
    #expect(throws: ModelCheckpointError.untiedHead) { try ModelCheckpoint(file: Self.altered(checkpoint, adding: [untied])) }
  }

  // MARK: - Damaged and foreign files

  @Test func truncatedFilesAreReportedAtEveryCut() throws {
    let bytes = try Self.checkpoint().safetensors().serialized()
    let headerEnd = 8 + bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
    for cut in [0, 4, 8, 20, headerEnd - 1, headerEnd, headerEnd + 100, bytes.count - 1] {
      let error = Self.error { _ = try ModelCheckpoint(file: SafetensorsFile(bytes: Array(bytes.prefix(cut)))) }
      let checkpointError = try #require(error as? SafetensorsError, "cut at \(cut) of \(bytes.count) was accepted or gave \(String(describing: error))")
      let text = checkpointError.description
      #expect(text.contains("truncated") || text.contains("not a safetensors file"), "cut at \(cut): \(text)")
    }
  }

  @Test func foreignFilesAreNamedForWhatTheyAre() throws {
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let zip = directory.appendingPathComponent("model.pt")
    try Data([0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 7, count: 200)).write(to: zip)
    let zipError = Self.error { _ = try ModelCheckpoint.read(from: zip) }
    #expect(String(describing: zipError).contains("zip archive, as torch.save writes"))

    let pickle = directory.appendingPathComponent("model.pkl")
    try Data([0x80, 0x02] + [UInt8](repeating: 0x41, count: 100)).write(to: pickle)
    #expect(String(describing: Self.error { _ = try ModelCheckpoint.read(from: pickle) }).contains("pickle"))

    let text = directory.appendingPathComponent("notes.txt")
    try Data("just some text, certainly not tensors\n".utf8).write(to: text)
    #expect(Self.error { _ = try ModelCheckpoint.read(from: text) } is SafetensorsError)

    let missing = directory.appendingPathComponent("absent.safetensors")
    #expect(throws: SafetensorsError.io(path: missing.path, operation: "read", reason: "no such file")) {
      try ModelCheckpoint.read(from: missing)
    }
  }

  @Test func aHeaderLyingAboutSizesIsRejected() throws {
    let file = try Self.checkpoint().safetensors()
    // tok.weight is 17×16 floats = 1088 bytes at offset 0; claim a larger shape for the same span.
    let bigger = Self.rewritingHeader(file) { $0.replacingOccurrences(of: #""shape":[17,16]"#, with: #""shape":[18,16]"#) }
    #expect(throws: SafetensorsError.sizeMismatch(tensor: "tok.weight", shape: [18, 16], expectedBytes: 1152, actualBytes: 1088)) {
      try SafetensorsFile(bytes: bigger)
    }
    // Offsets that run past the data section.
    let total = file.tensors.reduce(0) { $0 + 4 * $1.values.count }
    let past = Self.rewritingHeader(file) {
      $0.replacingOccurrences(of: "\"data_offsets\":[\(total - 64),\(total)]", with: "\"data_offsets\":[\(total - 64 + 8),\(total + 8)]")
    }
    #expect(Self.error { _ = try SafetensorsFile(bytes: past) } is SafetensorsError)
  }

  // MARK: - Names, shapes and values

  @Test func missingAndUnexpectedTensorsAreListed() throws {
    let checkpoint = try Self.checkpoint()
    #expect(throws: SafetensorsError.missingTensors(["blocks.1.fc.bias", "ln.weight"])) {
      try ModelCheckpoint(file: Self.altered(checkpoint, dropping: ["ln.weight", "blocks.1.fc.bias"]))
    }
    let extra = try SafetensorsTensor(name: "blocks.2.ln1.weight", shape: [16], values: [Float](repeating: 1, count: 16))
    #expect(throws: SafetensorsError.unexpectedTensors(["blocks.2.ln1.weight"])) {
      try ModelCheckpoint(file: Self.altered(checkpoint, adding: [extra]))
    }
  }

  @Test func aWrongShapeNamesTheTensor() throws {
    let checkpoint = try Self.checkpoint()
    let qkv = try checkpoint.safetensors().tensor(named: "blocks.0.qkv.weight")
    let transposed = try SafetensorsTensor(name: qkv.name, shape: [16, 48], values: qkv.values)
    #expect(throws: SafetensorsError.shapeMismatch(tensor: "blocks.0.qkv.weight", expected: [48, 16], found: [16, 48])) {
      try ModelCheckpoint(file: Self.altered(checkpoint, replacing: [transposed]))
    }
  }

  @Test func nonFiniteWeightsAreRejected() throws {
    let checkpoint = try Self.checkpoint()
    let bias = try checkpoint.safetensors().tensor(named: "ln.bias")
    var values = bias.values
    values[3] = .nan
    values[5] = .infinity
    let damaged = try SafetensorsTensor(name: "ln.bias", shape: bias.shape, values: values)
    #expect(throws: ModelCheckpointError.nonFiniteValues(tensor: "ln.bias", count: 2)) {
      try ModelCheckpoint(file: Self.altered(checkpoint, replacing: [damaged]))
    }
  }

  // MARK: - Metadata

  @Test func metadataIsRequiredAndChecked() throws {
    let checkpoint = try Self.checkpoint()
    #expect(throws: ModelCheckpointError.missingMetadata(key: "config")) {
      try ModelCheckpoint(file: Self.altered(checkpoint, metadata: ["config": nil]))
    }
    #expect(throws: ModelCheckpointError.missingMetadata(key: "vocabulary")) {
      try ModelCheckpoint(file: Self.altered(checkpoint, metadata: ["vocabulary": nil]))
    }
    #expect(throws: ModelCheckpointError.missingMetadata(key: "step")) {
      try ModelCheckpoint(file: Self.altered(checkpoint, metadata: ["step": nil]))
    }
    let plain = try SafetensorsFile(tensors: checkpoint.safetensors().tensors)
    #expect(String(describing: Self.error { _ = try ModelCheckpoint(file: plain) }).contains("plain PyTorch state_dict"))

    for (key, value) in [("format", "other.format"), ("format_version", "2"), ("step", "-1"), ("step", "2.5"),
                         ("config", "{\"n_layer\":2}"), ("config", "[1,2]"), ("config", "not json"),
                         ("config", #"{"block_size":8,"n_embd":16,"n_head":3,"n_layer":2,"vocab_size":17}"#),
                         ("config", #"{"block_size":8,"n_embd":16,"n_head":2,"n_layer":2,"vocab_size":17,"bias":1}"#),
                         ("vocabulary", "[\"a\",\"a\"]"), ("vocabulary", "{}")] {
      let error = Self.error { _ = try ModelCheckpoint(file: Self.altered(checkpoint, metadata: [key: value])) }
      guard case .invalidMetadata(let named, _)? = error as? ModelCheckpointError else {
        Issue.record("\(key)=\(value) gave \(String(describing: error))")
        continue
      }
      #expect(named == key)
    }
  }

  @Test func configAndTensorsMustAgree() throws {
    let checkpoint = try Self.checkpoint()
    // The config says one layer, the tensors hold two.
    let oneLayer = #"{"block_size":8,"n_embd":16,"n_head":2,"n_layer":1,"vocab_size":17}"#
    let error = Self.error { _ = try ModelCheckpoint(file: Self.altered(checkpoint, metadata: ["config": oneLayer])) }
    guard case .unexpectedTensors(let names)? = error as? SafetensorsError else {
      Issue.record("got \(String(describing: error))")
      return
    }
    #expect(names.first == "blocks.1.ln1.weight" && names.count == 12)
    // The config says V = 18, the vocabulary has 17 characters.
    let wider = #"{"block_size":8,"n_embd":16,"n_head":2,"n_layer":2,"vocab_size":18}"#
    #expect(throws: ModelCheckpointError.vocabularyDoesNotMatchConfig(vocabularyCount: 17, configVocabSize: 18)) {
      try ModelCheckpoint(file: Self.altered(checkpoint, metadata: ["config": wider]))
    }
  }

  @Test func aCheckpointFromAnotherVocabularyIsRejectedWhenACorpusIsGiven() throws {
    let (model, tokenizer) = try Self.trainedModel()
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("model.safetensors")
    try model.saveCheckpoint(to: url, tokenizer: tokenizer, step: 2)

    #expect(try ModelCheckpoint.read(from: url, expecting: CharTokenizer(text: Self.corpus)).step == 2)
    let other = try CharTokenizer(text: "to be, or not to be:\nthat is the question!\nxyz")
    let error = Self.error { _ = try ModelCheckpoint.read(from: url, expecting: other) }
    guard case .vocabularyMismatch(let onlyInCheckpoint, let onlyInCorpus, let reordered)? = error as? ModelCheckpointError else {
      Issue.record("got \(String(describing: error))")
      return
    }
    #expect(onlyInCheckpoint == ["."])
    #expect(onlyInCorpus == ["!", "x", "y", "z"])
    #expect(!reordered)
    #expect(String(describing: error!).contains("'!' 'x' 'y' 'z' which the checkpoint never saw"))

    let reversedOrder = try CharTokenizer(scalars: tokenizer.scalars.reversed())
    #expect(throws: ModelCheckpointError.vocabularyMismatch(onlyInCheckpoint: [], onlyInCorpus: [], sameCharactersOtherOrder: true)) {
      try ModelCheckpoint.read(from: url, expecting: reversedOrder)
    }
    let bigger = try MiniGPTConfig(vocabSize: 17, contextLength: 8, embeddingSize: 32, layerCount: 2, headCount: 2)
    #expect(throws: ModelCheckpointError.configMismatch(expected: bigger, found: model.config)) {
      try ModelCheckpoint.read(from: url, config: bigger)
    }
    #expect(throws: ModelCheckpointError.vocabularyDoesNotMatchConfig(vocabularyCount: 4, configVocabSize: 17)) {
      try ModelCheckpoint(model: model, tokenizer: CharTokenizer(text: "abcd"), step: 0)
    }
  }

  // MARK: - Python interop

  @Test(.enabled(if: DataTestSupport.pythonSafetensorsAvailable,
                 "python3 with safetensors and numpy is not installed; `make test` installs them"))
  func pythonReadsARealSwiftCheckpoint() throws {
    let python = try #require(DataTestSupport.python3)
    let (model, tokenizer) = try Self.trainedModel()
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("swift-minigpt.safetensors")
    try model.saveCheckpoint(to: url, tokenizer: tokenizer, step: 2)

    let script = DataTestSupport.repositoryRoot.appendingPathComponent("Tools/interop/read_checkpoint.py")
    struct Report: Decodable {
      struct Tensor: Decodable {
        let name: String
        let dtype: String
        let shape: [Int]
        let sum: Double
      }
      let tensors: [Tensor]
      let metadata: [String: String]
    }
    let report = try JSONDecoder().decode(Report.self, from: Data(DataTestSupport.run(python, [script.path, url.path]).utf8))
    #expect(report.tensors.map(\.name) == model.layout.entries.map(\.name))
    #expect(report.tensors.map(\.shape) == model.layout.entries.map(\.shape))
    #expect(report.tensors.allSatisfy { $0.dtype == "float32" })
    for (seen, entry) in zip(report.tensors, model.layout.entries) {
      let sum = try model.parameter(named: entry.name).values.reduce(0.0) { $0 + Double($1) }
      #expect(abs(seen.sum - sum) <= 1e-9 * max(1, abs(sum)), "\(entry.name)")
    }
    #expect(report.metadata["config"] == #"{"block_size":8,"n_embd":16,"n_head":2,"n_layer":2,"vocab_size":17}"#)
    // Python's json.loads gives back the reference's `chars = sorted(set(text))`.
    let chars = try DataTestSupport.run(python, ["-c", "import json,sys; print(json.loads(sys.argv[1]) == sorted(set(sys.argv[2])))",
                                                 report.metadata["vocabulary"] ?? "", Self.corpus])
    #expect(chars.trimmingCharacters(in: .whitespacesAndNewlines) == "True")
    #expect(report.metadata["step"] == "2")
  }

  // MARK: - Killed writers

  /// The built `lesson` binary (`LESSON_BINARY`, else .build/release, else .build/debug), if present.
  static var lessonBinary: String? {
    if let path = ProcessInfo.processInfo.environment["LESSON_BINARY"], !path.isEmpty { return path }
    for configuration in ["release", "debug"] {
      let path = DataTestSupport.repositoryRoot.appendingPathComponent(".build/\(configuration)/lesson").path
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
  }

  /// SIGKILLs `lesson train --out` as soon as its temporary checkpoint appears, i.e. mid-write.
  ///
  /// - Returns: whether the kill landed while the temporary file existed.
  static func killWriterMidWrite(binary: String, target: URL) throws -> Bool {
    let directory = target.deletingLastPathComponent()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    // d = 384, L = 8: about 14M parameters, a 57 MB file that takes a while to write and fsync.
    process.arguments = ["train", "--steps", "0", "--d", "384", "--layers", "8", "--heads", "4", "--context", "16",
                         "--batch", "1", "--eval-batches", "1", "--threads", "1", "--out", target.path]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(120)
    var killedMidWrite = false
    while process.isRunning && Date() < deadline {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
      if names.contains(where: { $0.hasPrefix(target.lastPathComponent + ".tmp-") }) {
        kill(process.processIdentifier, SIGKILL)
        killedMidWrite = true
        break
      }
      usleep(500)
    }
    if process.isRunning && !killedMidWrite { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    return killedMidWrite
  }

  @Test(.enabled(if: lessonBinary != nil, "the lesson binary is not built (swift build -c release)"))
  func killingAWriterNeverLeavesATruncatedCheckpoint() throws {
    let binary = try #require(Self.lessonBinary)
    let directory = try DataTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let target = directory.appendingPathComponent("model.safetensors")

    // No earlier checkpoint: after the kill there is none under the final name.
    let first = try Self.killWriterMidWrite(binary: binary, target: target)
    #expect(first, "the writer finished before its temporary file was seen")
    #expect(!FileManager.default.fileExists(atPath: target.path))

    // An earlier checkpoint: after the kill it is still there, whole.
    let (model, tokenizer) = try Self.trainedModel()
    try model.saveCheckpoint(to: target, tokenizer: tokenizer, step: 2)
    let second = try Self.killWriterMidWrite(binary: binary, target: target)
    #expect(second, "the writer finished before its temporary file was seen")
    let survivor = try ModelCheckpoint.read(from: target)
    #expect(survivor.step == 2 && survivor.config == model.config)
    // The leftover temporary file is named so that `.gitignore`'s `*.safetensors.tmp*` hides it.
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0 != "model.safetensors" }
    #expect(leftovers.allSatisfy { $0.hasPrefix("model.safetensors.tmp-") })
  }
}
