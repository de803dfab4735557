import Foundation
import LessonBundles
import LessonKit
import Testing

/// Pages built by `lesson build --html`, read in headless Chromium: claim marks and verdicts,
/// every step's output, charts, popovers, phone width, a failing claim, hostile text.
@Suite(.serialized, .enabled(if: Browser.isAvailable, "chromium and chromedriver are missing (make test installs them)"))
struct LessonPageTests {
  static let softmax = "Lessons/examples/00_softmax.md"

  /// Builds `lessons` into a fresh directory; returns the directory and what the build said.
  static func build(_ lessons: [String], allowFailures: Bool = false, executable: String = PageTestSupport.binary) throws
    -> (out: String, status: Int32, stdout: String, stderr: String)
  {
    let out = try PageTestSupport.scratch("site") + "/site"
    let run = try PageTestSupport.lesson(
      ["build", "--html", out] + (allowFailures ? ["--allow-failures"] : []) + lessons, executable: executable)
    return (out, run.status, run.stdout, run.stderr)
  }

  static func claims(_ browser: Browser) async throws -> [[String]] {
    try await browser.run("""
      return Array.from(document.querySelectorAll('[data-claim-id]')).map(function (c) {
        return [c.dataset.claimId, c.dataset.verdict, c.querySelector('.mark').textContent];
      });
      """) as? [[String]] ?? []
  }

  /// What each step reported, from running the lesson here as `lesson check` runs it.
  static func reported(_ path: String) throws -> [(id: String, display: Bool, items: [ReportItem])] {
    let lesson = try Lesson.load(path: PageTestSupport.packageRoot.appendingPathComponent(path).path)
    let runner = LessonRunner(lesson: lesson, registry: try Registry(bundles: AllBundles.list), context: StepContext())
    return lesson.steps.indices.map { index in
      (lesson.steps[index].id, lesson.steps[index].attributes.display, runner.runStep(at: index)?.output ?? [])
    }
  }

  @Test func everyClaimIsMarkedAndEveryStepShowsItsOutput() async throws {
    let built = try Self.build([Self.softmax])
    #expect(built.status == 0, "build failed: \(built.stderr)")
    let lesson = try Lesson.load(path: PageTestSupport.packageRoot.appendingPathComponent(Self.softmax).path)
    let steps = try Self.reported(Self.softmax)
    let index = try String(contentsOfFile: built.out + "/index.html", encoding: .utf8)
    #expect(index.contains("href=\"00_softmax.html\""))
    try await PageTestSupport.withBrowser { browser in
      try await browser.open(URL(fileURLWithPath: built.out + "/00_softmax.html"))
      let claims = try await Self.claims(browser)
      #expect(claims.map { $0[0] } == lesson.claims.map(\.id), "claim marks differ from the lesson's claims")
      #expect(claims.allSatisfy { $0[1] == "pass" && $0[2] == "✓" }, "not all claims pass: \(claims)")
      for step in steps {
        let counts = try await browser.run("""
          var s = document.querySelector('section.step[data-step-id="' + arguments[0] + '"]');
          if (!s) return null;
          return [s.querySelectorAll('.output').length, s.querySelectorAll('figure.chart svg[role=img][aria-label]').length,
                  s.querySelectorAll('figure.tensor').length, s.querySelectorAll('table.report').length,
                  s.querySelectorAll('.output > .out-text').length];
          """, [step.id]) as? [Int]
        #expect(counts != nil, "no section for step \(step.id)")
        guard let counts else { continue }
        func count(_ match: (ReportItem) -> Bool) -> Int { step.items.filter(match).count }
        #expect(counts[0] == (step.display || step.items.isEmpty ? 0 : 1), "step \(step.id): output blocks \(counts[0])")
        #expect(counts[1] == count { if case .chart = $0 { true } else { false } }, "step \(step.id): charts")
        #expect(counts[2] == count { if case .tensor = $0 { true } else { false } }, "step \(step.id): tensors")
        #expect(counts[3] == count { if case .table = $0 { true } else { false } }, "step \(step.id): tables")
        #expect(counts[4] == count { if case .text = $0 { true } else { false } }, "step \(step.id): text")
      }
      // A popover opens on keyboard focus and names the check, the value, the tolerance and the step.
      let popover = try await browser.run("""
        var claim = document.querySelector('[data-claim-id="softmax-top-probability"]');
        claim.focus();
        var pop = claim.querySelector('.popover');
        return [document.activeElement === claim, getComputedStyle(pop).display, pop.textContent];
        """) as? [Any]
      #expect(popover?[0] as? Bool == true)
      #expect(popover?[1] as? String == "grid")
      let text = popover?[2] as? String ?? ""
      for piece in ["softmax-top-probability", "0.659", "±0.0005", "softmax-probabilities"] {
        #expect(text.contains(piece), "popover lacks \(piece): \(text)")
      }
      try await PageTestSupport.checkScreenshot(browser, name: "softmax")
      // Phone width: nothing wider than the screen but what scrolls inside its own box.
      try await browser.resize(width: 390, height: 844)
      let overflow = try await browser.run(
        "return [document.documentElement.scrollWidth, window.innerWidth]") as? [Int] ?? [0, 1]
      #expect(overflow[0] <= overflow[1], "the page is \(overflow[0]) px wide at \(overflow[1]) px")
      try await PageTestSupport.checkScreenshot(browser, name: "softmax-phone")
    }
  }

