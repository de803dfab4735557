import LessonKit

/// The built-in course's lessons, compiled in from this folder (see the `BuiltInCourse` target in
/// Package.swift). A lesson added here needs an `embedInCode` line there and an entry below;
/// `BuiltInCourseTests` fails until both exist.
public enum BuiltInCourse {
  public static let lessons: [BuiltInLesson] = [
    BuiltInLesson(fileName: "00_pretrain.md", bytes: PackageResources._0_pretrain_md),
    BuiltInLesson(fileName: "01_sft.md", bytes: PackageResources._1_sft_md),
    BuiltInLesson(fileName: "02_dpo.md", bytes: PackageResources._2_dpo_md),
  ]
}
