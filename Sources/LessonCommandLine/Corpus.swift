import ArgumentParser
import LessonKit
import ModelCommands

extension LessonCommand {
  /// `lesson corpus`.
  struct Corpus: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the embedded training corpus, so other tools (e.g. the PyTorch reference) read the same text.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
      try finish(CorpusCommand.run(global.environment()))
    }
  }
}
