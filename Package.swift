// swift-tools-version: 6.0
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
    .library(name: "Pretraining", targets: ["Pretraining"]),
    .library(name: "LessonKit", targets: ["LessonKit"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
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

    // MARK: - Libraries

    .target(name: "AtomicFiles"),
    .target(
      name: "Pretraining",
      dependencies: ["AtomicFiles", .target(name: "CBLAS", condition: .when(platforms: [.linux]))],
      swiftSettings: numericSettings,
      linkerSettings: [.linkedFramework("Accelerate", .when(platforms: [.macOS]))]
    ),
    .target(
      name: "LessonKit",
      dependencies: ["AtomicFiles", "CCmark"]
    ),
    .target(
      name: "LessonBundles",
      dependencies: ["LessonKit", "Pretraining"],
      swiftSettings: numericSettings
    ),

    // MARK: - Executable

    .executableTarget(
      name: "lesson",
      dependencies: [
        "LessonKit", "LessonBundles", "Pretraining",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: vectorISA
    ),

    // MARK: - Tests

    .testTarget(
      name: "PretrainingTests",
      dependencies: ["Pretraining"],
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
      dependencies: ["LessonBundles", "LessonKit", "Pretraining"],
      resources: [.copy("Fixtures")]
    ),
    .testTarget(
      name: "EndToEndTests",
      dependencies: [],
      resources: [.copy("Fixtures")]
    ),
  ]
)
