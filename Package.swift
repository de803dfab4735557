// swift-tools-version: 6.2
// 6.2 is the first tools version whose packages may be depended on by version while their targets
// carry unsafe flags (the CPU tuning below): another package can use `from: "0.2.0"`.
import PackageDescription

// MARK: - Build settings

/// Release builds target a CPU with AVX2 and FMA: without them the Float kernels
/// fall back to scalar code and run tens of times slower.
let vectorISA: [SwiftSetting] = {
  #if arch(x86_64)
  return [.unsafeFlags(["-target-cpu", "haswell"], .when(platforms: [.linux, .macOS]))]
  #else
  return []
  #endif
}()

let numericSettings: [SwiftSetting] = vectorISA + [
  .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
  // Float.squareRoot() reaches libm's sqrtf through a C shim; with errno semantics on (glibc's
  // default) LLVM keeps a scalar call per value, which stops AdamW's loop from vectorizing.
  .unsafeFlags(["-Xcc", "-fno-math-errno"]),
  .unsafeFlags(["-Xcc", "-DACCELERATE_NEW_LAPACK"], .when(platforms: [.macOS])),
]

let package = Package(
  name: "lesson",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "lesson", targets: ["lesson"]),
    .library(name: "Safetensors", targets: ["Safetensors"]),
    .library(name: "Pretraining", targets: ["Pretraining"]),
    .library(name: "LessonKit", targets: ["LessonKit"]),
    .library(name: "LessonWidgets", targets: ["LessonWidgets"]),
    .library(name: "LessonBundles", targets: ["LessonBundles"]),
    .library(name: "LessonCommandLine", targets: ["LessonCommandLine"]),
    .library(name: "BuiltInCourse", targets: ["BuiltInCourse"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
  ],
  targets: [
    // MARK: - C system libraries

    .systemLibrary(
      name: "CCmark",
      pkgConfig: "libcmark",
      providers: [.apt(["libcmark-dev"]), .brew(["cmark"])]
    ),
    .systemLibrary(
      name: "CBLAS",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]
    ),

    // Whether this CPU runs the vector code the numeric library is compiled to; plain C, built for
    // any x86-64, so the question can be asked before any AVX2 instruction runs.
    .target(name: "CPUFeatures"),

    // MARK: - Libraries, from the bottom of the dependency graph up

    // Files written whole or not at all, and read failures said in plain words.
    .target(name: "AtomicFiles"),
    // The safetensors file format (named F32 tensors, string metadata, a strict JSON header), usable on its own.
    .target(name: "Safetensors", dependencies: ["AtomicFiles"]),
    // The numeric library: tensors, layers, the MiniGPT model, AdamW, training, data, sampling, n-grams.
    .target(
      name: "Pretraining",
      dependencies: [
        "AtomicFiles", "CPUFeatures", "Safetensors", .target(name: "CBLAS", condition: .when(platforms: [.linux])),
      ],
      swiftSettings: numericSettings,
      linkerSettings: [.linkedFramework("Accelerate", .when(platforms: [.macOS]))]
    ),
    // The lesson engine: parse, bind, run, render, cache; it knows nothing about language models.
    .target(
      name: "LessonKit",
      dependencies: ["AtomicFiles", "CCmark"]
    ),
    // Terminal views of language models: the `play` explorer and the live training progress line.
    // (Each command's options are declared once, as ParsableArguments, beside the code that uses them.)
    .target(
      name: "LessonWidgets",
      dependencies: ["LessonKit", "Pretraining", .product(name: "ArgumentParser", package: "swift-argument-parser")]
    ),
    // The numeric commands (train, sample, bench, corpus) as library code the command line calls.
    .target(
      name: "ModelCommands",
      dependencies: [
        "LessonKit", "LessonWidgets", "Pretraining", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // Lesson 02 (preference optimization, DPO), laid out as an author's package holds a lesson:
    // its bundle only, on the public API of LessonKit, LessonWidgets and Pretraining.
    .target(name: "DPOLesson", dependencies: ["LessonKit", "LessonWidgets", "Pretraining"]),
    // The course: the lessons' steps and checks.
    .target(
      name: "LessonBundles",
      dependencies: ["DPOLesson", "LessonKit", "LessonWidgets", "Pretraining", "Safetensors"],
      swiftSettings: numericSettings
    ),
    // The whole `lesson` command line (every subcommand, its options and exit statuses) for any set of bundles.
    .target(
      name: "LessonCommandLine",
      dependencies: [
        "AtomicFiles", "CPUFeatures", "LessonKit", "LessonWidgets", "ModelCommands", "Pretraining",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // The built-in course's lesson files, compiled into the executable so an installed `lesson`
    // serves them anywhere. The target's folder is Lessons/ itself: one copy of each lesson, no
    // generated file to forget (a test checks every lesson there is embedded, byte for byte).
    .target(
      name: "BuiltInCourse",
      dependencies: ["LessonKit"],
      path: "Lessons",
      exclude: ["examples"],
      sources: ["BuiltInCourse.swift"],
      resources: [.embedInCode("00_pretrain.md"), .embedInCode("01_sft.md"), .embedInCode("02_dpo.md")]
    ),

    // MARK: - Executables

    // `lesson`: the command line with the built-in course.
    .executableTarget(
      name: "lesson",
      dependencies: ["LessonCommandLine", "LessonBundles", "BuiltInCourse"]
      // No vector ISA here: main.swift runs before the CPU check, so it must run on any x86-64.
    ),
    // `lesson-testbed`: the command line with only the engine's self-test bundle, for the end-to-end tests.
    .executableTarget(
      name: "lesson-testbed",
      dependencies: ["LessonCommandLine", "LessonKit"]
    ),

    // MARK: - Tests

    // Scratch directories and Python processes shared by the numeric test targets.
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    .testTarget(
      name: "SafetensorsTests",
      dependencies: ["Safetensors", "TestSupport"],
      resources: [.copy("Fixtures")]
    ),
    .testTarget(
      name: "PretrainingTests",
      dependencies: ["Pretraining", "Safetensors", "TestSupport"],
      resources: [.copy("Fixtures")],
      swiftSettings: numericSettings
    ),
    .testTarget(
      name: "LessonKitTests",
      dependencies: ["LessonKit"],
      resources: [.copy("Fixtures")]
    ),
    // Built pages driven in headless Chromium (WebDriver); Swift computes the reference values.
    .testTarget(
      name: "BrowserTests",
      dependencies: ["LessonBundles", "LessonKit", "LessonWidgets", "Pretraining"],
      resources: [.copy("Fixtures")]
    ),
    .testTarget(
      name: "LessonBundlesTests",
      dependencies: ["LessonBundles", "LessonKit", "Pretraining"]
    ),
    .testTarget(
      name: "LessonWidgetsTests",
      dependencies: ["LessonWidgets", "LessonKit", "Pretraining"]
    ),
    .testTarget(
      name: "ModelCommandsTests",
      dependencies: ["ModelCommands", "Pretraining"]
    ),
    .testTarget(
      name: "LessonCommandLineTests",
      dependencies: ["LessonCommandLine", "LessonKit", "BuiltInCourse"]
    ),
    .testTarget(
      name: "EndToEndTests",
      dependencies: [],
      resources: [.copy("Fixtures")]
    ),
  ]
)
