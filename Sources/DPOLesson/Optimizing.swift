import Foundation
import LessonKit
import Pretraining

// MARK: - Sections 4 to 7: before, SFT on the chosen responses, DPO, and β

extension DPOLesson {
  /// Each run's data with its model of `key`, in run order.
  static func runs(with key: StateKey<TrainedPolicies>, in context: StepContext) throws -> [(data: PreferenceData, model: MiniGPT)] {
    let models = try context.require(key)
    return try context.require(dataKey).enumerated().map { run, data in (data, try models[run: run].makeModel()) }
  }

  /// Each run's preference report for its model, against its reference, at the lesson's β.
  static func reports(of runs: [(data: PreferenceData, model: MiniGPT)], in context: StepContext) throws -> [PreferenceReport] {
    let references = try context.require(referenceKey)
    return try runs.enumerated().map { run, pair in
      try preferences(of: pair.model, against: try references[run: run].makeModel(), on: pair.data.heldOutPairs, beta: context[beta])
    }
  }

  /// Each run's share of right greedy answers to its held-out questions.
  static func greedyAccuracy(of runs: [(data: PreferenceData, model: MiniGPT)]) throws -> OverRuns {
    try overRuns(runs) { data, model in try replies(of: model, to: data.heldOut, tokenizer: data.tokenizer).accuracy }
  }

  @LessonBundleBuilder static var supervisedBaseline: [BundleEntry] {
    Step(
      "dpo-before", reads: [dataKey, referenceKey], parameters: [beta],
      measures: ["dpo-accuracy-before", "dpo-likelihood-accuracy-before", "dpo-likelihood-right-before",
                 "dpo-likelihood-closer-before"]
    ) { context in
      let before = try reports(of: try runs(with: referenceKey, in: context), in: context)   // each policy is a copy of its reference
      let largest = before.flatMap { $0.margins.map { abs($0) } }.max() ?? .nan
      context.text("Every policy is a copy of its reference: the largest reward margin on any run's held-out pairs is \(largest).")
      context.measure("dpo-accuracy-before", overRuns(before) { $0.rewardAccuracy() }.mean)
      context.measure("dpo-likelihood-accuracy-before", overRuns(before) { $0.likelihoodAccuracy() }.mean)
      context.measure("dpo-likelihood-right-before", overRuns(before) { $0.likelihoodAccuracy(.rightOverOffByOne) }.mean)
      context.measure("dpo-likelihood-closer-before", overRuns(before) { $0.likelihoodAccuracy(.closerOverFarther) }.mean)
    }

    Step(
      "dpo-sft-on-chosen", reads: [dataKey, referenceKey], writes: [supervisedKey], parameters: [preferenceSteps, preferenceLearningRate]
    ) { context in
      // lesson:begin dpo-sft-on-chosen
      let tuned = try runs(with: referenceKey, in: context).map { data, model in   // each run starts from its reference's weights
        let summary = try train(model, steps: context[preferenceSteps], peak: context[preferenceLearningRate], seed: data.seed, phase: "SFT on chosen", in: context) { split, rng in
          try data.pairs(split).chosen.batch(size: batchRows, context: model.config.contextLength, using: &rng)   // chosen responses only
        }
        return try TrainedPolicy(model, tokenizer: data.tokenizer, steps: summary.losses.count)
      }
      // lesson:end
      context[supervisedKey] = TrainedPolicies(tuned)
    }

    // Measured apart from the runs, so that a new β re-measures the fine-tuned models instead of retraining them.
    Step(
      "dpo-sft-preferences", reads: [dataKey, referenceKey, supervisedKey], parameters: [beta],
      measures: ["dpo-accuracy-sft", "dpo-accuracy-sft-right", "dpo-accuracy-sft-closer", "dpo-likelihood-accuracy-sft",
                 "dpo-greedy-sft", "dpo-sft-chosen-change"]
    ) { context in
      let tuned = try runs(with: supervisedKey, in: context)
      let reports = try reports(of: tuned, in: context)
      let greedy = try greedyAccuracy(of: tuned)
      context.measure("dpo-accuracy-sft", overRuns(reports) { $0.rewardAccuracy() }.mean)
      context.measure("dpo-accuracy-sft-right", overRuns(reports) { $0.rewardAccuracy(.rightOverOffByOne) }.mean)
      context.measure("dpo-accuracy-sft-closer", overRuns(reports) { $0.rewardAccuracy(.closerOverFarther) }.mean)
      context.measure("dpo-likelihood-accuracy-sft", overRuns(reports) { $0.likelihoodAccuracy() }.mean)
      context.measure("dpo-greedy-sft", greedy.mean)
      context.measure("dpo-sft-chosen-change", overRuns(reports) { $0.chosenChange() }.median)
    }
  }

