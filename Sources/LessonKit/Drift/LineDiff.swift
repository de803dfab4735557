// MARK: - Line diff

/// A line diff for drift messages, from the standard library's `CollectionDifference` (Myers).
public enum LineDiff {
  /// Lines prefixed `- ` (only in `old`), `+ ` (only in `new`) or `  ` (both), removals first
  /// where both change.
  public static func diff(old: String, new: String) -> [String] {
    let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var removed = Set<Int>()
    var inserted = Set<Int>()
    for change in b.difference(from: a) {
      switch change {
      case .remove(let offset, _, _): removed.insert(offset)
      case .insert(let offset, _, _): inserted.insert(offset)
      }
    }
    var out: [String] = []
    var i = 0
    var j = 0
    while i < a.count || j < b.count {
      if i < a.count, removed.contains(i) {
        out.append("- " + a[i]); i += 1
      } else if j < b.count, inserted.contains(j) {
        out.append("+ " + b[j]); j += 1
      } else {
        out.append("  " + a[i]); i += 1; j += 1
      }
    }
    return out
  }
}
