import CPUFeatures
import Foundation
import LessonKit
import Pretraining

#if canImport(Glibc)
  import Glibc
#endif

/// What `LessonCommand.main` settles about the CPU before anything else runs.
public enum CPUCheck {
  /// The message for a CPU without AVX2 and FMA; nil when it has them.
  public static func refusal(hasAVX2AndFMA: Bool) -> String? {
    guard !hasAVX2AndFMA else { return nil }
    return "error: this CPU lacks AVX2 and FMA, which this build of lesson is compiled for (x86-64-v3: "
      + "Intel Haswell, AMD Excavator or later); build from source with `vectorISA` emptied in Package.swift"
  }

  /// Exits with status 2 and the refusal when this CPU lacks the vector ISA.
  ///
  /// On x86-64 the numeric code is compiled for AVX2 and FMA (Package.swift's `vectorISA`): without
  /// them its kernels would be tens of times slower, and the first such instruction would kill the
  /// process with SIGILL and no word of why. So this runs first.
  static func requireVectorISA() {
    guard let refusal = refusal(hasAVX2AndFMA: lesson_cpu_has_avx2_and_fma() != 0) else { return }
    StandardStreams.err(refusal + "\n")
    exit(2)
  }

  /// The matrix library and the kernels it loaded, which the result cache keys its entries by.
  static var numericEnvironment: String {
    let blas = BLAS.implementation
    return [blas.library, blas.configuration, blas.core.isEmpty ? "" : blas.core + " kernels"].filter { !$0.isEmpty }.joined(separator: " ")
  }

  /// Restarts this process with `OPENBLAS_CORETYPE` set when OpenBLAS fell back to kernels far
  /// below what this CPU runs.
  ///
  /// OpenBLAS reads the variable once, while it loads, before any of our code runs; so the only
  /// way to change its choice is to start again with it set. It must happen here, before any
  /// thread or file is opened. If exec fails, the run goes on with OpenBLAS's own choice. A
  /// user's own `OPENBLAS_CORETYPE` always stands, and the marker variable stops a second restart.
  static func chooseBLASKernels() {
    #if os(Linux)
      guard getenv(BLAS.detectedKernelsVariable) == nil, let better = BLAS.betterKernelsForThisCPU else { return }
      setenv("OPENBLAS_CORETYPE", better, 1)
      setenv(BLAS.detectedKernelsVariable, BLAS.implementation.core, 1)
      execv("/proc/self/exe", CommandLine.unsafeArgv)
      unsetenv("OPENBLAS_CORETYPE")
      unsetenv(BLAS.detectedKernelsVariable)
    #endif
  }
}
