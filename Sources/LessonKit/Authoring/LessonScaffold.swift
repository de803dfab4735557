import AtomicFiles
import Foundation

// MARK: - Scaffolding a new lesson

/// Why `lesson new` cannot scaffold a lesson; each message says what to do instead.
public enum ScaffoldError: Error, Equatable, CustomStringConvertible {
  case invalidName(String)
  case lessonExists(String)
  case bundleExists(String)
  case noPackage(String)
  case unrecognizedBundleList(String)
  case unwritable(path: String, reason: String)

  public var description: String {
    switch self {
    case .invalidName(let name):
      return "'\(Sanitizer.clean(excerpt(name), singleLine: true))' cannot name a lesson: use lowercase letters, digits and '_' (starting with a letter), e.g. `lesson new tokenizers`"
    case .lessonExists(let path):
      return "a lesson with that name already exists: \(path); pick another name or edit that lesson"
    case .bundleExists(let path):
      return "\(path) already exists; pick another name, or delete it if it is left over from an earlier `lesson new`"
    case .noPackage(let directory):
      return "no Package.swift above \(directory): `lesson new` adds Swift files to the package the lessons belong to, so run it inside the package"
    case .unrecognizedBundleList(let path):
      return "cannot find the `[LessonBundle]` list in \(path); add the new bundle to it by hand"
    case .unwritable(let path, let reason):
      return "cannot write \(path): \(reason)"
    }
  }
}

/// The files `lesson new NAME` creates: a lesson with one step and one claim, and the Swift
/// bundle that registers both, ready for `swift build`, `lesson check` and `lesson lint`.
public struct LessonScaffold: Sendable, Equatable {
  /// The short name, e.g. `tokenizers`.
  public let name: String
  /// The lesson's number, one past the highest in the lessons directory.
  public let number: Int
  /// The Swift type that holds the bundle, e.g. `TokenizersLesson`.
  public let typeName: String
  /// The step's id (also its source region's id).
  public let stepID: String
  /// The claim's check id.
  public let checkID: String
  /// `Lessons/NN_name.md`'s text.
  public let markdown: String
  /// The bundle's Swift source.
  public let swift: String

  /// `NN_name.md`.
  public var lessonFileName: String { String(format: "%02d_%@.md", number, name) }
  /// The bundle's folder under `Sources/LessonBundles`, e.g. `Tokenizers`.
  public var bundleFolder: String { String(typeName.dropLast("Lesson".count)) }
  /// The line `AllBundles.list` gains.
  public var bundleListLine: String { "    \(typeName).bundle," }

  // MARK: - Generating

