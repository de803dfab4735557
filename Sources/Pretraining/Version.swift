public enum PretrainingVersion { public static let string = "0.1.0" }
