import Foundation
import LessonKit
import Pretraining

// MARK: - Sections 2 and 3: the reference model; the log-probability of a whole response

extension DPOLesson {
  @LessonBundleBuilder static var referenceModel: [BundleEntry] {
    Step(
      "dpo-reference", reads: [dataKey], writes: [referenceKey], parameters: [referenceSteps, learningRate],
      measures: ["dpo-parameters", "dpo-context-length", "dpo-reference-batch", "dpo-reference-loss",
                 "dpo-reference-right", "dpo-reference-one-high", "dpo-reference-two-high", "dpo-reference-greedy"]
    ) { context in
      // lesson:begin dpo-reference
      let runs = try context.require(dataKey)
      let references = try runs.map { data in
        let model = try MiniGPT(config: modelConfig(vocabSize: data.tokenizer.vocabularySize), seed: data.seed, threads: threads)
        let summary = try train(model, steps: context[referenceSteps], peak: context[learningRate], seed: data.seed, phase: "reference", in: context) { _, rng in
          try data.demonstrations.batch(size: batchRows, context: model.config.contextLength, using: &rng)   // prompts masked
        }
        return (model: model, summary: summary)
      }
      // lesson:end
      context[referenceKey] = TrainedPolicies(try zip(runs, references).map { data, run in
        try TrainedPolicy(run.model, tokenizer: data.tokenizer, steps: run.summary.losses.count)
      })
      context.chart(.lines(
        [ChartSeries("response loss per step, run 1", values: references[0].summary.losses.map(Double.init))],
        xLabel: "step", yLabel: "loss (nats)", title: "a reference's supervised fine-tuning"))
      // How each reference splits its probability between the labeller's three answers, on its run's held-out questions.
      let probabilities = try (0...2).map { offset in
        try overRuns(Array(zip(runs, references))) { data, run -> Double in
          let answers = try ChatDataset(pairs: data.heldOut.map { ($0.prompt, "\($0.answer + offset)") }, tokenizer: data.tokenizer)
          let pass = try run.model.forwardPass(try answers.batch(rows: Array(0..<answers.count), context: run.model.config.contextLength))
          return try pass.sequenceLogProbabilities().reduce(0.0) { $0 + exp(Double($1)) } / Double(answers.count)
        }
      }
      let greedy = try greedyAccuracy(of: zip(runs, references).map { ($0, $1.model) })
      let loss = overRuns(references) { Double($0.summary.evaluations.last?.val ?? .nan) }
      context.table(
        "the references on their held-out questions, mean (lowest to highest) over \(runs.count) runs", headers: ["answer", "probability"],
        rows: zip(["right", "one too high", "two too high"], probabilities).map { [$0, $1.shown($1.mean, digits: 3)] }
          + [["greedy answer right", greedy.shown(greedy.mean, digits: 0, percent: true)]])
      let model = references[0].model
      context.measure("dpo-parameters", model.parameterCount)
      context.measure("dpo-context-length", model.config.contextLength)
      context.measure("dpo-reference-batch", references[0].summary.windowsPerStep)
      context.measure("dpo-reference-loss", loss.mean, detail: "response loss per run: " + loss.shown(loss.mean, digits: 3))
      context.measure("dpo-reference-right", probabilities[0].mean)
      context.measure("dpo-reference-one-high", probabilities[1].mean)
      context.measure("dpo-reference-two-high", probabilities[2].mean)
      context.measure("dpo-reference-greedy", greedy.mean)
    }

    Step(
      "dpo-response-log-probability", reads: [dataKey, referenceKey],
      measures: ["dpo-example-graded-positions", "dpo-log-probability-is-token-sum"]
    ) { context in
      // lesson:begin dpo-response-log-probability
      let data = try context.require(dataKey)[0]                      // the first run
      let reference = try context.require(referenceKey)[run: 0].makeModel()
      let batch = try data.heldOutPairs.batch(rows: [0], context: reference.config.contextLength)   // row 0 chosen, row 1 rejected
      let pass = try reference.forwardPass(batch)                     // the next-token loss; prompt targets are −100
      let logProbabilities = try pass.sequenceLogProbabilities()      // −(the NLL summed over each response)
      // lesson:end
      // The same figure from the logits directly: Σ log softmax(z_t)[y_t] over the graded positions.
      let logits = try pass.logits().values, v = reference.config.vocabSize, t = batch.context
      let direct = (0..<batch.size).map { row in
        (0..<t).reduce(0.0) { sum, position in
          let r = row * t + position, target = batch.targets[r]
          return target == ignoreIndex ? sum : sum + logSoftmax(logits[(r * v)..<((r + 1) * v)])[Int(target)]
        }
      }
      let graded = (0..<t).filter { batch.targets[$0] != ignoreIndex }
      let tokenizer = data.tokenizer
      context.table(
        "the pair's two rows, as the model reads them", headers: ["row", "inputs", "graded targets", "log π_ref"],
        rows: (0..<batch.size).map { row in
          let slice = (row * t)..<((row + 1) * t)
          return [row == 0 ? "chosen" : "rejected", tokenizer.visibleText(batch.inputs[slice]),
                  batch.targets[slice].map { $0 == ignoreIndex ? "·" : tokenizer.visible($0) }.joined(),
                  NumberFormat.fixed(Double(logProbabilities[row]), 3)]
        })
      let gap = zip(logProbabilities, direct).map { abs(Double($0) - $1) }.max() ?? .nan
      context.measure("dpo-example-graded-positions", graded.count)
      context.measure("dpo-log-probability-is-token-sum", gap < 1e-4,
        detail: "largest difference from Σ log softmax over the graded positions: \(gap)")
    }
  }
}
