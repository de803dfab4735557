import ArgumentParser
import ModelCommands
import LessonKit
import Pretraining

extension LessonCommand {
  /// `lesson train`.
  ///
  /// Each recipe flag is optional: left out, it comes from `--resume`'s checkpoint, else `--recipe`,
  /// else the lesson's recipe (``TrainingRecipe/lesson``, whose values the help shows).
  struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Train the lesson's MiniGPT on a corpus; progress on stderr, the result on stdout.",
      discussion: """
        --recipe nanogpt-baby is nanoGPT's CPU baby GPT (d=128 L=4 h=4 T=64 B=12, 2000 steps, lr 1e-3, \
        warmup 100, cosine to 1e-4, beta2 0.99, weight decay 0.1, clip 1.0); flags override it. \
        --resume CKPT continues a run written by --out to --steps, with its recorded recipe and shape. \
        Ctrl-C stops after the current step and still writes --out. \
        Exit status: 0 trained, 1 diverged or could not write, 2 bad input, 130/143 interrupted (SIGINT/SIGTERM).
        """)

    private static let lesson = TrainingRecipe.lesson

    @OptionGroup var global: GlobalOptions

    @OptionGroup var shape: ModelShapeFlags

    @Option(help: "Start from a named recipe: \(TrainingRecipe.named.keys.sorted().joined(separator: ", ")).")
    var recipe: String?

    @Option(help: "Continue the run a checkpoint from --out recorded (weights, AdamW state, data streams).", completion: .file(extensions: ["safetensors"]))
    var resume: String?

    @Option(help: "Optimizer steps of the whole run (default \(lesson.steps)).")
    var steps: Int?

    @Option(help: "Seeds the initialization and the batch sampling (default \(lesson.seed)).")
    var seed: UInt64?

    @Option(name: .customLong("lr"), help: "Peak AdamW learning rate (default \(lesson.learningRate)).")
    var learningRate: Float?

    @Option(help: "Learning-rate schedule after the warmup: constant or cosine (default \(lesson.schedule.rawValue)).")
    var schedule: String?

    @Option(help: "Linear warmup steps, lr·(step+1)/(warmup+1) (default \(lesson.warmupSteps)).")
    var warmupSteps: Int?

    @Option(help: "Where the cosine ends (default lr/10).")
    var minLr: Float?

    @Option(help: "The step at which the cosine reaches --min-lr (default --steps).")
    var decaySteps: Int?

    @Option(help: "AdamW β₁ (default \(lesson.beta1)).")
    var beta1: Float?

    @Option(help: "AdamW β₂ (default \(lesson.beta2)).")
    var beta2: Float?

    @Option(help: "Decoupled weight decay on matrices and embeddings (default \(lesson.weightDecay)).")
    var weightDecay: Float?

    @Option(help: "Global gradient-norm clip; 0 turns it off (default \(lesson.gradientClip)).")
    var gradClip: Float?

    @Option(help: "Estimate train/val loss every N steps (and after the last); 0 = only at the end (default \(lesson.evalEvery)).")
    var evalEvery: Int?

    @Option(help: "Batches averaged per loss estimate (default \(lesson.evalBatches)).")
    var evalBatches: Int?

    @Option(help: "Write a safetensors checkpoint here (atomically) when training ends or is interrupted.", completion: .file(extensions: ["safetensors"]))
    var out: String?

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    @Option(help: "Also write the loss curve (train and val) to this SVG file.", completion: .file(extensions: ["svg"]))
    var plot: String?

    func run() throws {
      let settings = TrainingSettings(
        steps: steps, seed: seed, learningRate: learningRate, schedule: schedule, warmupSteps: warmupSteps,
        minimumLearningRate: minLr, decaySteps: decaySteps, beta1: beta1, beta2: beta2, weightDecay: weightDecay,
        gradientClip: gradClip, evalEvery: evalEvery, evalBatches: evalBatches)
      let options = TrainingCommandOptions(
        shape: shape.settings, settings: settings, recipe: recipe, resume: resume, out: out, json: json, plot: plot)
      try finish(TrainingCommand.run(global.environment(), options: options))
    }
  }
}