  // lesson:begin dpo-optimize
  static func optimize(
    _ trained: TrainedPolicy, on data: PreferenceData, beta: Double, in context: StepContext
  ) throws -> (policy: MiniGPT, reference: MiniGPT, summary: TrainingSummary) {
    let reference = try trained.makeModel()                           // frozen: never given a gradient
    let policy = try trained.makeModel()                              // starts as a copy of it
    let objective = try PreferenceObjective(policy: policy, reference: reference, beta: Float(beta))
    let summary = try train(
      policy, steps: context[preferenceSteps], peak: context[preferenceLearningRate], objective: objective, seed: data.seed, phase: "DPO", in: context
    ) { split, rng in
      try data.pairs(split).batch(pairs: batchRows / 2, context: policy.config.contextLength, using: &rng)   // chosen rows, then rejected
    }
    return (policy, reference, summary)
  }
  // lesson:end

  @LessonBundleBuilder static var preferenceOptimization: [BundleEntry] {
    Step(
      "dpo-train", reads: [dataKey, referenceKey], writes: [optimizedKey], parameters: [beta, preferenceSteps, preferenceLearningRate],
      measures: ["dpo-first-loss", "dpo-final-loss", "dpo-held-out-loss", "dpo-pairs-per-batch", "dpo-reference-frozen"]
    ) { context in
      // lesson:begin dpo-train
      let references = try context.require(referenceKey)                           // each run's reference weights
      let runs = try context.require(dataKey).enumerated().map { run, data in
        try optimize(references[run: run], on: data, beta: context[beta], in: context)  // β: the lesson setting `beta`
      }
      // lesson:end
      let data = try context.require(dataKey)
      context[optimizedKey] = TrainedPolicies(try zip(data, runs).map { data, run in
        try TrainedPolicy(run.policy, tokenizer: data.tokenizer, steps: run.summary.losses.count)
      })
      context.chart(.lines(
        [ChartSeries("DPO loss per step, run 1", values: runs[0].summary.losses.map(Double.init))],
        xLabel: "step", yLabel: "loss (nats)", title: "DPO, β = \(context[beta])"))
      let moved = zip(runs, references.runs).filter { run, trained in run.reference.parameters.toArray() != trained.checkpoint.parameters }.count
      let first = overRuns(runs) { Double($0.summary.losses.first ?? .nan) }
      context.measure("dpo-first-loss", first.mean, detail: "first loss per run: " + first.shown(first.mean, digits: 4))
      context.measure("dpo-final-loss", overRuns(runs) { Double($0.summary.losses.last ?? .nan) }.mean)
      context.measure("dpo-held-out-loss", overRuns(runs) { Double($0.summary.evaluations.last?.val ?? .nan) }.mean)
      context.measure("dpo-pairs-per-batch", runs[0].summary.windowsPerStep / 2)
      context.measure("dpo-reference-frozen", moved == 0,
        detail: "\(runs.count) references of \(references[run: 0].checkpoint.parameters.count) parameters, \(moved) of them changed by training")
    }

    Step(
      "dpo-after", reads: [dataKey, referenceKey, supervisedKey, optimizedKey], parameters: [beta],
      measures: ["dpo-accuracy-after", "dpo-accuracy-after-right", "dpo-accuracy-after-closer", "dpo-likelihood-accuracy-after",
                 "dpo-reward-margin", "dpo-sft-reward-margin", "dpo-greedy-after", "dpo-chosen-barely-moves", "dpo-beats-sft-runs"]
    ) { context in
      let models = try [referenceKey, supervisedKey, optimizedKey].map { try runs(with: $0, in: context) }
      let reports = try models.map { try Self.reports(of: $0, in: context) }
      let greedy = try models.map(greedyAccuracy)
      func figure(_ measure: (PreferenceReport) -> Double) -> [OverRuns] { reports.map { overRuns($0, measure) } }
      context.table(
        "the held-out pairs and questions, mean (lowest to highest run) over \(reports[0].count) runs",
        headers: ["", "reference", "SFT on chosen", "DPO"], rows: [
          meanPercentRow("reward accuracy", figure { $0.rewardAccuracy() }),
          meanPercentRow("  right over off by one", figure { $0.rewardAccuracy(.rightOverOffByOne) }),
          meanPercentRow("  off by one over off by two", figure { $0.rewardAccuracy(.closerOverFarther) }),
          meanPercentRow("likelihood accuracy", figure { $0.likelihoodAccuracy() }),
          medianRow("reward margin (median)", figure { $0.meanMargin }, digits: 2),
          meanPercentRow("greedy answer right", greedy),
        ])
      let (sft, after) = (reports[1], reports[2])
      let beaten = zip(after, sft).filter { $0.rewardAccuracy() > $1.rewardAccuracy() }.count
      context.measure("dpo-accuracy-after", overRuns(after) { $0.rewardAccuracy() }.mean)
      context.measure("dpo-accuracy-after-right", overRuns(after) { $0.rewardAccuracy(.rightOverOffByOne) }.mean)
      context.measure("dpo-accuracy-after-closer", overRuns(after) { $0.rewardAccuracy(.closerOverFarther) }.mean)
      context.measure("dpo-likelihood-accuracy-after", overRuns(after) { $0.likelihoodAccuracy() }.mean)
      context.measure("dpo-reward-margin", overRuns(after) { $0.meanMargin }.median)
      context.measure("dpo-sft-reward-margin", overRuns(sft) { $0.meanMargin }.median)
      context.measure("dpo-greedy-after", greedy[2].mean)
      // "Barely": a quarter of a nat, where the smallest β of the next section moves it by more than a whole one.
      let chosen = overRuns(after) { $0.chosenChange() }
      context.measure("dpo-chosen-barely-moves", abs(chosen.median) < 0.25,
        detail: "median change of log π(chosen) over the runs: " + chosen.shown(chosen.median, digits: 3))
      context.measure("dpo-beats-sft-runs", beaten,
        detail: "held-out preference accuracy per run after DPO: "
          + after.map { NumberFormat.fixed(100 * $0.rewardAccuracy(), 1) + "%" }.joined(separator: ", ")
          + "; after SFT on the chosen responses: " + sft.map { NumberFormat.fixed(100 * $0.rewardAccuracy(), 1) + "%" }.joined(separator: ", "))
    }
  }

