import Foundation
import LessonKit
import Pretraining

// MARK: - Sections 4 to 7: before, SFT on the chosen responses, DPO, and β

extension DPOLesson {
  @LessonBundleBuilder static var supervisedBaseline: [BundleEntry] {
    Step(
      "dpo-before", reads: [dataKey, referenceKey], parameters: [beta],
      measures: ["dpo-accuracy-before", "dpo-likelihood-accuracy-before", "dpo-likelihood-right-before",
                 "dpo-likelihood-closer-before"]
    ) { context in
      let data = try context.require(dataKey)
      let reference = try context.require(referenceKey)
      let before = try preferences(of: try reference.makeModel(), against: try reference.makeModel(), on: data.heldOutPairs, beta: context[beta])
      let largest = before.margins.map { abs($0) }.max() ?? .nan
      context.text("The policy is a copy of the reference: the largest reward margin on the \(before.pairs) held-out pairs is \(largest).")
      context.measure("dpo-accuracy-before", before.rewardAccuracy())
      context.measure("dpo-likelihood-accuracy-before", before.likelihoodAccuracy())
      context.measure("dpo-likelihood-right-before", before.likelihoodAccuracy(.rightOverOffByOne))
      context.measure("dpo-likelihood-closer-before", before.likelihoodAccuracy(.closerOverFarther))
    }

    Step(
      "dpo-sft-on-chosen", reads: [dataKey, referenceKey], writes: [supervisedKey], parameters: [preferenceSteps, preferenceLearningRate]
    ) { context in
      // lesson:begin dpo-sft-on-chosen
      let data = try context.require(dataKey)
      let model = try context.require(referenceKey).makeModel()           // start from the reference's weights
      let summary = try train(model, steps: context[preferenceSteps], peak: context[preferenceLearningRate], phase: "SFT on chosen", in: context) { split, rng in
        try data.pairs(split).chosen.batch(size: batchRows, context: model.config.contextLength, using: &rng)   // chosen responses only
      }
      // lesson:end
      context[supervisedKey] = try TrainedPolicy(model, tokenizer: data.tokenizer, steps: summary.losses.count)
    }

    // Measured apart from the run, so that a new β re-measures the fine-tuned model instead of retraining it.
    Step(
      "dpo-sft-preferences", reads: [dataKey, referenceKey, supervisedKey], parameters: [beta],
      measures: ["dpo-accuracy-sft", "dpo-accuracy-sft-right", "dpo-accuracy-sft-closer", "dpo-likelihood-accuracy-sft",
                 "dpo-greedy-sft", "dpo-sft-chosen-change"]
    ) { context in
      let data = try context.require(dataKey)
      let model = try context.require(supervisedKey).makeModel()
      let report = try preferences(of: model, against: try context.require(referenceKey).makeModel(), on: data.heldOutPairs, beta: context[beta])
      context.measure("dpo-accuracy-sft", report.rewardAccuracy())
      context.measure("dpo-accuracy-sft-right", report.rewardAccuracy(.rightOverOffByOne))
      context.measure("dpo-accuracy-sft-closer", report.rewardAccuracy(.closerOverFarther))
      context.measure("dpo-likelihood-accuracy-sft", report.likelihoodAccuracy())
      context.measure("dpo-greedy-sft", try replies(of: model, to: data.heldOut, tokenizer: data.tokenizer).accuracy)
      context.measure("dpo-sft-chosen-change", report.chosenChange())
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
      policy, steps: context[preferenceSteps], peak: context[preferenceLearningRate], objective: objective, phase: "DPO", in: context
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
      let data = try context.require(dataKey)
      let trained = try context.require(referenceKey)                            // the reference's weights
      let run = try optimize(trained, on: data, beta: context[beta], in: context)   // β: the lesson setting `beta`
      // lesson:end
      context[optimizedKey] = try TrainedPolicy(run.policy, tokenizer: data.tokenizer, steps: run.summary.losses.count)
      context.chart(.lines(
        [ChartSeries("DPO loss per step", values: run.summary.losses.map(Double.init))],
        xLabel: "step", yLabel: "loss (nats)", title: "DPO, β = \(context[beta])"))
      let frozen = run.reference.parameters.toArray() == trained.checkpoint.parameters
      context.measure("dpo-first-loss", Double(run.summary.losses.first ?? .nan))
      context.measure("dpo-final-loss", Double(run.summary.losses.last ?? .nan))
      context.measure("dpo-held-out-loss", Double(run.summary.evaluations.last?.val ?? .nan))
      context.measure("dpo-pairs-per-batch", run.summary.windowsPerStep / 2)
      context.measure("dpo-reference-frozen", frozen,
        detail: "\(trained.checkpoint.parameters.count) reference parameters, \(frozen ? "none" : "some") changed by training")
    }

    Step(
      "dpo-after", reads: [dataKey, referenceKey, supervisedKey, optimizedKey], parameters: [beta],
      measures: ["dpo-accuracy-after", "dpo-accuracy-after-right", "dpo-accuracy-after-closer", "dpo-likelihood-accuracy-after",
                 "dpo-reward-margin", "dpo-sft-reward-margin", "dpo-greedy-after", "dpo-chosen-change"]
    ) { context in
      let data = try context.require(dataKey)
      let reference = try context.require(referenceKey).makeModel()
      let models = try [referenceKey, supervisedKey, optimizedKey].map { try context.require($0).makeModel() }
      let reports = try models.map { try preferences(of: $0, against: reference, on: data.heldOutPairs, beta: context[beta]) }
      let greedy = try models.map { try replies(of: $0, to: data.heldOut, tokenizer: data.tokenizer) }
      context.table("the held-out pairs and questions", headers: ["", "reference", "SFT on chosen", "DPO"], rows: [
        percentRow("reward accuracy", reports.map { $0.rewardAccuracy() }),
        percentRow("  right over off by one", reports.map { $0.rewardAccuracy(.rightOverOffByOne) }),
        percentRow("  off by one over off by two", reports.map { $0.rewardAccuracy(.closerOverFarther) }),
        percentRow("likelihood accuracy", reports.map { $0.likelihoodAccuracy() }),
        ["mean reward margin"] + reports.map { NumberFormat.fixed($0.meanMargin, 3) },
        percentRow("greedy answer right", greedy.map(\.accuracy)),
      ])
      let after = reports[2]
      context.measure("dpo-accuracy-after", after.rewardAccuracy())
      context.measure("dpo-accuracy-after-right", after.rewardAccuracy(.rightOverOffByOne))
      context.measure("dpo-accuracy-after-closer", after.rewardAccuracy(.closerOverFarther))
      context.measure("dpo-likelihood-accuracy-after", after.likelihoodAccuracy())
      context.measure("dpo-reward-margin", after.meanMargin)
      context.measure("dpo-sft-reward-margin", reports[1].meanMargin)
      context.measure("dpo-greedy-after", greedy[2].accuracy)
      context.measure("dpo-chosen-change", after.chosenChange())
    }

    Check("dpo-beats-sft", uses: ["dpo-accuracy-after", "dpo-accuracy-sft"]) { values in
      let (dpo, sft) = (try values.number("dpo-accuracy-after"), try values.number("dpo-accuracy-sft"))
      return .boolean(dpo > sft, detail: "held-out preference accuracy \(NumberFormat.fixed(100 * dpo, 1))% after DPO, "
        + "\(NumberFormat.fixed(100 * sft, 1))% after SFT on the chosen responses")
    }
  }

