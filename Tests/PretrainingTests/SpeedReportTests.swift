import Dispatch
import Foundation
import Pretraining
import Testing

/// Prints ms/step for the lesson config (d=128, L=4, h=4, T=64, B=32) at 1 and 2 threads.
///
/// Not a timed assertion: machines differ. Enabled with PRETRAINING_SPEED_REPORT=1 (optionally
/// PRETRAINING_SPEED_VOCAB, default 65, PRETRAINING_SPEED_STEPS, default 30, and
/// PRETRAINING_SPEED_THREADS, default "1,2").
@Suite struct SpeedReportTests {
  static var enabled: Bool { ProcessInfo.processInfo.environment["PRETRAINING_SPEED_REPORT"] == "1" }

  @Test(.enabled(if: SpeedReportTests.enabled))
  func lessonConfigStepTime() throws {
    let env = ProcessInfo.processInfo.environment
    let vocab = Int(env["PRETRAINING_SPEED_VOCAB"] ?? "") ?? 65
    let steps = Int(env["PRETRAINING_SPEED_STEPS"] ?? "") ?? 30
    let config = try MiniGPTConfig.lesson(vocabSize: vocab)
    let threadCounts = (env["PRETRAINING_SPEED_THREADS"] ?? "1,2").split(separator: ",").compactMap { Int($0) }
    for threads in threadCounts where threads >= 1 {
      let model = try MiniGPT(config: config, seed: 1337, threads: threads)
      let optimizer = AdamW(model: model)
      var times: [Double] = []
      var losses: [Float] = []
      for step in 0..<(steps + 5) {
        let batch = randomModelBatch(config, size: 32, seed: UInt64(step))
        if step == 5 { model.setProfiling(true) }
        let start = DispatchTime.now().uptimeNanoseconds
        let loss = try model.forward(batch)
        model.zeroGradients()
        try model.backward()
        model.clipGradientNorm(max: 1)
        optimizer.step(model)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-6
        if step >= 5 { times.append(elapsed) }
        losses.append(loss)
      }
      times.sort()
      let median = times[times.count / 2]
      let p90 = times[min(times.count - 1, times.count * 9 / 10)]
      print("speed threads=\(threads) V=\(vocab) median_ms=\(String(format: "%.2f", median)) p90_ms=\(String(format: "%.2f", p90)) tokens_per_s=\(Int(2048 / median * 1000))")
      let profile = model.phaseProfile
      let perStep = Double(max(profile.steps, 1))
      var line = "  worker0 ms/step:"
      for kind in LayerKind.allCases {
        line += " \(kind.name) f=\(String(format: "%.2f", profile.forwardSeconds(kind) * 1e3 / perStep)) b=\(String(format: "%.2f", profile.backwardSeconds(kind) * 1e3 / perStep))"
      }
      line += " reduce=\(String(format: "%.2f", profile.gradientReduction * 1e3 / perStep))"
      line += " clip=\(String(format: "%.2f", profile.clipping * 1e3 / perStep))"
      line += " adamw=\(String(format: "%.2f", profile.optimizer * 1e3 / perStep))"
      print(line)
      if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
         let peak = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM") }) {
        print("  peak RSS so far: \(peak.dropFirst(6).trimmingCharacters(in: .whitespaces))")
      }
      #expect(losses.allSatisfy { $0.isFinite })
    }
  }
}
