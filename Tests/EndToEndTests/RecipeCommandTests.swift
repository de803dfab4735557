import Foundation
import Testing

/// `lesson train`'s recipe flags, `--resume` and `lesson export`, run as a user runs them.
@Suite struct RecipeCommandTests {
  typealias Numeric = NumericCommandTests

  /// A warmup and cosine over a tiny model, with estimates every 3 steps.
  static let recipe = ["--schedule", "cosine", "--warmup-steps", "2", "--min-lr", "1e-4", "--decay-steps", "8",
                       "--lr", "3e-3", "--beta2", "0.99", "--weight-decay", "0.2", "--grad-clip", "0.5",
                       "--eval-every", "3", "--eval-batches", "2", "--seed", "11"]

  static func losses(_ report: [String: Any]) -> [Double] {
    (report["losses"] as? [NSNumber])?.map(\.doubleValue) ?? []
  }

  static func evaluations(_ report: [String: Any]) -> [[Double]] {
    ((report["evaluations"] as? [[String: Any]]) ?? []).map {
      [Numeric.number($0, "step") ?? -1, Numeric.number($0, "train_loss") ?? -1, Numeric.number($0, "val_loss") ?? -1]
    }
  }

  @Test func aRunStoppedAndResumedGivesTheLossesOfOneThatWasNot() throws {
    let directory = try Numeric.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let whole = try LessonBinary.run(["train", "--steps", "8", "--json"] + Self.recipe + Numeric.tiny)
    #expect(whole.status == 0, "\(whole.stderr)")
    let uninterrupted = try Numeric.json(whole.stdout)

    let checkpoint = directory + "/run.safetensors"
    let first = try LessonBinary.run(["train", "--steps", "5", "--json", "--out", checkpoint] + Self.recipe + Numeric.tiny)
    #expect(first.status == 0, "\(first.stderr)")
    // The cosine of the first part must still end at step 8, so --decay-steps was given.
    let second = try LessonBinary.run(["train", "--resume", checkpoint, "--steps", "8", "--threads", "1", "--json",
                                       "--out", checkpoint])
    #expect(second.status == 0, "\(second.stderr)")
    let resumed = try Numeric.json(second.stdout)
    #expect(Numeric.number(resumed, "resumed_from") == 5)
    #expect(Self.losses(try Numeric.json(first.stdout)) + Self.losses(resumed) == Self.losses(uninterrupted))
    #expect(Self.evaluations(resumed).filter { $0[0] > 5 } == Self.evaluations(uninterrupted).filter { $0[0] > 5 })
    #expect(Self.losses(uninterrupted).count == 8)
    // The recipe went into the file and came back.
    let recipe = try #require(resumed["recipe"] as? [String: Any])
    #expect(Numeric.number(recipe, "beta2") == Numeric.number(try #require(uninterrupted["recipe"] as? [String: Any]), "beta2"))
    #expect(recipe["schedule"] as? String == "cosine" && Numeric.number(recipe, "warmup_steps") == 2)
  }

  @Test func recipeFlagsAreCheckedAndNamed() throws {
    let directory = try Numeric.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let written = directory + "/written.safetensors"
    #expect(try LessonBinary.run(["train", "--steps", "1", "--out", written] + Numeric.tiny).status == 0)
    let cases: [(arguments: [String], message: String)] = [
      (["--schedule", "linear"], "--schedule must be constant or cosine"),
      (["--beta1", "1"], "--beta1 must be in [0, 1)"),
      (["--beta2=-0.1"], "--beta2 must be in [0, 1)"),
      (["--weight-decay=-1"], "--weight-decay must be ≥ 0"),
      (["--grad-clip=-1"], "--grad-clip must be ≥ 0"),
      (["--min-lr", "1"], "--min-lr must be between 0 and --lr"),
      (["--warmup-steps=-2"], "--warmup-steps must be ≥ 0"),
      (["--schedule", "cosine", "--warmup-steps", "5", "--decay-steps", "3"], "--decay-steps 3 must be above --warmup-steps 5"),
      (["--eval-batches", "0"], "--eval-batches must be ≥ 1"),
      (["--steps", "1000000000000"], "--steps 1000000000000 is above the limit"),
      (["--recipe", "gpt-5"], "--recipe 'gpt-5' is unknown"),
      (["--recipe", "nanogpt-baby", "--resume", written], "--recipe and --resume together"),
      (["--resume", directory + "/absent.safetensors"], "no such file"),
    ]
    for (arguments, message) in cases {
      let output = try LessonBinary.run(["train", "--steps", "1"] + arguments + Numeric.tiny)
      #expect(output.status == 2, "\(arguments): exit \(output.status)")
      #expect(output.stderr.contains(message), "\(arguments): \(output.stderr)")
    }
    // A resumed run keeps its recipe and shape.
    let resumable = directory + "/run.safetensors"
    #expect(try LessonBinary.run(["train", "--steps", "2", "--out", resumable] + Numeric.tiny).status == 0)
    for (arguments, message) in [(["--lr", "1e-2"], "--lr 0.01 (the run used 0.0003)"), (["--d", "32"], "--d 32 differs"),
                                 (["--steps", "1"], "below the checkpoint's step 2")] {
      let output = try LessonBinary.run(["train", "--resume", resumable] + arguments)
      #expect(output.status == 2 && output.stderr.contains(message), "\(arguments): \(output.stderr)")
    }
  }

