// MARK: - Claims whose check returns the other kind

/// How-to-fix messages for a claim and a check that disagree on kind (number vs boolean).
///
/// Both are binding errors (`BIND-ERROR`, exit status 2): only running the check reveals the
/// kind it returns, so `lesson lint` cannot see them, but `lesson check` always reports them.
public enum KindMismatch {
  /// Words that spell a number the claim parser does not read (it reads digits only).
  static let numberWords: Set<String> = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred",
    "thousand", "million", "billion", "trillion", "half", "quarter", "third", "dozen", "twice",
    "double", "triple", "once",
  ]

  /// The spelled-out number words in `text`, lowercased, in order.
  public static func numberWords(in text: String) -> [String] {
    text.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init).filter(numberWords.contains)
  }

  /// A statement claim (no number in its text) whose check returns `value`.
  public static func numberForStatement(id: String, text: String, value: Double) -> String {
    let example = "[\(ClaimComparison.format(value))](check:\(id))"
    let words = numberWords(in: text)
    let cause = words.isEmpty
      ? "check '\(id)' returns a number, but the claim text \"\(text)\" holds no number to compare it with"
      : "check '\(id)' returns a number, but the claim text \"\(text)\" spells it in words "
        + "(\(words.joined(separator: " "))), and claims read digits only"
    return cause + "; write the claimed figure with digits inside the link text, e.g. \(example) "
      + "(add \"tol=…\" as the link title to allow a margin), or make the check return .boolean(…) "
      + "if the sentence states a fact rather than a figure"
  }

  /// A number claim whose check returns a boolean.
  public static func booleanForNumber(id: String, number: ClaimNumber, tolerance: ClaimTolerance?) -> String {
    let toleranceNote = tolerance.map { _ in " and its tolerance (\"tol=…\" only applies to numbers)" } ?? ""
    return "check '\(id)' returns true or false, but the claim text holds the number \(number.written); "
      + "move the number\(toleranceNote) out of the link text, leaving a statement such as "
      + "[the total grows](check:\(id)), or make the check return .number(…) to compare the figure"
  }
}
