import Foundation
import Safetensors

/// A trained MiniGPT's weights with the config, vocabulary and step needed to use them again.
///
/// On disk it is a safetensors file whose tensor names are the PyTorch `state_dict` keys of
/// `minigpt_torch.py` (`tok.weight`, `pos.weight`, `blocks.N.*`, `ln.*`), so
/// `model.load_state_dict(load_file(path), strict=False)` works; the head is tied to `tok.weight`
/// and stored once, as the reference's `--load` accepts. `__metadata__` holds:
///
/// - `format`: `lesson.minigpt`, `format_version`: `1`;
/// - `config`: nanoGPT-style JSON, `{"block_size":64,"n_embd":128,"n_head":4,"n_layer":4,"vocab_size":65}`;
/// - `vocabulary`: the characters in id order as a JSON array (Python's `sorted(set(text))`);
/// - `step`: optimizer steps taken, in decimal.
///
/// Optimizer moments are not stored: a checkpoint restores a model, not a run.
public struct ModelCheckpoint: Sendable, Equatable {
  /// The value of the `format` metadata entry.
  public static let formatName = "lesson.minigpt"
  /// The value of the `format_version` metadata entry this code writes and reads.
  public static let formatVersion = "1"
  /// The name the tied head would have in a full `state_dict`; accepted but never written.
  public static let tiedHeadName = "head.weight"

  /// The model's shape.
  public let config: MiniGPTConfig
  /// The vocabulary the model was trained with.
  public let tokenizer: CharTokenizer
  /// Optimizer steps taken before saving.
  public let step: Int
  /// Every parameter in ``ParameterLayout`` order.
  public let parameters: [Float]

  // MARK: - Creating

  /// Captures `model`'s current weights.
  ///
  /// - Throws: ``ModelCheckpointError/vocabularyDoesNotMatchConfig(vocabularyCount:configVocabSize:)``
  ///   when the tokenizer's size is not the model's V, ``ModelCheckpointError/invalidStep(_:)``.
  public init(model: MiniGPT, tokenizer: CharTokenizer, step: Int) throws {
    guard tokenizer.vocabularySize == model.config.vocabSize else {
      throw ModelCheckpointError.vocabularyDoesNotMatchConfig(
        vocabularyCount: tokenizer.vocabularySize, configVocabSize: model.config.vocabSize)
    }
    guard step >= 0 else { throw ModelCheckpointError.invalidStep(step) }
    config = model.config
    self.tokenizer = tokenizer
    self.step = step
    parameters = model.parameters.toArray()
  }

  /// A new model holding these weights.
  public func makeModel(threads: Int = 1) throws -> MiniGPT {
    let model = try MiniGPT(config: config, seed: 0, threads: threads)
    try model.loadParameters(parameters)
    return model
  }

  // MARK: - Writing

  /// The safetensors contents: one tensor per `state_dict` key (no `head.weight`) plus metadata.
  public func safetensors() throws -> SafetensorsFile {
    let layout = ParameterLayout(config: config)
    let tensors = try parameters.withUnsafeBufferPointer { values in
      try layout.entries.map { entry in
        try SafetensorsTensor(
          name: entry.name, shape: entry.shape,
          copying: UnsafeBufferPointer(rebasing: values[entry.range]))
      }
    }
    return try SafetensorsFile(tensors: tensors, metadata: [
      "format": Self.formatName,
      "format_version": Self.formatVersion,
      "config": Self.configJSON(config),
      "vocabulary": tokenizer.vocabularyJSON,
      "step": String(step),
    ])
  }

  /// Writes the checkpoint atomically (temporary file, fsync, rename): `url` always holds either
  /// its previous contents or this complete checkpoint, even if the process is killed mid-write.
  public func write(to url: URL) throws {
    try safetensors().write(to: url)
  }

  // MARK: - Reading

