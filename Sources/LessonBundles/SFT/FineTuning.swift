import Foundation
import LessonKit
import Pretraining

// MARK: - Section 6: fine-tuning, the same loop

extension SFTLesson {
  @LessonBundleBuilder static var fineTuning: [BundleEntry] {
    Step("sft-fine-tune", after: ["sft-pretrain", "sft-addition-data"]) { context in
      let base = try context.require(baseKey)
      let data = try context.require(dataKey)
      let steps = fineTuningSteps
      let start = Date()
      // lesson:begin sft-fine-tune
      let model = try copy(of: base.model)                           // start from the pretrained weights
      let options = trainingOptions(steps: steps, seed: context.seed)  // the same AdamW, clipping and loss
      let trainer = try Trainer(model: model, options: options)
      let summary = try trainer.run(nextBatch: { split, rng in
        let pairs = split == .train ? data.chat : data.heldOutChat   // templated pairs, prompt targets −100
        return try pairs.batch(size: 32, context: pairs.longestExample, using: &rng)
      }, progress: { p in showProgress("fine-tuning", p, of: steps, in: context) })
      // lesson:end
      let run = TrainedModel(
        model: model, options: options, summary: summary, batchSize: model.batchSize, seconds: seconds(since: start))
      context[fineTunedKey] = run
      context.chart(.lines(
        [ChartSeries("response loss per step", values: summary.losses.map(Double.init))],
        xLabel: "step", yLabel: "loss (nats)", title: "fine-tuning loss"))
      context.text("Fine-tuned \(steps) steps in \(fixed(run.seconds, 1)) s.")
    }

    Step("sft-after", after: ["sft-fine-tune"]) { context in
      let model = try context.require(fineTunedKey).model
      let data = try context.require(dataKey)
      let tokenizer = data.chat.tokenizer
      let report = try answers(of: model, to: data.heldOut, tokenizer: tokenizer)
      context[afterKey] = report
      let (title, headers, rows) = answerTable("held-out questions, fine-tuned model", report, count: data.heldOut.count)
      context.table(title, headers: headers, rows: rows)
      context.scalar("held-out accuracy", report.accuracy)
      context.scalar("training accuracy", try answers(of: model, to: data.train, tokenizer: tokenizer).accuracy)
    }

    Check("sft-same-options", after: ["sft-fine-tune"]) { context in
      // The schedule stretches over each run's own length; everything else must be equal.
      let base = try context.require(baseKey).options
      let tuned = try context.require(fineTunedKey).options
      let sameRecipe = base == trainingOptions(steps: base.steps, seed: base.seed)
        && tuned == trainingOptions(steps: tuned.steps, seed: tuned.seed)
        && base.optimizer == tuned.optimizer && base.maxGradientNorm == tuned.maxGradientNorm
      return .boolean(
        sameRecipe,
        detail: "peak lr \(tuned.schedule.peak(over: tuned.steps).rate), betas (\(base.optimizer.beta1), \(base.optimizer.beta2)), "
          + "weight decay \(base.optimizer.weightDecay), clip \(base.maxGradientNorm) in both runs")
    }
    Check("sft-fine-tuning-steps", after: ["sft-fine-tune"]) { context in
      .number(Double(try context.require(fineTunedKey).summary.losses.count))
    }
    Check("sft-fine-tuning-batch", after: ["sft-fine-tune"]) { context in
      .number(Double(try context.require(fineTunedKey).batchSize))
    }
    Check("sft-first-response-loss", after: ["sft-fine-tune"]) { context in
      .number(Double(try context.require(fineTunedKey).summary.losses.first ?? .nan))
    }
    Check("sft-final-held-out-loss", after: ["sft-fine-tune"]) { context in
      .number(Double(try context.require(fineTunedKey).summary.evaluations.last?.val ?? .nan))
    }
    Check("sft-accuracy-after", after: ["sft-after"]) { context in
      .number(try context.require(afterKey).accuracy)
    }
    Check("sft-training-accuracy-after", after: ["sft-fine-tune"]) { context in
      let data = try context.require(dataKey)
      let model = try context.require(fineTunedKey).model
      return .number(try answers(of: model, to: data.train, tokenizer: data.chat.tokenizer).accuracy)
    }
  }
}