  @Test func theNanoGPTBabyRecipeSetsShapeAndSchedule() throws {
    // Two steps of the recipe, smaller only where a flag says so.
    let output = try LessonBinary.run(["train", "--recipe", "nanogpt-baby", "--steps", "2", "--eval-batches", "1",
                                       "--threads", "1", "--json"])
    #expect(output.status == 0, "\(output.stderr)")
    let report = try Numeric.json(output.stdout)
    let config = try #require(report["config"] as? [String: Any])
    #expect(Numeric.number(config, "d") == 128 && Numeric.number(config, "layers") == 4 && Numeric.number(config, "heads") == 4)
    #expect(Numeric.number(config, "context") == 64 && Numeric.number(config, "batch") == 12)
    let recipe = try #require(report["recipe"] as? [String: Any])
    #expect(abs((Numeric.number(recipe, "lr") ?? 0) - 1e-3) < 1e-9 && Numeric.number(recipe, "warmup_steps") == 100)
    // nanoGPT's lr_decay_iters stays 2000: shortening the run does not reshape the recipe's schedule.
    #expect(Numeric.number(recipe, "decay_steps") == 2000 && abs((Numeric.number(recipe, "beta2") ?? 0) - 0.99) < 1e-9)
    #expect(output.stderr.contains("warmup 100 · cosine to 0.0001 by step 2000"))
  }

  @Test func exportWritesNanoGPTsNamesAndRefusesBadInput() throws {
    let directory = try Numeric.scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let checkpoint = directory + "/run.safetensors"
    #expect(try LessonBinary.run(["train", "--steps", "1", "--out", checkpoint] + Numeric.tiny).status == 0)
    let out = directory + "/nanogpt.safetensors"
    let output = try LessonBinary.run(["export", "--format", "nanogpt", checkpoint, out])
    #expect(output.status == 0, "\(output.stderr)")
    // The safetensors header names the tensors: nanoGPT's, and none of ours.
    let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
    let length = bytes.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
    let header = String(decoding: bytes[8..<(8 + length)], as: UTF8.self)
    for name in ["transformer.wte.weight", "lm_head.weight", "transformer.h.0.attn.c_attn.weight", "transformer.ln_f.bias"] {
      #expect(header.contains("\"\(name)\""), "\(name)")
    }
    #expect(!header.contains("\"tok.weight\"") && !header.contains("optimizer."))
    for (arguments, status, message) in [
      (["--format", "hf", checkpoint, out], Int32(2), "--format must be nanogpt"),
      (["--format", "nanogpt", checkpoint, checkpoint], 2, "OUT is the checkpoint itself"),
      (["--format", "nanogpt", checkpoint, directory + "/missing/x.safetensors"], 2, "does not exist"),
      (["--format", "nanogpt", directory + "/absent.safetensors", out], 1, "no such file"),
    ] {
      let result = try LessonBinary.run(["export"] + arguments)
      #expect(result.status == status && result.stderr.contains(message), "\(arguments): \(result.stderr)")
    }
  }
}