  /// Reads and validates a checkpoint file.
  ///
  /// - Parameters:
  ///   - tokenizer: when given (the vocabulary of a corpus the caller will use with the model),
  ///     the checkpoint's vocabulary must be exactly this one.
  ///   - config: when given, the checkpoint's model shape must be exactly this one.
  /// - Throws: ``SafetensorsError`` for an unreadable, truncated or foreign file,
  ///   ``ModelCheckpointError`` for missing or invalid metadata and mismatches.
  public static func read(from url: URL, expecting tokenizer: CharTokenizer? = nil,
                          config: MiniGPTConfig? = nil) throws -> ModelCheckpoint {
    let file: SafetensorsFile
    do {
      file = try SafetensorsFile.read(from: url)
    } catch let error as SafetensorsError {
      throw Self.explainForeignFile(error, at: url)
    }
    let checkpoint = try ModelCheckpoint(file: file)
    if let tokenizer { try checkpoint.checkVocabulary(matches: tokenizer) }
    if let config, config != checkpoint.config {
      throw ModelCheckpointError.configMismatch(expected: config, found: checkpoint.config)
    }
    return checkpoint
  }

  /// Interprets a parsed safetensors file as a checkpoint, checking metadata, names, shapes and values.
  public init(file: SafetensorsFile) throws {
    let metadata = file.metadata
    if let format = metadata["format"], format != Self.formatName {
      throw ModelCheckpointError.invalidMetadata(key: "format", reason: "expected \"\(Self.formatName)\", found \"\(format)\"")
    }
    if let version = metadata["format_version"], version != Self.formatVersion {
      throw ModelCheckpointError.invalidMetadata(
        key: "format_version", reason: "this build reads version \(Self.formatVersion), the file is version \(version)")
    }
    guard let configText = metadata["config"] else { throw ModelCheckpointError.missingMetadata(key: "config") }
    guard let vocabularyText = metadata["vocabulary"] else { throw ModelCheckpointError.missingMetadata(key: "vocabulary") }
    guard let stepText = metadata["step"] else { throw ModelCheckpointError.missingMetadata(key: "step") }

    let config = try Self.parseConfig(configText)
    let tokenizer: CharTokenizer
    do {
      tokenizer = try CharTokenizer(vocabularyJSON: vocabularyText)
    } catch {
      throw ModelCheckpointError.invalidMetadata(key: "vocabulary", reason: String(describing: error))
    }
    guard tokenizer.vocabularySize == config.vocabSize else {
      throw ModelCheckpointError.vocabularyDoesNotMatchConfig(
        vocabularyCount: tokenizer.vocabularySize, configVocabSize: config.vocabSize)
    }
    guard let step = Int(stepText), step >= 0, String(step) == stepText else {
      throw ModelCheckpointError.invalidMetadata(key: "step", reason: "\"\(stepText)\" is not a non-negative integer")
    }

    let layout = ParameterLayout(config: config)
    try file.checkNames(required: layout.entries.map(\.name), optional: [Self.tiedHeadName])
    var parameters = [Float](repeating: 0, count: layout.count)
    for entry in layout.entries {
      let tensor = try file.tensor(named: entry.name, shape: entry.shape)
      let nonFinite = tensor.values.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
      guard nonFinite == 0 else { throw ModelCheckpointError.nonFiniteValues(tensor: entry.name, count: nonFinite) }
      parameters.replaceSubrange(entry.range, with: tensor.values)
    }
    if file[Self.tiedHeadName] != nil {
      let tokenShape = [config.vocabSize, config.embeddingSize]
      let head = try file.tensor(named: Self.tiedHeadName, shape: tokenShape)
      guard head.values == (try file.tensor(named: "tok.weight").values) else { throw ModelCheckpointError.untiedHead }
    }
    self.config = config
    self.tokenizer = tokenizer
    self.step = step
    self.parameters = parameters
  }

