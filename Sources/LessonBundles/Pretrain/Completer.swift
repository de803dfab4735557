import Foundation
import LessonKit
import Pretraining

// MARK: - Section 4: a completer, not an assistant

/// What the trained model does with a question.
struct CompleterProbe {
  var unknownCharacterMessage: String?
  var continuation: String
  var answerProbability: Double
  var continuationProbability: Double
}

extension PretrainLesson {
  static let question = "What is 2+2?"
  static let wordQuestion = "What is two and two?\n"
  static let answer = "Four"

  @LessonBundleBuilder static var completer: [BundleEntry] {
    Step("completer-not-assistant", after: ["train-lesson-model"]) { context in
      let data = try context.require(datasetKey)
      let model = try context.require(trainedKey).model
      let tokenizer = data.tokenizer
      // lesson:begin completer-not-assistant
      var unreadable: String?
      do { _ = try tokenizer.encode(question) } catch { unreadable = "\(error)" }
      let prompt = try tokenizer.encode(wordQuestion)
      let continued = try model.generate(prompt: prompt, count: 60, greedy: true)
      let pAnswer = try sequenceProbability(of: answer, after: wordQuestion, model: model, tokenizer: tokenizer)
      let pContinued = try sequenceProbability(
        of: tokenizer.decode(continued.prefix(answer.count)), after: wordQuestion, model: model, tokenizer: tokenizer)
      // lesson:end
      context[completerKey] = CompleterProbe(
        unknownCharacterMessage: unreadable, continuation: tokenizer.decode(continued),
        answerProbability: pAnswer, continuationProbability: pContinued)
      context.text("Prompt \"\(question)\": \(unreadable ?? "encoded")")
      context.text("Greedy continuation of \"What is two and two?⏎\":\n\(tokenizer.decode(continued))")
      let sampled = try model.generate(prompt: prompt, count: 120, temperature: 0.8, seed: context.seed)
      context.text("A sample at temperature 0.8:\n\(tokenizer.decode(sampled))")
      context.scalar("p(\"\(answer)\" next)", pAnswer)
      context.scalar("p(its own greedy continuation)", pContinued)
      context.expect(unreadable != nil, "the tokenizer refuses characters it has never seen, with a message")
    }

    Check("question-out-of-vocabulary", after: ["completer-not-assistant"]) { context in
      let probe = try context.require(completerKey)
      return .boolean(probe.unknownCharacterMessage != nil, detail: probe.unknownCharacterMessage ?? "the question encoded")
    }
    Check("answer-probability", after: ["completer-not-assistant"]) { context in
      .number(try context.require(completerKey).answerProbability)
    }
    Check("continuation-vs-answer", after: ["completer-not-assistant"]) { context in
      let probe = try context.require(completerKey)
      return .number(probe.continuationProbability / probe.answerProbability)
    }
  }

  /// Probability that the model writes exactly `text` right after `prompt` (chain rule over characters).
  static func sequenceProbability(
    of text: String, after prompt: String, model: MiniGPT, tokenizer: CharTokenizer
  ) throws -> Double {
    var context = try tokenizer.encode(prompt)
    var logProbability = 0.0
    for token in try tokenizer.encode(text) {
      let window = Array(context.suffix(model.config.contextLength))
      _ = try model.forward(inputs: window, targets: nil, batchSize: 1)
      let logits = try model.logits(batch: 0, position: window.count - 1)
      let p = MiniGPT.samplingDistribution(logits: logits, temperature: 1, topK: nil)
      logProbability += log(Double(p[Int(token)]))
      context.append(token)
    }
    return exp(logProbability)
  }
}
