import Foundation

/// A plain-words reason why reading `url` failed, instead of Foundation's "error 256".
public func fileReadFailureReason(_ url: URL, _ error: Error) -> String {
  let manager = FileManager.default
  var isDirectory: ObjCBool = false
  guard manager.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return "no such file" }
  if isDirectory.boolValue { return "it is a directory, not a file" }
  if !manager.isReadableFile(atPath: url.path) { return "permission denied" }
  return error.localizedDescription
}