  @Test func aChangedNumberFailsTheBuildAndIsMarkedFailing() async throws {
    let directory = try PageTestSupport.scratch("mutated")
    let original = try String(
      contentsOf: PageTestSupport.packageRoot.appendingPathComponent(Self.softmax), encoding: .utf8)
    #expect(original.contains("[0.659](check:softmax-top-probability)"))
    let path = directory + "/00_softmax.md"
    try original.replacingOccurrences(of: "[0.659](check:softmax-top-probability)", with: "[0.759](check:softmax-top-probability)")
      .write(toFile: path, atomically: true, encoding: .utf8)
    let refused = try Self.build([path])
    #expect(refused.status == 1)
    #expect(refused.stdout.contains("softmax-top-probability"), "the failure is not named: \(refused.stdout)")
    #expect(!FileManager.default.fileExists(atPath: refused.out), "a failing build wrote the site")
    let written = try Self.build([path], allowFailures: true)
    #expect(written.status == 1)
    try await PageTestSupport.withBrowser { browser in
      try await browser.open(URL(fileURLWithPath: written.out + "/00_softmax.html"))
      let claims = try await Self.claims(browser)
      #expect(claims.count == 10)
      for claim in claims {
        let shouldFail = claim[0] == "softmax-top-probability"
        #expect(claim[1] == (shouldFail ? "fail" : "pass"), "\(claim)")
        #expect(claim[2] == (shouldFail ? "✗" : "✓"))
      }
      let banner = try await browser.run("return document.querySelector('.verified').className") as? String
      #expect(banner == "verified fail")
      try await PageTestSupport.checkScreenshot(browser, name: "softmax-failing")
    }
  }

  @Test func lessonTextAndStepOutputNeverRunAsMarkup() async throws {
    let built = try Self.build([PageTestSupport.fixtures + "/hostile.md"], executable: PageTestSupport.testbed)
    #expect(built.status == 0, "build failed: \(built.stderr)")
    let html = try String(contentsOfFile: built.out + "/hostile.html", encoding: .utf8)
    #expect(!html.contains("<script"), "the page holds a script element")
    #expect(!html.contains("<img"), "the page holds an image element")
    #expect(!html.contains("javascript:"), "the page holds a javascript: link")
    try await PageTestSupport.withBrowser { browser in
      try await browser.open(URL(fileURLWithPath: built.out + "/hostile.html"))
      let state = try await browser.run("""
        return [String(window.__pwned), document.scripts.length, document.images.length,
                document.body.textContent.indexOf('<script>window.__pwned = 8</script>') >= 0,
                document.body.textContent.indexOf('tensor <script>') >= 0];
        """) as? [Any]
      #expect(state?[0] as? String == "undefined")
      #expect(state?[1] as? Int == 0)
      #expect(state?[2] as? Int == 0)
      #expect(state?[3] as? Bool == true, "the shown code lost its text")
      #expect(state?[4] as? Bool == true, "the tensor label lost its text")
      let claims = try await Self.claims(browser)
      #expect(claims.count == 1 && claims.first?[1] == "pass")
    }
  }
}