  @LessonBundleBuilder static var betaSweep: [BundleEntry] {
    Step(
      "dpo-beta-sweep", reads: [dataKey, referenceKey, supervisedKey, optimizedKey],
      parameters: [beta, lowerBeta, lowestBeta, preferenceSteps, preferenceLearningRate],
      measures: ["dpo-kl-sft", "dpo-kl", "dpo-kl-lower-beta", "dpo-kl-lowest-beta", "dpo-kl-grows-as-beta-falls",
                 "dpo-accuracy-lower-beta", "dpo-accuracy-lowest-beta", "dpo-lowest-beta-chosen-change",
                 "dpo-chosen-falls-as-beta-falls", "dpo-lowest-beta-right-change", "dpo-greedy-lower-beta",
                 "dpo-greedy-lowest-beta", "dpo-well-formed-lowest-beta", "dpo-lowest-beta-one-below"]
    ) { context in
      let data = try context.require(dataKey)
      let trained = try context.require(referenceKey)
      let reference = try trained.makeModel()
      let betas = [context[beta], context[lowerBeta], context[lowestBeta]]
      let policies = try [try context.require(optimizedKey).makeModel()]   // the run of the section above
        + betas.dropFirst().map { try optimize(trained, on: data, beta: $0, in: context).policy }
      // Every report is measured at the lesson's β, so the accuracies compare like with like.
      let reports = try policies.map { try preferences(of: $0, against: reference, on: data.heldOutPairs, beta: context[beta]) }
      let divergences = try policies.map { try divergence(of: $0, from: reference, on: data.heldOutAnswers) }
      let greedy = try policies.map { try replies(of: $0, to: data.heldOut, tokenizer: data.tokenizer) }
      let sft = try divergence(of: try context.require(supervisedKey).makeModel(), from: reference, on: data.heldOutAnswers)
      context.table("DPO at three values of β, on the held-out questions", headers: ["β", "KL from the reference", "reward accuracy",
        "Δ log π(chosen)", "Δ log π(right answer)", "greedy well-formed", "greedy right"],
        rows: betas.indices.map { i in
          [NumberFormat.fixed(betas[i], 3), NumberFormat.fixed(divergences[i], 3), NumberFormat.fixed(100 * reports[i].rewardAccuracy(), 0) + "%",
           NumberFormat.fixed(reports[i].chosenChange(), 2), NumberFormat.fixed(reports[i].chosenChange(.rightOverOffByOne), 2),
           NumberFormat.fixed(100 * greedy[i].wellFormed, 0) + "%", NumberFormat.fixed(100 * greedy[i].accuracy, 0) + "%"]
        })
      context.chart(.bars(
        labels: betas.map { "β = \(NumberFormat.fixed($0, 3))" }, values: divergences,
        title: "KL from the reference (nats per held-out answer)"))
      context.text("Greedy replies at β = \(betas[2]): " + zip(data.heldOut, greedy[2].replies).prefix(8).map { "\($0.prompt) → \($1)" }.joined(separator: ", "))
      func falling(_ values: [Double]) -> Bool { zip(values, values.dropFirst()).allSatisfy { $0 > $1 } }
      let chosen = reports.map { $0.chosenChange() }
      context.measure("dpo-kl-sft", sft)
      context.measure("dpo-kl", divergences[0])
      context.measure("dpo-kl-lower-beta", divergences[1])
      context.measure("dpo-kl-lowest-beta", divergences[2])
      context.measure("dpo-kl-grows-as-beta-falls", falling(divergences.reversed()),
        detail: zip(betas, divergences).map { "β \($0): \(NumberFormat.fixed($1, 3))" }.joined(separator: ", "))
      context.measure("dpo-accuracy-lower-beta", reports[1].rewardAccuracy())
      context.measure("dpo-accuracy-lowest-beta", reports[2].rewardAccuracy())
      context.measure("dpo-lowest-beta-chosen-change", chosen[2])
      context.measure("dpo-chosen-falls-as-beta-falls", falling(chosen),
        detail: zip(betas, chosen).map { "β \($0): \(NumberFormat.fixed($1, 3))" }.joined(separator: ", "))
      context.measure("dpo-lowest-beta-right-change", reports[2].chosenChange(.rightOverOffByOne))
      context.measure("dpo-greedy-lower-beta", greedy[1].accuracy)
      context.measure("dpo-greedy-lowest-beta", greedy[2].accuracy)
      context.measure("dpo-well-formed-lowest-beta", greedy[2].wellFormed)
      context.measure("dpo-lowest-beta-one-below", greedy[2].share(answering: -1))
    }
  }
}
