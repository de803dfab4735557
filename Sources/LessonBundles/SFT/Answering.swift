import Foundation
import LessonKit
import Pretraining

// MARK: - Measuring answers

/// How a model answers a set of questions.
struct AnswerReport {
  var questions: [AdditionQuestion]
  /// The greedy reply to each question, up to the end marker.
  var replies: [String]
  /// Mean probability of a digit as the first token after the prompt.
  var digitProbability: Double

  /// Fraction of replies that are exactly the right sum.
  var accuracy: Double {
    guard !questions.isEmpty else { return 0 }
    return Double(zip(questions, replies).filter { $0.answer == $1 }.count) / Double(questions.count)
  }
}

extension SFTLesson {
  /// Longest reply read per question: two digits and the end marker.
  static let replyLength = 3

  /// Greedy replies of `model` to every question, all decoded in one batch.
  ///
  /// Each prompt is "<question>", and the reply is read up to the end marker "#" (or
  /// ``replyLength`` tokens). Single-digit questions all have the same length, so they share
  /// every forward pass.
  static func answers(of model: MiniGPT, to questions: [AdditionQuestion], tokenizer: CharTokenizer) throws -> AnswerReport {
    var rows = try questions.map { try tokenizer.encode("\(ChatTemplate.promptStart)\($0.prompt)\(ChatTemplate.promptEnd)") }
    guard let length = rows.first?.count, rows.allSatisfy({ $0.count == length }) else {
      throw LessonBundleError.missing("questions of equal length to decode in one batch")
    }
    let end = tokenizer.id(of: ChatTemplate.responseEnd)
    let digits = Set("0123456789".unicodeScalars.compactMap(tokenizer.id(of:)))
    var replies = [[TokenID]](repeating: [], count: rows.count)
    var finished = [Bool](repeating: false, count: rows.count)
    var digitProbability = 0.0
    for round in 0..<replyLength {
      try model.forward(inputs: rows.flatMap { $0 }, targets: nil, batchSize: rows.count)
      for i in rows.indices {
        let logits = try model.logits(batch: i, position: rows[i].count - 1)
        if round == 0 {
          let p = MiniGPT.samplingDistribution(logits: logits, temperature: 1, topK: nil)
          digitProbability += digits.reduce(0.0) { $0 + Double(p[Int($1)]) }
        }
        let next = argmax(logits)
        rows[i].append(next)
        if next == end { finished[i] = true }
        if !finished[i] { replies[i].append(next) }
      }
    }
    return AnswerReport(
      questions: questions, replies: replies.map { tokenizer.decode($0) },
      digitProbability: digitProbability / Double(max(rows.count, 1)))
  }

  /// A table of the first few questions and replies, whitespace made visible.
  static func answerTable(_ title: String, _ report: AnswerReport, count: Int = 8) -> (String, [String], [[String]]) {
    let rows = zip(report.questions, report.replies).prefix(count).map { q, reply in
      [
        "\(q.a)+\(q.b)", q.answer, reply.unicodeScalars.map { CharTokenizer.visible($0) }.joined(),
        q.answer == reply ? "✓" : "✗",
      ]
    }
    return (title, ["question", "expected", "reply", ""], rows)
  }
}
