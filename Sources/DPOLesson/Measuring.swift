import Foundation
import LessonKit
import Pretraining

// MARK: - How a policy is measured against the reference

/// What a policy's implicit rewards and likelihoods say about a set of preference pairs.
struct PreferenceReport {
  /// β·(reward of chosen − reward of rejected), per pair.
  var margins: [Float]
  /// log π(response | prompt) under the policy: the chosen responses, then the rejected ones.
  var policy: [Float]
  /// The same under the reference.
  var reference: [Float]

  var pairs: Int { margins.count }

  /// Share of the pairs (of `kind`, or all) whose chosen response gets the higher implicit reward; a tie counts as wrong.
  func rewardAccuracy(_ kind: PairKind? = nil) -> Double { share(kind) { margins[$0] > 0 } }

  /// Share of the pairs (of `kind`, or all) whose chosen response the policy finds more likely than the rejected one.
  func likelihoodAccuracy(_ kind: PairKind? = nil) -> Double { share(kind) { policy[$0] > policy[pairs + $0] } }

  /// Mean reward margin over all pairs.
  var meanMargin: Double { margins.reduce(0.0) { $0 + Double($1) } / Double(max(pairs, 1)) }

  /// Mean change of the chosen responses' own log-likelihood, log π(y_w) − log π_ref(y_w), over the pairs of `kind` (or all).
  func chosenChange(_ kind: PairKind? = nil) -> Double {
    let rows = indices(kind)
    return rows.reduce(0.0) { $0 + Double(policy[$1] - reference[$1]) } / Double(max(rows.count, 1))
  }

  private func indices(_ kind: PairKind?) -> [Int] {
    (0..<pairs).filter { kind == nil || $0 % PairKind.allCases.count == kind!.rawValue }
  }

  private func share(_ kind: PairKind?, _ holds: (Int) -> Bool) -> Double {
    let rows = indices(kind)
    return Double(rows.filter(holds).count) / Double(max(rows.count, 1))
  }
}

/// Greedy replies to a set of questions.
struct ReplyReport {
  var sums: [Sum]
  var replies: [String]
  /// Share of replies that are exactly the right sum followed by the end marker.
  var accuracy: Double { share(answering: 0) }

  /// Share of replies that are the right sum plus `offset`, followed by the end marker.
  func share(answering offset: Int) -> Double { share { $0.reply == "\($0.sum.answer + offset)#" } }
  /// Share of replies that are one or two digits followed by the end marker.
  var wellFormed: Double {
    share { item in
      let digits = item.reply.dropLast()
      return item.reply.hasSuffix("#") && (1...2).contains(digits.count) && digits.allSatisfy(\.isNumber)
    }
  }

  private func share(_ holds: ((sum: Sum, reply: String)) -> Bool) -> Double {
    Double(zip(sums, replies).filter { holds(($0, $1)) }.count) / Double(max(sums.count, 1))
  }
}

extension DPOLesson {
  // lesson:begin dpo-preference-accuracy
  static func preferences(of policy: MiniGPT, against reference: MiniGPT, on pairs: PreferenceDataset, beta: Double) throws -> PreferenceReport {
    let objective = try PreferenceObjective(policy: policy, reference: reference, beta: Float(beta))
    let batch = try pairs.batch(rows: Array(0..<pairs.count), context: policy.config.contextLength)
    let scores = try objective.scores(batch)            // the DPO loss's forward pass; nothing is trained
    return PreferenceReport(
      margins: scores.margins,                          // β·[(log π − log π_ref)(chosen) − (…)(rejected)]
      policy: scores.policy, reference: scores.reference)
  }
  // lesson:end

  /// KL(π ‖ π_ref) of the next-token distributions at each position of each held-out question's
  /// right answer (its digits and the end marker), summed over the answer and averaged over the questions.
  static func divergence(of policy: MiniGPT, from reference: MiniGPT, on answers: ChatDataset) throws -> Double {
    let batch = try answers.batch(rows: Array(0..<answers.count), context: policy.config.contextLength)
    let p = try policy.forwardPass(batch).logits().values
    let q = try reference.forwardPass(batch).logits().values
    let v = policy.config.vocabSize
    var total = 0.0
    for row in batch.targets.indices where batch.targets[row] != ignoreIndex {
      let logP = logSoftmax(p[(row * v)..<((row + 1) * v)]), logQ = logSoftmax(q[(row * v)..<((row + 1) * v)])
      total += zip(logP, logQ).reduce(0.0) { $0 + exp($1.0) * ($1.0 - $1.1) }
    }
    return total / Double(max(answers.count, 1))
  }

  /// log softmax of one row of logits, in Double (no probability underflows to zero inside a log).
  static func logSoftmax(_ logits: ArraySlice<Float>) -> [Double] {
    let top = Double(logits.max() ?? 0)
    let logSum = log(logits.reduce(0.0) { $0 + exp(Double($1) - top) }) + top
    return logits.map { Double($0) - logSum }
  }

  /// Greedy replies of `model`, up to and including the end marker (at most three tokens).
  static func replies(of model: MiniGPT, to sums: [Sum], tokenizer: CharTokenizer) throws -> ReplyReport {
    let replies = try sums.map { sum in
      let prompt = try tokenizer.encode("\(ChatTemplate.promptStart)\(sum.prompt)\(ChatTemplate.promptEnd)")
      let reply = tokenizer.decode(try model.generate(prompt: prompt, count: 3, greedy: true))
      return reply.firstIndex(of: Character(ChatTemplate.responseEnd)).map { String(reply[...$0]) } ?? reply
    }
    return ReplyReport(sums: sums, replies: replies)
  }
}

// MARK: - Figures over the runs

/// One figure, measured once in each run.
///
/// Accuracies are claimed as their mean over the runs. Quantities with a long tail (a KL, a
/// change of log-likelihood, a reward margin: one run in several can move ten times further
/// than the rest) are claimed as their median, which one such run cannot drag.
struct OverRuns {
  var values: [Double]

  init(_ values: [Double]) { self.values = values }

  var mean: Double { values.reduce(0, +) / Double(max(values.count, 1)) }

  var median: Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }

  /// "0.45 (0.40 to 0.52)": the central figure, then the lowest and highest run.
  func shown(_ central: Double, digits: Int, percent: Bool = false) -> String {
    func text(_ value: Double) -> String { percent ? NumberFormat.fixed(100 * value, 0) + "%" : NumberFormat.fixed(value, digits) }
    guard let lowest = values.min(), let highest = values.max() else { return "none" }
    return values.count == 1 ? text(central) : "\(text(central)) (\(text(lowest)) to \(text(highest)))"
  }
}

extension DPOLesson {
  /// Each run's figure for `measure`, over the runs' models in order.
  static func overRuns<Model>(_ models: [Model], _ measure: (Model) throws -> Double) rethrows -> OverRuns {
    OverRuns(try models.map(measure))
  }

  /// A table row of mean percentages over the runs, one column per kind of model.
  static func meanPercentRow(_ label: String, _ figures: [OverRuns]) -> [String] {
    [label] + figures.map { $0.shown($0.mean, digits: 0, percent: true) }
  }

  /// A table row of medians over the runs, one column per kind of model.
  static func medianRow(_ label: String, _ figures: [OverRuns], digits: Int) -> [String] {
    [label] + figures.map { $0.shown($0.median, digits: digits) }
  }
}
