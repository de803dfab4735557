import CPUFeatures
import Foundation
import LessonKit

/// The one-line refusal on a CPU the numeric library cannot run on.
///
/// On x86-64 the numeric code is compiled for AVX2 and FMA (Package.swift's `vectorISA`): without
/// them its kernels would be tens of times slower, and the first such instruction would kill the
/// process with SIGILL and no word of why. So `LessonCommand.main` asks first.
public enum CPUCheck {
  /// The message for a CPU without AVX2 and FMA; nil when it has them.
  public static func refusal(hasAVX2AndFMA: Bool) -> String? {
    guard !hasAVX2AndFMA else { return nil }
    return "error: this CPU lacks AVX2 and FMA, which this build of lesson is compiled for (x86-64-v3: "
      + "Intel Haswell, AMD Excavator or later); build from source with `vectorISA` emptied in Package.swift"
  }

  /// Exits with status 2 and the refusal when this CPU lacks the vector ISA.
  static func requireVectorISA() {
    guard let refusal = refusal(hasAVX2AndFMA: lesson_cpu_has_avx2_and_fma() != 0) else { return }
    StandardStreams.err(refusal + "\n")
    exit(2)
  }
}
