import AtomicFiles
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
/// - `step`: optimizer steps taken, in decimal;
/// - `recipe` (written by `lesson train`): the run's ``TrainingRecipe`` as JSON, so the run is
///   reproducible from its file.
///
/// A checkpoint that can be resumed also holds the run's ``TrainingState``: AdamW's moments as
/// tensors `optimizer.exp_avg.NAME` and `optimizer.exp_avg_sq.NAME` (PyTorch's names for m and v)
/// beside each parameter, and metadata `optimizer_step` and `batch_stream`/`evaluation_stream`
/// (each random stream's four state words, in hex, comma-separated).
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
  /// The settings of the run that wrote it, when it recorded them.
  public let recipe: TrainingRecipe?
  /// What continuing the run needs besides the weights, when the checkpoint holds it.
  public let training: TrainingState?

  /// Prefixes of the tensors holding AdamW's first and second moments.
  public static let firstMomentPrefix = "optimizer.exp_avg."
  public static let secondMomentPrefix = "optimizer.exp_avg_sq."

  // MARK: - Creating

  /// Captures `model`'s current weights.
  ///
  /// - Throws: ``ModelCheckpointError/vocabularyDoesNotMatchConfig(vocabularyCount:configVocabSize:)``
  ///   when the tokenizer's size is not the model's V, ``ModelCheckpointError/invalidStep(_:)``.
  public init(model: MiniGPT, tokenizer: CharTokenizer, step: Int, recipe: TrainingRecipe? = nil,
              training: TrainingState? = nil) throws {
    guard tokenizer.vocabularySize == model.config.vocabSize else {
      throw ModelCheckpointError.vocabularyDoesNotMatchConfig(
        vocabularyCount: tokenizer.vocabularySize, configVocabSize: model.config.vocabSize)
    }
    guard step >= 0 else { throw ModelCheckpointError.invalidStep(step) }
    if let training {
      guard training.completedSteps == step, training.optimizer.firstMoment.count == model.parameterCount else {
        throw ModelCheckpointError.invalidStep(step)
      }
    }
    config = model.config
    self.tokenizer = tokenizer
    self.step = step
    parameters = model.parameters.toArray()
    self.recipe = recipe
    self.training = training
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
    func tensors(_ values: [Float], prefix: String) throws -> [SafetensorsTensor] {
      try values.withUnsafeBufferPointer { values in
        try layout.entries.map { entry in
          try SafetensorsTensor(
            name: prefix + entry.name, shape: entry.shape,
            copying: UnsafeBufferPointer(rebasing: values[entry.range]))
        }
      }
    }
    var all = try tensors(parameters, prefix: "")
    var metadata = [
      "format": Self.formatName,
      "format_version": Self.formatVersion,
      "config": Self.configJSON(config),
      "vocabulary": tokenizer.vocabularyJSON,
      "step": String(step),
    ]
    if let recipe { metadata["recipe"] = try TrainingRecipe.json(recipe) }
    if let training {
      all += try tensors(training.optimizer.firstMoment, prefix: Self.firstMomentPrefix)
      all += try tensors(training.optimizer.secondMoment, prefix: Self.secondMomentPrefix)
      metadata["optimizer_step"] = String(training.optimizer.stepCount)
      metadata["batch_stream"] = Self.streamText(training.batchStream)
      metadata["evaluation_stream"] = Self.streamText(training.evaluationStream)
    }
    return try SafetensorsFile(tensors: all, metadata: metadata)
  }

  /// The bytes of the safetensors file ``write(to:)`` writes, for a caller that stores the
  /// checkpoint itself (a lesson's result cache) without importing Safetensors.
  public func serialized() throws -> [UInt8] {
    try safetensors().serialized()
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
    // What is at the path, said plainly: a device or FIFO could be endless (`/dev/urandom`), and
    // Foundation's own message for them ("you don't have permission") is wrong even for root.
    switch FileKind.of(url.path) {
    case .regular: break
    case .missing: throw SafetensorsError.io(path: url.path, operation: "read", reason: "no such file")
    case let kind:
      throw SafetensorsError.io(path: url.path, operation: "read", reason: "it is \(kind.phrase), not a checkpoint file; "
        + "give the .safetensors file that `lesson train --out` wrote")
    }
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

  /// Reads ``serialized()``'s bytes back, validating them as ``read(from:expecting:config:)`` does.
  ///
  /// - Throws: ``SafetensorsError`` for bytes that are not a safetensors file, ``ModelCheckpointError``
  ///   for one that is not a checkpoint.
  public init(bytes: [UInt8]) throws {
    try self.init(file: try SafetensorsFile(bytes: bytes))
  }

  /// Interprets a parsed safetensors file as a checkpoint, checking metadata, names, shapes and values.
  public init(file: SafetensorsFile) throws {
    let metadata = file.metadata
    if let format = metadata["format"], format != Self.formatName {
      throw ModelCheckpointError.invalidMetadata(
        key: "format", reason: "expected \"\(Self.formatName)\", found \"\(excerpt(format))\"")
    }
    if let version = metadata["format_version"], version != Self.formatVersion {
      throw ModelCheckpointError.invalidMetadata(
        key: "format_version", reason: "this build reads version \(Self.formatVersion), the file is version \(excerpt(version))")
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
      throw ModelCheckpointError.invalidMetadata(key: "step", reason: "\"\(excerpt(stepText))\" is not a non-negative integer")
    }

    let layout = ParameterLayout(config: config)
    let names = layout.entries.map(\.name)
    let resumable = metadata["optimizer_step"] != nil
    let moments = names.map { Self.firstMomentPrefix + $0 } + names.map { Self.secondMomentPrefix + $0 }
    try file.checkNames(required: names + (resumable ? moments : []), optional: [Self.tiedHeadName])
    // Every shape before any allocation: the config is only metadata, and a 100 KB file can claim
    // d=16384, L=256 (terabytes of parameters) over empty tensors. Once each tensor has the
    // layout's shape, the slabs below hold exactly the values the file itself holds.
    for prefix in resumable ? ["", Self.firstMomentPrefix, Self.secondMomentPrefix] : [""] {
      for entry in layout.entries { _ = try file.tensor(named: prefix + entry.name, shape: entry.shape) }
    }
    func values(prefix: String) throws -> [Float] {
      var values = [Float](repeating: 0, count: layout.count)
      for entry in layout.entries {
        let tensor = try file.tensor(named: prefix + entry.name, shape: entry.shape)
        let nonFinite = tensor.values.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
        guard nonFinite == 0 else { throw ModelCheckpointError.nonFiniteValues(tensor: prefix + entry.name, count: nonFinite) }
        values.replaceSubrange(entry.range, with: tensor.values)
      }
      return values
    }
    let parameters = try values(prefix: "")
    if file[Self.tiedHeadName] != nil {
      let tokenShape = [config.vocabSize, config.embeddingSize]
      let head = try file.tensor(named: Self.tiedHeadName, shape: tokenShape)
      guard head.values == (try file.tensor(named: "tok.weight").values) else { throw ModelCheckpointError.untiedHead }
    }
    self.config = config
    self.tokenizer = tokenizer
    self.step = step
    self.parameters = parameters
    recipe = try metadata["recipe"].map { text in
      do {
        return try TrainingRecipe.parse(text)
      } catch {
        throw ModelCheckpointError.invalidMetadata(key: "recipe", reason: String(describing: error))
      }
    }
    if resumable {
      let stepText = metadata["optimizer_step"] ?? ""
      guard let optimizerStep = Int(stepText), optimizerStep >= 0, String(optimizerStep) == stepText else {
        throw ModelCheckpointError.invalidMetadata(key: "optimizer_step", reason: "\"\(stepText)\" is not a non-negative integer")
      }
      let secondMoment = try values(prefix: Self.secondMomentPrefix)
      if let negative = secondMoment.firstIndex(where: { $0 < 0 }) {
        throw ModelCheckpointError.invalidMetadata(
          key: "optimizer_step", reason: "second moment \(negative) is negative (\(secondMoment[negative])); v is a mean of squares")
      }
      training = TrainingState(
        completedSteps: step,
        optimizer: AdamW.State(stepCount: optimizerStep, firstMoment: try values(prefix: Self.firstMomentPrefix),
                               secondMoment: secondMoment),
        batchStream: try Self.stream(metadata, "batch_stream"),
        evaluationStream: try Self.stream(metadata, "evaluation_stream"))
    } else {
      training = nil
    }
  }

  // MARK: - Random streams

  /// "hex,hex,hex,hex".
  static func streamText(_ state: SeededGenerator.State) -> String {
    state.array.map { String($0, radix: 16) }.joined(separator: ",")
  }

  static func stream(_ metadata: [String: String], _ key: String) throws -> SeededGenerator.State {
    guard let text = metadata[key] else { throw ModelCheckpointError.missingMetadata(key: key) }
    let words = text.split(separator: ",", omittingEmptySubsequences: false).map { UInt64($0, radix: 16) }
    guard words.count == 4, words.allSatisfy({ $0 != nil }),
          let state = SeededGenerator.State(words: words.compactMap { $0 }) else {
      throw ModelCheckpointError.invalidMetadata(key: key, reason: "expected four hex words, not all zero, separated by commas")
    }
    return state
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
      guard configKeys.contains(key) else { throw invalid("unknown field \"\(excerpt(key))\"") }
      guard case .number(let number) = value, let integer = Int(number) else {
        throw invalid("\"\(key)\" is not an integer (or is too large)")
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
