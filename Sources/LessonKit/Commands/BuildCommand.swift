import AtomicFiles
import Foundation

// MARK: - lesson build --html

/// What `lesson build` builds and how.
public struct BuildOptions: Sendable {
  /// The directory the site is written to (created if missing).
  public var outputDirectory: String
  public var lessons: [String]
  /// Seed, `--set` overrides and cache, as for `run` and `check`.
  public var run: RunConfiguration
  /// Write the pages even when a claim or step failed (they show the failures); the exit code stays 1.
  public var allowFailures: Bool

  public init(
    outputDirectory: String, lessons: [String] = [], run: RunConfiguration = RunConfiguration(), allowFailures: Bool = false
  ) {
    self.outputDirectory = outputDirectory
    self.lessons = lessons
    self.run = run
    self.allowFailures = allowFailures
  }
}

/// `lesson build --html OUT`: runs each lesson as `lesson check` does and writes one page per
/// lesson plus an index, every claim marked with its verdict.
///
/// A failing claim, expectation or step makes the build exit 1 and, without `--allow-failures`,
/// write nothing: only verified lessons get published.
public enum BuildCommand {
  /// Builds the site; 0 when everything passed and was written, 1 on failures or a write error,
  /// 2 when a lesson cannot be loaded or bound.
  public static func run(_ env: CommandEnvironment, options: BuildOptions, registry makeRegistry: () throws -> Registry) -> Int32 {
    guard let (registry, paths) = env.prepare(lessons: options.lessons, registry: makeRegistry) else { return 2 }
    if let problem = outputProblem(options.outputDirectory) {
      env.error(problem)
      return 2
    }
    var pages: [(file: String, lesson: Lesson, results: LessonResults)] = []
    for path in paths {
      guard let lesson = env.usable(LoadedLesson.load(path, registry: registry)) else { return 2 }
      env.err("building \(LessonLocator.displayPath(path))\n")
      let progress = env.progressDisplay()
      let runner: LessonRunner
      do {
        runner = try options.run.makeRunner(lesson, registry: registry, env: env, progress: progress.show)
      } catch {
        env.error("\(LessonLocator.displayPath(lesson.file)): \(error)")
        return 2
      }
      let results = LessonResultsCollector.run(runner, progress: progress)
      var name = pageName(for: path)
      // Two lessons with one file name (in different directories) get distinct pages.
      while pages.contains(where: { $0.file == name }) || name == "index.html" {
        name = (name as NSString).deletingPathExtension + "-\(pages.count + 1).html"
      }
      pages.append((name, lesson, results))
    }
    var failed = false
    for page in pages {
      let failures = page.results.failures
      let claims = page.results.claims
      let passed = claims.filter { $0.verdict != .fail }.count
      env.out("\(LessonLocator.displayPath(page.lesson.file)): \(passed) of \(claims.count) claims verified"
        + (failures.isEmpty ? "\n" : ", \(failures.count) failure\(failures.count == 1 ? "" : "s")\n"))
      for failure in failures {
        failed = true
        env.out("  ✗ \(LessonLocator.displayPath(failure.file)):\(failure.line): \(failure.kind.rawValue) "
          + "'\(Sanitizer.clean(failure.id, singleLine: true))': \(Sanitizer.clean(failure.explanation, singleLine: true))\n")
      }
    }
    if failed && !options.allowFailures {
      env.error("not writing \(options.outputDirectory): a claim or step failed (fix it, or pass --allow-failures to "
        + "write the pages with the failures marked)")
      return 1
    }
    do {
      let directory = options.outputDirectory
      for page in pages {
        let path = (directory as NSString).appendingPathComponent(page.file)
        try AtomicFile.write(HTMLSite.lessonPage(page.lesson, results: page.results), to: path, createDirectory: true)
        env.out("wrote \(path)\n")
      }
      let index = (directory as NSString).appendingPathComponent("index.html")
      try AtomicFile.write(
        HTMLSite.index(pages.map { ($0.file, $0.lesson, $0.results) }), to: index, createDirectory: true)
      env.out("wrote \(index)\n")
    } catch {
      env.error(String(describing: error))
      return 1
    }
    return failed ? 1 : 0
  }

