/// This package's version and where it is published.
///
/// Releases are git tags of the bare version (`0.2.0`, as SwiftPM resolves `from:`), each with a
/// CHANGELOG.md entry. `lesson new --package` writes a dependency on this URL from this version.
public enum LessonKitVersion {
  public static let string = "0.2.0"
  public static let packageURL = "https://github.com/lesson-course/lesson.git"
}