  @LessonBundleBuilder static var betaSweep: [BundleEntry] {
    Step(
      "dpo-beta-sweep", reads: [dataKey, referenceKey, supervisedKey, optimizedKey],
      parameters: [beta, lowerBeta, lowestBeta, preferenceSteps, preferenceLearningRate],
      measures: ["dpo-kl-sft", "dpo-kl", "dpo-kl-lower-beta", "dpo-kl-lowest-beta", "dpo-kl-grows-runs",
                 "dpo-accuracy-lower-beta", "dpo-accuracy-lowest-beta", "dpo-lowest-beta-chosen-change",
                 "dpo-chosen-falls-runs", "dpo-right-falls-at-lowest-beta", "dpo-greedy-lower-beta",
                 "dpo-greedy-lowest-beta", "dpo-well-formed-lowest-beta", "dpo-lowest-beta-one-below"]
    ) { context in
      let runs = try context.require(dataKey)
      let trained = try context.require(referenceKey)
      let betas = [context[beta], context[lowerBeta], context[lowestBeta]]
      // policies[b][run]: the DPO policy of each run at betas[b]; the lesson's β is the run of the section above.
      let optimized = try context.require(optimizedKey)
      let policies = try [try runs.indices.map { try optimized[run: $0].makeModel() }]
        + betas.dropFirst().map { b in try runs.indices.map { try optimize(trained[run: $0], on: runs[$0], beta: b, in: context).policy } }
      let references = try runs.indices.map { try trained[run: $0].makeModel() }
      // Every report is measured at the lesson's β, so the accuracies compare like with like.
      let reports = try policies.map { models in
        try runs.indices.map { try preferences(of: models[$0], against: references[$0], on: runs[$0].heldOutPairs, beta: context[beta]) }
      }
      let divergences = try policies.map { models in
        try runs.indices.map { try divergence(of: models[$0], from: references[$0], on: runs[$0].heldOutAnswers) }
      }
      let greedy = try policies.map { models in
        try runs.indices.map { try replies(of: models[$0], to: runs[$0].heldOut, tokenizer: runs[$0].tokenizer) }
      }
      let supervised = try context.require(supervisedKey)
      let sft = OverRuns(try runs.indices.map {
        try divergence(of: try supervised[run: $0].makeModel(), from: references[$0], on: runs[$0].heldOutAnswers)
      })
      let kl = divergences.map(OverRuns.init)
      let chosen = reports.map { overRuns($0) { $0.chosenChange() } }
      context.table(
        "DPO at three values of β, on the held-out questions: median or mean (lowest to highest run) over \(runs.count) runs",
        headers: ["β", "KL from the reference", "reward accuracy", "Δ log π(chosen)", "Δ log π(right answer)", "greedy well-formed", "greedy right"],
        rows: betas.indices.map { b in
          let right = overRuns(reports[b]) { $0.chosenChange(.rightOverOffByOne) }
          let wellFormed = OverRuns(greedy[b].map(\.wellFormed)), correct = OverRuns(greedy[b].map(\.accuracy))
          let accuracy = overRuns(reports[b]) { $0.rewardAccuracy() }
          return [NumberFormat.fixed(betas[b], 3), kl[b].shown(kl[b].median, digits: 2), accuracy.shown(accuracy.mean, digits: 0, percent: true),
                  chosen[b].shown(chosen[b].median, digits: 2), right.shown(right.median, digits: 2),
                  wellFormed.shown(wellFormed.mean, digits: 0, percent: true), correct.shown(correct.mean, digits: 0, percent: true)]
        })
      context.chart(.bars(
        labels: betas.map { "β = \(NumberFormat.fixed($0, 3))" }, values: kl.map(\.median),
        title: "KL from the reference, median over the runs (nats per held-out answer)"))
      context.text("Greedy replies of the first run at β = \(betas[2]): "
        + zip(runs[0].heldOut, greedy[2][0].replies).prefix(8).map { "\($0.prompt) → \($1)" }.joined(separator: ", "))
      // Runs in which the smallest β moved the policy further than the lesson's β did. (Between the two
      // small values the order is a coin toss: both let the policy drift about as far in 300 steps.)
      let klGrows = runs.indices.filter { divergences[2][$0] > divergences[0][$0] }.count
      let chosenFalls = runs.indices.filter { chosen[2].values[$0] < chosen[0].values[$0] }.count
      context.measure("dpo-kl-sft", sft.median)
      context.measure("dpo-kl", kl[0].median)
      context.measure("dpo-kl-lower-beta", kl[1].median)
      context.measure("dpo-kl-lowest-beta", kl[2].median)
      context.measure("dpo-kl-grows-runs", klGrows,
        detail: "KL per run at β " + betas.map { NumberFormat.fixed($0, 3) }.joined(separator: ", ") + ": "
          + runs.indices.map { run in divergences.map { NumberFormat.fixed($0[run], 2) }.joined(separator: ", ") }.joined(separator: "; "))
      context.measure("dpo-accuracy-lower-beta", overRuns(reports[1]) { $0.rewardAccuracy() }.mean)
      context.measure("dpo-accuracy-lowest-beta", overRuns(reports[2]) { $0.rewardAccuracy() }.mean)
      context.measure("dpo-lowest-beta-chosen-change", chosen[2].median)
      context.measure("dpo-chosen-falls-runs", chosenFalls,
        detail: "Δ log π(chosen) per run at β " + betas.map { NumberFormat.fixed($0, 3) }.joined(separator: ", ") + ": "
          + runs.indices.map { run in chosen.map { NumberFormat.fixed($0.values[run], 2) }.joined(separator: ", ") }.joined(separator: "; "))
      let right = overRuns(reports[2]) { $0.chosenChange(.rightOverOffByOne) }
      context.measure("dpo-right-falls-at-lowest-beta", right.median < 0,
        detail: "median change of log π(right answer) at β \(NumberFormat.fixed(betas[2], 3)) over the runs: " + right.shown(right.median, digits: 3))
      context.measure("dpo-greedy-lower-beta", OverRuns(greedy[1].map(\.accuracy)).mean)
      context.measure("dpo-greedy-lowest-beta", OverRuns(greedy[2].map(\.accuracy)).mean)
      context.measure("dpo-well-formed-lowest-beta", OverRuns(greedy[2].map(\.wellFormed)).mean)
      context.measure("dpo-lowest-beta-one-below", OverRuns(greedy[2].map { $0.share(answering: -1) }).mean)
    }
  }
}
