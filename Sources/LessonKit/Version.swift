public enum LessonKitVersion { public static let string = "0.1.0" }
