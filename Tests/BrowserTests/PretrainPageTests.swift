import Foundation
import LessonKit
import Testing

/// The one test that builds the full pretraining lesson (it trains the lesson's model, about a
/// minute on an idle machine): every claim passes, charts are inline, and the widget opens on
/// the bars `lesson play --prompt "To be" --model trigram` prints, with the lesson's MiniGPT on offer.
@Suite(.enabled(if: Browser.isAvailable, "chromium and chromedriver are missing (make test installs them)"))
struct PretrainPageTests {
  @Test func thePretrainingPageIsVerifiedAndItsWidgetRuns() async throws {
    let out = try PageTestSupport.scratch("pretrain") + "/site"
    let built = try PageTestSupport.lesson(["build", "--html", out, "pretrain"])
    #expect(built.status == 0, "build failed: \(built.stdout)\n\(built.stderr)")
    guard built.status == 0 else { return }
    let lesson = try Lesson.load(path: PageTestSupport.packageRoot.appendingPathComponent("Lessons/00_pretrain.md").path)
    let play = try PageTestSupport.lesson(["play", "--prompt", "To be", "--model", "trigram"])
    let printed = play.stdout.split(separator: "\n").filter { $0.hasSuffix("%") && $0.hasPrefix("  ") }.map { line in
      let words = line.split(separator: " ")
      return [String(words.first ?? ""), String(words.last ?? "")]
    }
    try await PageTestSupport.withBrowser { browser in
      try await browser.open(URL(fileURLWithPath: out + "/00_pretrain.html"))
      let claims = try await browser.run(
        "return Array.from(document.querySelectorAll('[data-claim-id]')).map(function (c) { return [c.dataset.claimId, c.dataset.verdict]; });")
        as? [[String]] ?? []
      #expect(claims.map { $0[0] } == lesson.claims.map(\.id))
      #expect(claims.allSatisfy { $0[1] == "pass" }, "failing: \(claims.filter { $0[1] != "pass" })")
      let charts = try await browser.run("return document.querySelectorAll('figure.chart svg[role=img]').length") as? Int ?? 0
      #expect(charts >= 3, "\(charts) inline charts")
      try await browser.wait(until: "return document.querySelector('section.widget').dataset.ready === 'true'", seconds: 60)
      let models = try await browser.run(
        "return Array.from(document.querySelectorAll('.models button')).map(function (b) { return b.textContent; })") as? [String]
      #expect(models == ["bigram", "trigram", "minigpt"])
      let bars = try await browser.run("""
        return Array.from(document.querySelectorAll('.bars .bar')).map(function (b) {
          return [b.querySelector('.bar-char').textContent, b.querySelector('.bar-value').textContent];
        });
        """) as? [[String]] ?? []
      #expect(!printed.isEmpty && bars == printed, "page \(bars), lesson play \(printed)")
      // The lesson's MiniGPT runs in the page: a distribution, summing to at most 1.
      try await browser.click(".models button:nth-child(3)")
      let total = try await browser.run("""
        return Array.from(document.querySelectorAll('.bars .bar')).reduce(function (s, b) {
          return s + Number(b.dataset.probability); }, 0);
        """) as? Double ?? -1
      #expect(total > 0.3 && total <= 1 + 1e-9, "minigpt's top bars sum to \(total)")
      try await PageTestSupport.checkScreenshot(browser, name: "pretrain")
    }
  }
}
