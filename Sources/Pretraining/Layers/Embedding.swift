/// Token embedding plus learned position embedding: the first layer of MiniGPT.
///
/// Tokens must already be validated (0 ≤ token < vocabulary); the model checks them once per batch.
public enum Embedding {
  /// output[b, t, :] = tokenTable[tokens[b, t], :] + positionTable[t, :].
  public static func forward(
    output: UnsafeMutablePointer<Float>, tokens: UnsafePointer<TokenID>,
    tokenTable: UnsafePointer<Float>, positionTable: UnsafePointer<Float>,
    batch: Int, time: Int, width: Int
  ) {
    for b in 0..<batch {
      for t in 0..<time {
        let row = output + (b &* time &+ t) &* width
        let tokenRow = tokenTable + Int(tokens[b &* time &+ t]) &* width
        let positionRow = positionTable + t &* width
        for i in 0..<width {
          row[i] = tokenRow[i] + positionRow[i]
        }
      }
    }
  }

  /// Accumulates the output gradient into the rows of both tables that the forward pass read.
  public static func backward(
    tokenTableGradient: UnsafeMutablePointer<Float>, positionTableGradient: UnsafeMutablePointer<Float>,
    outputGradient: UnsafePointer<Float>, tokens: UnsafePointer<TokenID>,
    batch: Int, time: Int, width: Int
  ) {
    for b in 0..<batch {
      for t in 0..<time {
        let row = outputGradient + (b &* time &+ t) &* width
        let tokenRow = tokenTableGradient + Int(tokens[b &* time &+ t]) &* width
        let positionRow = positionTableGradient + t &* width
        for i in 0..<width {
          tokenRow[i] += row[i]
          positionRow[i] += row[i]
        }
      }
    }
  }
}
