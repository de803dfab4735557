import ArgumentParser
import ModelCommands

/// The corpus, model-shape and thread flags that `lesson train` and `lesson bench` share.
struct ModelShapeFlags: ParsableArguments {
  @Option(help: "A UTF-8 text file to train on (default: the embedded Shakespeare).")
  var corpus: String?

  @Option(help: "Windows per batch (B).")
  var batch = 32

  @Option(help: "Tokens per window, the model's context length (T).")
  var context = 64

  @Option(name: .customLong("d"), help: "Width of the residual stream (d).")
  var embeddingSize = 128

  @Option(help: "Transformer blocks (L).")
  var layers = 4

  @Option(help: "Attention heads (h); must divide d.")
  var heads = 4

  @Option(help: "Data-parallel worker threads.")
  var threads = 2

  var options: ModelShapeOptions {
    ModelShapeOptions(corpus: corpus, batchSize: batch, context: context, embeddingSize: embeddingSize,
                      layers: layers, heads: heads, threads: threads)
  }
}
