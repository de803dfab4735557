#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's resident-set high-water mark.
public enum PeakMemory {
  /// Peak resident set size in bytes so far (getrusage `ru_maxrss`), or nil if unavailable.
  public static func residentBytes() -> Int? {
    var usage = rusage()
    #if canImport(Glibc)
    let who = __rusage_who_t(RUSAGE_SELF.rawValue)
    #else
    let who = RUSAGE_SELF
    #endif
    guard getrusage(who, &usage) == 0 else { return nil }
    #if canImport(Darwin)
    return Int(usage.ru_maxrss)          // bytes on Darwin
    #else
    return Int(usage.ru_maxrss) * 1024   // kilobytes on Linux
    #endif
  }
}
