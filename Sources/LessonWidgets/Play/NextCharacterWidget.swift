import Foundation
import LessonKit
import Pretraining

// MARK: - The next-character widget, for the HTML page

/// `lesson play` in the browser: the lesson's models exported as plain data, a script that
/// recomputes their distributions (n-gram counts; a MiniGPT forward pass), and the controls.
///
/// LessonKit embeds the `Widget` without knowing what it is; everything about language models
/// is here. The bars the page opens with are the ones `lesson play --prompt "To be" --model
/// trigram` prints, because both come from the same `PlayModels` counts.
public enum NextCharacterWidget {
  /// The widget's kind, naming its script in the page.
  public static let kind = "next-character"

  /// One model as the script reads it.
  public struct Model: Codable, Sendable {
    /// `ngram` or `minigpt`.
    public var kind: String
    public var name: String
    public var summary: String
    /// The characters, in id order.
    public var vocabulary: [String]
    public var ngram: NGramCounts?
    public var minigpt: Weights?
  }

  /// A MiniGPT's configuration and parameters, exported from a checkpoint.
  public struct Weights: Codable, Sendable {
    public struct Tensor: Codable, Sendable {
      public var name: String
      public var shape: [Int]
      public var offset: Int
    }
    public var vocabSize: Int
    public var contextLength: Int
    public var embeddingSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var layerNormEpsilon: Float
    /// The parameters' names, shapes and offsets into `values`, in the checkpoint's order.
    public var tensors: [Tensor]
    /// Every parameter as little-endian Float32, base64: exact, and a quarter of decimal JSON's size.
    public var values: String
  }

  /// Everything the script needs.
  struct Payload: Codable {
    var models: [Model]
    var presets: [String]
    var prompt: String
    var model: String
    var temperature: Double
    var top: Int
    var seed: UInt64
    var steps: Int
  }

  // MARK: - Exporting models

  /// An n-gram model of `lesson play`, with its counts.
  public static func model(_ ngram: NGramCharacterModel) -> Model {
    Model(
      kind: "ngram", name: ngram.name, summary: ngram.summary, vocabulary: ngram.tokenizer.scalars.map { String($0) },
      ngram: ngram.model.counts(), minigpt: nil)
  }

  /// A MiniGPT from a checkpoint (read from a file, or made from a model in memory).
  public static func model(_ checkpoint: ModelCheckpoint, name: String = "minigpt", summary: String) throws -> Model {
    let c = checkpoint.config
    let named = try checkpoint.makeModel(threads: 1).namedParameters
    var bytes = [UInt8]()
    bytes.reserveCapacity(checkpoint.parameters.count * 4)
    for value in checkpoint.parameters {
      let bits = value.bitPattern.littleEndian
      bytes += [UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8),
                UInt8(truncatingIfNeeded: bits >> 16), UInt8(truncatingIfNeeded: bits >> 24)]
    }
    let weights = Weights(
      vocabSize: c.vocabSize, contextLength: c.contextLength, embeddingSize: c.embeddingSize, layerCount: c.layerCount,
      headCount: c.headCount, layerNormEpsilon: LayerNorm.epsilon,
      tensors: named.map { Weights.Tensor(name: $0.name, shape: $0.shape, offset: $0.offset) },
      values: Data(bytes).base64EncodedString())
    return Model(
      kind: "minigpt", name: name, summary: summary, vocabulary: checkpoint.tokenizer.scalars.map { String($0) },
      ngram: nil, minigpt: weights)
  }

  // MARK: - The widget

  /// The widget for `models`, opening on `prompt` with the model named `model` at `temperature`.
  ///
  /// `top` bars are shown, as `lesson play --top`; continuations run `steps` characters, and
  /// sampling draws from SplitMix64 seeded with `seed`.
  public static func widget(
    models: [Model], presets: [String] = PlayModels.presets, prompt: String = "To be", model: String = "trigram",
    temperature: Double = 1, top: Int = 10, seed: UInt64 = 1337, steps: Int = 60, title: String = "Next-character predictor"
  ) throws -> Widget {
    let payload = Payload(
      models: models, presets: presets, prompt: prompt, model: model, temperature: temperature, top: top, seed: seed,
      steps: steps)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let json = String(decoding: try encoder.encode(payload), as: UTF8.self)
    let names = models.map(\.name).joined(separator: ", ")
    return Widget(
      kind: kind, title: title,
      summary: "Interactive in the lesson's HTML page (lesson build --html): type a prompt, pick a model (\(names)), "
        + "move the temperature, continue greedily or by sampling. In a terminal: lesson play.",
      data: json, script: script, markup: markup)
  }

  /// The controls; the script fills in the presets, the models and the bars.
  static let markup = """
    <div class="row"><label for="PROMPT">Prompt</label>
    <textarea class="prompt" id="PROMPT" rows="2" spellcheck="false" autocomplete="off"></textarea></div>
    <div class="row presets" role="group" aria-label="Preset prompts"></div>
    <div class="row models" role="group" aria-label="Model"></div>
    <div class="row"><label for="TEMP">Temperature</label>
    <input class="temperature" id="TEMP" type="range" min="0.1" max="3" step="0.1" value="1">
    <output class="temperature-value" for="TEMP">1.0</output></div>
    <div class="row"><button type="button" class="greedy">Greedy continue</button>
    <button type="button" class="sample">Sample</button>
    <button type="button" class="stop" disabled>Stop</button></div>
    <p class="status" aria-live="polite"></p>
    <div class="bars" role="list" aria-label="Next-character probabilities"></div>
    """
}
