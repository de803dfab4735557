import ArgumentParser
import ModelCommands

/// The corpus, model-shape and thread flags that `lesson train` and `lesson bench` share.
///
/// Each is optional: a flag left out takes its value from `train --resume`'s checkpoint or
/// `--recipe`, else from ``ModelShapeOptions``'s defaults (shown in the help).
struct ModelShapeFlags: ParsableArguments {
  private static let defaults = ModelShapeOptions()

  @Option(help: "A UTF-8 text file to train on (default: the embedded Shakespeare).", completion: .file())
  var corpus: String?

  @Option(help: "Windows per batch (B; default \(defaults.batchSize)).")
  var batch: Int?

  @Option(help: "Tokens per window, the model's context length (T; default \(defaults.context)).")
  var context: Int?

  @Option(name: .customLong("d"), help: "Width of the residual stream (d; default \(defaults.embeddingSize)).")
  var embeddingSize: Int?

  @Option(help: "Transformer blocks (L; default \(defaults.layers)).")
  var layers: Int?

  @Option(help: "Attention heads (h; default \(defaults.heads)); must divide d.")
  var heads: Int?

  @Option(help: "Data-parallel worker threads (default \(defaults.threads)).")
  var threads: Int?

  /// Only the flags given.
  var settings: ModelShapeSettings {
    ModelShapeSettings(corpus: corpus, batchSize: batch, context: context, embeddingSize: embeddingSize,
                       layers: layers, heads: heads, threads: threads)
  }

  /// The given flags over the defaults.
  var options: ModelShapeOptions { settings.applied() }
}