  /// `Lessons/00_pretrain.md` → `00_pretrain.html`.
  static func pageName(for path: String) -> String {
    let base = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    return (base.isEmpty ? "lesson" : base) + ".html"
  }

  /// Why the output directory cannot be used, or nil: an existing path must be a directory.
  static func outputProblem(_ directory: String) -> String? {
    guard !directory.isEmpty else { return "--html needs a directory to write the site into" }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), !isDirectory.boolValue {
      return "--html \(directory) exists and is not a directory; give a directory for the site"
    }
    return nil
  }
}

// MARK: - Pages

/// The site's pages: one per lesson and an index.
public enum HTMLSite {
  static func lessonPage(_ lesson: Lesson, results: LessonResults) -> String {
    var renderer = HTMLLessonRenderer(lesson: lesson, results: results)
    let body = renderer.body()
    let claims = results.claims
    let failing = claims.filter { $0.verdict == .fail }.count
    let otherFailures = results.failures.count - failing
    var banner = "<p class=\"verified\(failing + otherFailures > 0 ? " fail" : "")\" role=\"status\">"
    if failing + otherFailures == 0 {
      banner += "Every claim on this page was recomputed by running the code shown: "
        + "<span class=\"summary-pass\">\(claims.count) of \(claims.count) claims verified</span>."
    } else {
      banner += "\(failing) of \(claims.count) claims FAILED"
        + (otherFailures > 0 ? " and \(otherFailures) step result\(otherFailures == 1 ? "" : "s") failed" : "")
        + ": the failing figures are marked ✗ in red."
    }
    banner += " Hover or focus a marked figure to see its check.</p>\n"
    var toc = ""
    if !lesson.sections.isEmpty {
      toc = "<nav class=\"toc\" aria-label=\"Sections\"><ol>"
        + lesson.sections.map { "<li><a href=\"#\(HTMLText.slug($0.title))\">\(HTMLText.escaped($0.title))</a></li>" }.joined()
        + "</ol></nav>\n"
    }
    let header = "<p><a href=\"index.html\">All lessons</a></p>\n"
    // The banner and contents go after the title (the first H1), when the lesson starts with one.
    var main = body
    if main.hasPrefix("<h1"), let end = main.range(of: "</h1>\n") {
      main.insert(contentsOf: banner + toc, at: end.upperBound)
    } else {
      main = banner + toc + main
    }
    return HTMLPage.document(
      title: lesson.title, body: header + "<main>\n" + main + "</main>\n", scripts: renderer.scripts.map(\.code))
  }

  static func index(_ pages: [(file: String, lesson: Lesson, results: LessonResults)]) -> String {
    var body = "<main>\n<h1>Lessons</h1>\n<ul class=\"lessons\">\n"
    for page in pages {
      let claims = page.results.claims
      let failures = page.results.failures.count
      let summary = failures == 0
        ? "<span class=\"summary-pass\">\(claims.count) of \(claims.count) claims verified</span>"
        : "<span class=\"summary-fail\">\(failures) failure\(failures == 1 ? "" : "s")</span>"
      body += "<li><a href=\"\(HTMLText.attribute(page.file))\">\(HTMLText.escaped(page.lesson.title))</a> — \(summary)</li>\n"
    }
    body += "</ul>\n</main>\n"
    return HTMLPage.document(title: "Lessons", body: body)
  }
}

extension HTMLSite {
  /// A page holding one widget alone (e.g. `lesson play`'s explorer), in the lessons' page style.
  public static func widgetPage(_ widget: Widget, title: String, introduction: String) -> String {
    HTMLPage.document(
      title: title,
      body: "<main>\n<h1>\(HTMLText.escaped(title))</h1>\n<p>\(HTMLText.escaped(introduction))</p>\n"
        + HTMLReport.widget(widget) + "</main>\n",
      scripts: [widget.script])
  }
}