  /// Checks that the checkpoint's vocabulary is exactly `tokenizer`'s (same characters, same ids).
  public func checkVocabulary(matches tokenizer: CharTokenizer) throws {
    guard tokenizer != self.tokenizer else { return }
    let stored = Set(self.tokenizer.characters)
    let given = Set(tokenizer.characters)
    throw ModelCheckpointError.vocabularyMismatch(
      onlyInCheckpoint: self.tokenizer.characters.filter { !given.contains($0) },
      onlyInCorpus: tokenizer.characters.filter { !stored.contains($0) },
      sameCharactersOtherOrder: stored == given)
  }

  // MARK: - Config metadata

  /// The nanoGPT `model_args` names, sorted, mapped to the config's fields.
  private static func configFields(_ config: MiniGPTConfig) -> [(key: String, value: Int)] {
    [("block_size", config.contextLength), ("n_embd", config.embeddingSize), ("n_head", config.headCount),
     ("n_layer", config.layerCount), ("vocab_size", config.vocabSize)]
  }

  private static let configKeys = ["block_size", "n_embd", "n_head", "n_layer", "vocab_size"]

  static func configJSON(_ config: MiniGPTConfig) -> String {
    StrictJSON.object(configFields(config).map { ($0.key, .number(String($0.value))) }).serialized
  }

  static func parseConfig(_ text: String) throws -> MiniGPTConfig {
    func invalid(_ reason: String) -> ModelCheckpointError { .invalidMetadata(key: "config", reason: reason) }
    let parsed: StrictJSON
    do {
      parsed = try StrictJSON.parse(Array(text.utf8)[...])
    } catch {
      throw invalid("not valid JSON (\(error))")
    }
    guard case .object(let members) = parsed else { throw invalid("not a JSON object") }
    var values: [String: Int] = [:]
    for (key, value) in members {
      guard configKeys.contains(key) else { throw invalid("unknown field \"\(key)\"") }
      guard case .number(let number) = value, let integer = Int(number) else {
        throw invalid("\"\(key)\" is not an integer")
      }
      values[key] = integer
    }
    for key in configKeys where values[key] == nil { throw invalid("missing field \"\(key)\"") }
    do {
      return try MiniGPTConfig(
        vocabSize: values["vocab_size", default: 0], contextLength: values["block_size", default: 0],
        embeddingSize: values["n_embd", default: 0], layerCount: values["n_layer", default: 0],
        headCount: values["n_head", default: 0])
    } catch {
      throw invalid(String(describing: error))
    }
  }

  // MARK: - Foreign files

  /// Adds what the file looks like when it is not safetensors at all (a zip-based `.pt`, a pickle).
  private static func explainForeignFile(_ error: SafetensorsError, at url: URL) -> Error {
    switch error {
    case .headerTooLarge, .headerLengthOutOfRange, .malformedHeader, .tooShortForHeader:
      guard let handle = try? FileHandle(forReadingFrom: url),
            let prefix = try? handle.read(upToCount: 4) else { return error }
      try? handle.close()
      let bytes = [UInt8](prefix)
      if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
        return SafetensorsError.malformedHeader(
          "the file is a zip archive, as torch.save writes; save with safetensors.torch.save_file instead")
      }
      if bytes.first == 0x80 {
        return SafetensorsError.malformedHeader("the file looks like a Python pickle; save with safetensors.torch.save_file instead")
      }
      return error
    default:
      return error
    }
  }
}

// MARK: - Saving and loading a model

extension MiniGPT {
  /// Writes this model's weights, with `tokenizer` and `step`, as an atomic safetensors checkpoint.
  public func saveCheckpoint(to url: URL, tokenizer: CharTokenizer, step: Int) throws {
    try ModelCheckpoint(model: self, tokenizer: tokenizer, step: step).write(to: url)
  }

  /// Overwrites this model's weights with a checkpoint's; the shapes must match.
  public func load(_ checkpoint: ModelCheckpoint) throws {
    guard checkpoint.config == config else {
      throw ModelCheckpointError.configMismatch(expected: config, found: checkpoint.config)
    }
    try loadParameters(checkpoint.parameters)
  }
}
