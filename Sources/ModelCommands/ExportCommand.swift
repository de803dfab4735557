import Foundation
import LessonKit
import Pretraining

// MARK: - lesson export

/// What `lesson export` converts and where it writes.
public struct ExportCommandOptions: Sendable, Equatable {
  /// The target layout; only "nanogpt" exists.
  public var format: String
  /// A checkpoint from `lesson train --out`.
  public var checkpoint: String
  /// The file to write.
  public var out: String

  public init(format: String, checkpoint: String, out: String) {
    self.format = format
    self.checkpoint = checkpoint
    self.out = out
  }

  /// The layouts `--format` takes.
  public static let formats = ["nanogpt"]
}

/// `lesson export --format nanogpt CKPT OUT`: the checkpoint under nanoGPT's `state_dict` names.
public enum ExportCommand {
  /// Returns 0, 1 (unusable checkpoint or write error) or 2 (bad flags).
  public static func run(_ env: CommandEnvironment, options: ExportCommandOptions) -> Int32 {
    let outURL: URL
    do {
      guard ExportCommandOptions.formats.contains(options.format) else {
        throw ToolInputError("--format must be \(ExportCommandOptions.formats.joined(separator: " or ")) (got '\(options.format)')")
      }
      outURL = try TrainingCommand.checkOutputPath(options.out, flag: "OUT", example: "nanogpt.safetensors")
      guard outURL.standardizedFileURL != URL(fileURLWithPath: options.checkpoint).standardizedFileURL else {
        throw ToolInputError("OUT is the checkpoint itself; write the export to another file")
      }
    } catch {
      env.error(String(describing: error))
      return ToolExit.badInput
    }
    do {
      let checkpoint = try ModelCheckpoint.read(from: URL(fileURLWithPath: options.checkpoint))
      let file = try NanoGPTExport.safetensors(checkpoint)
      try file.write(to: outURL)
      env.note("wrote \(file.names.count) tensors under nanoGPT's names (step \(checkpoint.step)) to \(outURL.path); "
        + "Tools/interop/to_nanogpt.py turns it into nanoGPT's ckpt.pt")
      return ToolExit.success
    } catch {
      env.error("\(options.checkpoint): \(error)")
      return ToolExit.failure
    }
  }
}
