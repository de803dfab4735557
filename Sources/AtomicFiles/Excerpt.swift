// MARK: - Short excerpts of untrusted text

/// `text` cut to `limit` characters with a trailing `…` (and the full length), so a message
/// that echoes a lesson's, a checkpoint's or a flag's text stays short whatever that text holds.
///
/// It lives in AtomicFiles because that is the one module every other depends on (the lesson
/// engine's messages and the checkpoint reader's both use it); one excerpt rule for every message.
public func excerpt(_ text: String, limit: Int = 60) -> String {
  var count = 0
  var end = text.startIndex
  while end < text.endIndex, count < limit {
    text.formIndex(after: &end)
    count += 1
  }
  guard end < text.endIndex else { return text }
  return String(text[..<end]) + "… (\(text.utf8.count) bytes)"
}
