import AtomicFiles
import Foundation

// MARK: - lesson sync

/// `lesson sync`: rewrites each step's code block from its source region.
public enum SyncCommand {
  /// Syncs the lessons; with `checkOnly`, writes nothing and returns 1 when a block would change.
  public static func run(_ env: CommandEnvironment, lessons arguments: [String], checkOnly: Bool) -> Int32 {
    let paths: [String]
    do {
      paths = try env.locator.resolveAll(arguments)
    } catch {
      env.error(String(describing: error))
      return 2
    }
    var changed = 0
    for path in paths {
      let lesson: Lesson
      do {
        lesson = try Lesson.load(path: path)
      } catch {
        env.error(String(describing: error))
        return 2
      }
      let shown = LessonLocator.displayPath(path)
      guard let regions = DriftChecker.regions(forLessonAt: path) else {
        env.error("\(shown): no Package.swift above the lesson; cannot find source regions")
        return 2
      }
      for drift in DriftChecker.check(lesson, regions: regions) where drift.state == .missingRegion {
        env.err("\(shown):\(drift.step.line): warning: step '\(Sanitizer.clean(drift.step.id))' has no source region; left as is\n")
      }
      let (text, changes) = LessonSync.synced(lesson, regions: regions)
      if changes.isEmpty {
        env.out("\(shown): in sync\n")
        continue
      }
      changed += changes.count
      for change in changes {
        let verb = checkOnly ? "would update" : "updated"
        env.out("\(shown):\(change.step.line): \(verb) step '\(Sanitizer.clean(change.step.id))'\n")
        for line in change.diff where !line.hasPrefix("  ") {
          let color: TerminalStyle.Attribute = line.hasPrefix("+") ? .green : .red
          env.out("    " + env.outStyle.apply(color, Sanitizer.clean(line, singleLine: true)) + "\n")
        }
      }
      if !checkOnly {
        do {
          // The one atomic writer: keeps the mode, refuses hard-linked, read-only and special
          // files; the BOM and CRLF line endings `Lesson.decode` dropped are put back.
          let original = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
          try AtomicFile.write(Lesson.encode(text, like: original), to: path)
        } catch {
          env.error("\(shown): cannot write: \(Sanitizer.clean(String(describing: error)))")
          return 2
        }
      }
    }
    if checkOnly && changed > 0 {
      env.err("\(changed) step block\(changed == 1 ? "" : "s") out of sync; run `lesson sync` to update\n")
      return 1
    }
    return 0
  }
}
