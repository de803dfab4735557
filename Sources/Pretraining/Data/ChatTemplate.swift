/// The chat template of the fine-tuning lessons: `<` prompt `>` response `#`.
///
/// The three marker characters must be in the tokenizer's vocabulary; ``extendedTokenizer(_:)``
/// adds them to a corpus vocabulary.
public enum ChatTemplate {
  /// Opens the user's prompt.
  public static let promptStart: Unicode.Scalar = "<"
  /// Closes the prompt; the response follows.
  public static let promptEnd: Unicode.Scalar = ">"
  /// Ends the response.
  public static let responseEnd: Unicode.Scalar = "#"

  /// The templated text of one (prompt, response) pair.
  public static func render(prompt: String, response: String) -> String {
    "\(promptStart)\(prompt)\(promptEnd)\(response)\(responseEnd)"
  }

  /// A tokenizer over `text`'s characters plus the template's markers.
  public static func extendedTokenizer(_ text: String) throws -> CharTokenizer {
    try CharTokenizer(text: text + "\(promptStart)\(promptEnd)\(responseEnd)")
  }

  /// Inputs and next-token targets for one pair, with every prompt target set to ``ignoreIndex``.
  ///
  /// The response, including its end marker, is what the loss grades; predicting the user's
  /// own words is never rewarded.
  public static func example(
    prompt: String, response: String, tokenizer: CharTokenizer
  ) throws -> (inputs: [TokenID], targets: [TokenID]) {
    // lesson:begin sft-loss-mask
    let tokens = try tokenizer.encode(render(prompt: prompt, response: response))
    let inputs = Array(tokens.dropLast())
    var targets = Array(tokens.dropFirst())                    // next-token targets, as in pretraining
    let promptLength = prompt.unicodeScalars.count + 2         // "<", the prompt, ">"
    for t in 0..<(promptLength - 1) { targets[t] = ignoreIndex }   // targets inside the prompt
    return (inputs, targets)
    // lesson:end
  }
}