  /// Whether `name` can name a lesson: lowercase ASCII letters, digits and `_`, starting with a letter.
  public static func isValidName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), name.count <= 64 else { return false }
    return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
  }

  /// The scaffold for lesson `name` numbered `number`.
  ///
  /// `isPublic` makes the bundle public, for a bundle in its own module (an author package).
  public init(name: String, number: Int, isPublic: Bool = false) throws {
    guard Self.isValidName(name) else { throw ScaffoldError.invalidName(name) }
    self.name = name
    self.number = number
    let words = name.split(separator: "_").map(String.init)
    typeName = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined() + "Lesson"
    let idStem = words.joined(separator: "-")
    stepID = "\(idStem)-first-step"
    checkID = "\(idStem)-total"
    let title = (words.first.map { $0.prefix(1).uppercased() + $0.dropFirst() } ?? name)
      + (words.count > 1 ? " " + words.dropFirst().joined(separator: " ") : "")
    markdown = Self.markdown(title: title, stepID: stepID, checkID: checkID)
    swift = Self.swift(
      name: name, typeName: typeName, lessonFile: String(format: "%02d_%@.md", number, name),
      stepID: stepID, checkID: checkID, access: isPublic ? "public " : "")
  }

  /// The shown code of the scaffold's step, also the body of its source region.
  static let stepCode = """
    let numbers = Array(1...count)
    let total = numbers.reduce(0, +)
    """

  private static func markdown(title: String, stepID: String, checkID: String) -> String {
    """
    # \(title)

    One paragraph on what this lesson teaches. Everything here is plain CommonMark;
    two constructs make it executable (see `docs/authoring.md`).

    ## A first step

    A fenced `swift step=<id>` block shows real code from `Sources/` and runs the
    step registered under that id:

    ```swift step=\(stepID)
    \(stepCode)
    ```

    A link to `check:<id>` is a claim, recomputed on every run: the first
    [4](check:count) numbers add up to [10](check:\(checkID)). The first figure restates a
    setting (`lesson params` lists it; `--set count=5` changes it), the second is measured.

    """
  }

  private static func swift(
    name: String, typeName: String, lessonFile: String, stepID: String, checkID: String, access: String
  ) -> String {
    let indentedCode = stepCode.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n")
    return """
      import LessonKit

      // MARK: - The \(name) lesson's bundle

      /// Steps of `Lessons/\(lessonFile)`.
      ///
      /// A step runs code, reports through its context and records measurements by name; a
      /// claim `[10](check:NAME)` binds to the measurement NAME. A step declares its settings
      /// (`parameters:`) and the names it measures, so `lesson lint` binds without running it.
      \(access)enum \(typeName) {
        /// How many numbers the step adds up; `--set count=5` changes it.
        static let count = Parameter.integer("count", default: 4, in: 1...1_000, "how many numbers the step adds up")

        \(access)static let bundle = LessonBundle(name: "\(name)") {
          Step("\(stepID)", parameters: [count], measures: ["\(checkID)"]) { context in
            let count = context[count]
            // lesson:begin \(stepID)
      \(indentedCode)
            // lesson:end
            context.scalar("total", Double(total))
            context.measure("\(checkID)", total)
          }
        }
      }

      """
  }

  // MARK: - Numbering

  /// One past the highest `NN` of the `NN_<name>.md` files in `directory` (0 when there are none).
  public static func nextNumber(in directory: String) -> Int {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    let numbers = names.compactMap { name -> Int? in
      guard LessonLocator.shortName(ofFile: name) != nil, let underscore = name.firstIndex(of: "_") else { return nil }
      return Int(name[..<underscore])
    }
    return (numbers.max() ?? -1) + 1
  }

  // MARK: - Registering the bundle

  /// `allBundles` (the text of `AllBundles.swift`) with `line` added as the list's last entry.
  ///
  /// The list is the first `[LessonBundle] = [` … `]`; an entry already present is not added twice.
  public static func addingBundleLine(_ line: String, to allBundles: String, path: String) throws -> String {
    var lines = allBundles.components(separatedBy: "\n")
    guard let open = lines.firstIndex(where: { $0.contains("[LessonBundle]") && $0.hasSuffix("[") }),
      let close = lines[(open + 1)...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "]" })
    else { throw ScaffoldError.unrecognizedBundleList(path) }
    let entry = line.trimmingCharacters(in: .whitespaces)
    if lines[(open + 1)..<close].contains(where: { $0.trimmingCharacters(in: .whitespaces) == entry }) { return allBundles }
    lines.insert(line, at: close)
    return lines.joined(separator: "\n")
  }

  // MARK: - Writing

  /// Paths `write(lessonsDirectory:packageRoot:)` creates or changes.
  public struct WrittenFiles: Sendable, Equatable {
    public let lesson: String
    public let bundle: String
    public let bundleList: String
  }

  /// Creates the lesson and the bundle file and registers the bundle; refuses to overwrite anything.
  public func write(lessonsDirectory: String, packageRoot: String) throws -> WrittenFiles {
    let fm = FileManager.default
    let lessonPath = (lessonsDirectory as NSString).appendingPathComponent(lessonFileName)
    let existing = ((try? fm.contentsOfDirectory(atPath: lessonsDirectory)) ?? [])
      .filter { LessonLocator.shortName(ofFile: $0) == name }
    if let clash = existing.first { throw ScaffoldError.lessonExists((lessonsDirectory as NSString).appendingPathComponent(clash)) }
    let bundlesDirectory = packageRoot + "/Sources/LessonBundles"
    let folder = bundlesDirectory + "/" + bundleFolder
    let swiftPath = folder + "/" + typeName + ".swift"
    if fm.fileExists(atPath: folder) { throw ScaffoldError.bundleExists(folder) }
    let listPath = bundlesDirectory + "/AllBundles.swift"
    guard let list = try? String(contentsOfFile: listPath, encoding: .utf8) else {
      throw ScaffoldError.unrecognizedBundleList(listPath)
    }
    let updatedList = try Self.addingBundleLine(bundleListLine, to: list, path: listPath)
    do {
      try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
      try swift.write(toFile: swiftPath, atomically: true, encoding: .utf8)
      try markdown.write(toFile: lessonPath, atomically: true, encoding: .utf8)
      try updatedList.write(toFile: listPath, atomically: true, encoding: .utf8)
    } catch {
      throw ScaffoldError.unwritable(path: folder, reason: (error as NSError).localizedDescription)
    }
    return WrittenFiles(lesson: lessonPath, bundle: swiftPath, bundleList: listPath)
  }
}
