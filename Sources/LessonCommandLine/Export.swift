import ArgumentParser
import ModelCommands
import LessonKit

extension LessonCommand {
  /// `lesson export`.
  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a checkpoint's weights under another project's names: --format nanogpt for nanoGPT's GPT.",
      discussion: "Exit status: 0 written, 1 unusable checkpoint or write error, 2 bad flags.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "The layout to write: \(ExportCommandOptions.formats.joined(separator: ", ")).")
    var format: String

    @Argument(help: "A checkpoint from `lesson train --out`.", completion: .file(extensions: ["safetensors"]))
    var checkpoint: String

    @Argument(help: "The safetensors file to write (atomically).", completion: .file(extensions: ["safetensors"]))
    var out: String

    func run() throws {
      let options = ExportCommandOptions(format: format, checkpoint: checkpoint, out: out)
      try finish(ExportCommand.run(global.environment(), options: options))
    }
  }
}
