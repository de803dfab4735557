import Foundation
import LessonKit

// MARK: - Drawing the play widget

/// The lines of the `lesson play` screen for a session, and the plain report for scripts.
public enum PlayScreen {
  /// The interactive screen: header, prompt, bars, entropy, hints and the last message.
  public static func lines(for session: PlaySession, width: Int, style: TerminalStyle) -> [String] {
    var out: [String] = []
    let model = session.model
    out.append(style.apply(.bold, "lesson play") + style.apply(.dim, " · next-character predictions"))
    let name = Sanitizer.clean(model.name, singleLine: true)
    let summary = clip(" — " + Sanitizer.clean(model.summary, singleLine: true), width - 8 - displayWidth(name))
    out.append("model: " + style.apply(.bold, name) + style.apply(.dim, summary))
    out.append("")
    let cursor = session.mode == .typing ? style.apply(.bold, "▏") : ""
    out.append("prompt: \"" + styledPrompt(session, width: width - 12, style: style) + "\"" + cursor
      + style.apply(.dim, session.mode == .typing ? "   (typing)" : "   (commands)"))
    out.append("")
    do {
      let probabilities = try session.distribution()
      let entropy = NextCharacterMath.entropyBits(probabilities)
      out.append("temperature " + style.apply(.bold, String(format: "%.1f", session.temperature))
        + " · entropy " + style.apply(.bold, String(format: "%.2f", entropy)) + " bits"
        + style.apply(.dim, String(format: " (uniform over %d: %.2f)", probabilities.count, log2(Double(probabilities.count)))))
      out.append("next character, top \(min(session.top, probabilities.count)):")
      out += bars(probabilities, model: model, top: session.top, width: width, style: style).map { "  " + $0 }
    } catch {
      out.append(style.apply(.red, "the model could not predict: " + Sanitizer.clean(String(describing: error))))
    }
    out.append("")
    if session.mode == .typing {
      out.append(style.apply(.dim, clip("type a prompt · ⌫ delete · Tab preset · ←/→ temperature", width)))
      out.append(style.apply(.dim, clip("⏎ done typing (then g greedy, s sample, m model, q quit) · Ctrl-C quit", width)))
    } else {
      out.append(style.apply(.dim, clip("g greedy · G greedy ×40 · s sample · S sample ×40 · m model · ←/→ or -/+ temperature", width)))
      // Every preset stays visible: the list wraps rather than being cut.
      let presets = session.presets.prefix(9).enumerated().map {
        Sanitizer.clean("\($0.offset + 1)\u{A0}\($0.element)", singleLine: true).replacingOccurrences(of: " ", with: "\u{A0}")
      }
      let fragments = [Fragment(text: "presets: " + presets.joined(separator: " · "), attributes: [.dim])]
      out += TextWrapper.wrap(fragments, width: width, style: style)
      out.append(style.apply(.dim, "e type · c clear · ⌫ delete · q quit"))
    }
    if let message = session.message {
      out.append(style.apply(.yellow, clip(Sanitizer.clean(message, singleLine: true), width)))
    }
    return out
  }

  /// The top-k bars of a distribution, labelled with the model's characters.
  public static func bars(
    _ probabilities: [Double], model: any NextCharacterModel, top: Int, width: Int, style: TerminalStyle
  ) -> [String] {
    let indices = NextCharacterMath.top(top, of: probabilities)
    let labels = indices.map { model.vocabulary.indices.contains($0) ? String(model.vocabulary[$0]) : "?" }
    return ChartRenderer.probabilityBars(
      labels: labels, probabilities: indices.map { probabilities[$0] }, width: width - 2, style: style)
  }

  /// `text` cut to `width` columns with an ellipsis.
  static func clip(_ text: String, _ width: Int) -> String { clipToWidth(text, width) }

  /// The prompt's tail that fits `width`, newlines shown as `⏎` and controls neutralized.
  static func visiblePrompt(_ text: String, width: Int) -> String {
    promptTail(text.map { (String($0), false) }, width: width, style: .plain)
  }

  /// The prompt as `visiblePrompt` shows it, with the generated characters underlined in cyan
  /// so the model's text stands apart from the learner's.
  static func styledPrompt(_ session: PlaySession, width: Int, style: TerminalStyle) -> String {
    promptTail(zip(session.prompt, session.origins).map { (String($0.0), $0.1 == .generated) }, width: width, style: style)
  }

  private static func promptTail(_ characters: [(text: String, generated: Bool)], width: Int, style: TerminalStyle) -> String {
    var cells = characters.map { character -> (text: String, generated: Bool) in
      switch character.text {
      case "\n", "\r\n": return ("⏎", character.generated)
      case "\t": return ("⇥", character.generated)
      default: return (Sanitizer.clean(character.text, singleLine: true), character.generated)
      }
    }
    let limit = max(10, width)
    var shown = ""
    if cells.count > limit {
      cells = Array(cells.suffix(limit - 1))
      shown = "…"
    }
    // Runs of one origin share one escape sequence.
    var index = cells.startIndex
    while index < cells.endIndex {
      let generated = cells[index].generated
      let end = cells[index...].firstIndex { $0.generated != generated } ?? cells.endIndex
      let run = cells[index..<end].map(\.text).joined()
      shown += generated ? style.apply([.cyan, .underline], run) : run
      index = end
    }
    return shown
  }
}
