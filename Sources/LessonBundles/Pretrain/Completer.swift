import Foundation
import LessonKit
import Pretraining

// MARK: - Section 4: a completer, not an assistant

extension PretrainLesson {
  static let question = "What is 2+2?"
  static let wordQuestion = "What is two and two?\n"
  static let answer = "Four"

  @LessonBundleBuilder static var completer: [BundleEntry] {
    Step(
      "completer-not-assistant", reads: [datasetKey, trainedKey], parameters: [temperature],
      measures: ["question-out-of-vocabulary", "answer-probability", "continuation-vs-answer"]
    ) { context in
      let tokenizer = try context.require(datasetKey).tokenizer
      let model = try context.require(trainedKey).makeModel()
      // lesson:begin completer-not-assistant
      var unreadable: String?
      do { _ = try tokenizer.encode(question) } catch { unreadable = "\(error)" }
      let prompt = try tokenizer.encode(wordQuestion)
      let continued = try model.generate(prompt: prompt, count: 60, greedy: true)
      let pAnswer = try sequenceProbability(of: answer, after: wordQuestion, model: model, tokenizer: tokenizer)
      let pContinued = try sequenceProbability(
        of: tokenizer.decode(continued.prefix(answer.count)), after: wordQuestion, model: model, tokenizer: tokenizer)
      // lesson:end
      context.text("Prompt \"\(question)\": \(unreadable ?? "encoded")")
      context.text("Greedy continuation of \"What is two and two?⏎\":\n\(tokenizer.decode(continued))")
      let sampled = try model.generate(prompt: prompt, count: 120, temperature: Float(context[temperature]), seed: context.seed)
      context.text("A sample at temperature \(context[temperature]):\n\(tokenizer.decode(sampled))")
      context.scalar("p(\"\(answer)\" next)", pAnswer)
      context.scalar("p(its own greedy continuation)", pContinued)
      context.measure("question-out-of-vocabulary", unreadable != nil, detail: unreadable ?? "the question encoded")
      context.measure("answer-probability", pAnswer)
      context.measure("continuation-vs-answer", pContinued / pAnswer)
    }
  }

  /// Probability that the model writes exactly `text` right after `prompt` (chain rule over characters).
  static func sequenceProbability(
    of text: String, after prompt: String, model: MiniGPT, tokenizer: CharTokenizer
  ) throws -> Double {
    var context = try tokenizer.encode(prompt)
    var logProbability = 0.0
    for token in try tokenizer.encode(text) {
      logProbability += log(Double(try model.nextTokenProbabilities(after: context)[Int(token)]))
      context.append(token)
    }
    return exp(logProbability)
  }
}
