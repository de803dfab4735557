import Foundation
import Safetensors

/// A checkpoint under nanoGPT's `state_dict` names: what `lesson export --format nanogpt` writes.
///
/// nanoGPT's model.py `GPT` with `bias=True` is this model: token and position embeddings, pre-LN
/// blocks with fused `c_attn` (q, k, v stacked along the output) and `c_proj`, a GELU MLP
/// (`c_fc`, `c_proj`), a final `ln_f` and `lm_head` tied to `wte`. Linear weights are PyTorch's
/// `(out, in)` on both sides, so every tensor is copied as it is, only renamed:
///
/// | lesson | nanoGPT |
/// | --- | --- |
/// | `tok.weight`, `pos.weight` | `transformer.wte.weight`, `transformer.wpe.weight` |
/// | `blocks.N.ln1`, `qkv`, `proj` | `transformer.h.N.ln_1`, `attn.c_attn`, `attn.c_proj` |
/// | `blocks.N.ln2`, `fc`, `out` | `transformer.h.N.ln_2`, `mlp.c_fc`, `mlp.c_proj` |
/// | `ln` | `transformer.ln_f` |
/// | (tied) | `lm_head.weight`, the same values as `transformer.wte.weight` |
///
/// `__metadata__` holds `format` (`nanogpt.state_dict`), `model_args` (nanoGPT's names, with
/// `bias: true` and `dropout: 0.0`), `iter_num` (the checkpoint's step), `vocabulary` (for
/// nanoGPT's meta.pkl) and, when the run recorded it, `recipe`. `Tools/interop/to_nanogpt.py`
/// turns the file into nanoGPT's `ckpt.pt`.
public enum NanoGPTExport {
  /// The value of the `format` metadata entry.
  public static let formatName = "nanogpt.state_dict"

  /// nanoGPT's name for a lesson tensor name (``ParameterLayout`` order), or nil for a name it does not have.
  public static func nanoGPTName(_ name: String) -> String? {
    switch name {
    case "tok.weight": return "transformer.wte.weight"
    case "pos.weight": return "transformer.wpe.weight"
    case "ln.weight": return "transformer.ln_f.weight"
    case "ln.bias": return "transformer.ln_f.bias"
    default: break
    }
    let parts = name.split(separator: ".")
    guard parts.count == 4, parts[0] == "blocks", let layer = Int(parts[1]), layer >= 0 else { return nil }
    let module: String
    switch parts[2] {
    case "ln1": module = "ln_1"
    case "qkv": module = "attn.c_attn"
    case "proj": module = "attn.c_proj"
    case "ln2": module = "ln_2"
    case "fc": module = "mlp.c_fc"
    case "out": module = "mlp.c_proj"
    default: return nil
    }
    guard parts[3] == "weight" || parts[3] == "bias" else { return nil }
    return "transformer.h.\(layer).\(module).\(parts[3])"
  }

  /// The name of the head nanoGPT stores beside the embedding it is tied to.
  public static let headName = "lm_head.weight"

  /// nanoGPT's `model_args` for this config, as JSON with sorted keys.
  public static func modelArgumentsJSON(_ config: MiniGPTConfig) -> String {
    "{\"bias\":true,\"block_size\":\(config.contextLength),\"dropout\":0.0,\"n_embd\":\(config.embeddingSize),"
      + "\"n_head\":\(config.headCount),\"n_layer\":\(config.layerCount),\"vocab_size\":\(config.vocabSize)}"
  }

  /// The whole nanoGPT `state_dict` of `checkpoint` (the head included), with its metadata.
  public static func safetensors(_ checkpoint: ModelCheckpoint) throws -> SafetensorsFile {
    let layout = ParameterLayout(config: checkpoint.config)
    var tensors: [SafetensorsTensor] = []
    try checkpoint.parameters.withUnsafeBufferPointer { values in
      for entry in layout.entries {
        guard let name = nanoGPTName(entry.name) else {
          throw ModelCheckpointError.invalidMetadata(key: "config", reason: "no nanoGPT name for tensor \(entry.name)")
        }
        let slice = UnsafeBufferPointer(rebasing: values[entry.range])
        tensors.append(try SafetensorsTensor(name: name, shape: entry.shape, copying: slice))
        if entry.name == "tok.weight" {
          tensors.append(try SafetensorsTensor(name: headName, shape: entry.shape, copying: slice))
        }
      }
    }
    var metadata = [
      "format": formatName,
      "model_args": modelArgumentsJSON(checkpoint.config),
      "iter_num": String(checkpoint.step),
      "vocabulary": checkpoint.tokenizer.vocabularyJSON,
    ]
    if let recipe = checkpoint.recipe { metadata["recipe"] = try TrainingRecipe.json(recipe) }
    return try SafetensorsFile(tensors: tensors, metadata: metadata)
  }
}
