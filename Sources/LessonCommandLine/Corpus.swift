import ArgumentParser
import ModelCommands
import LessonKit

extension LessonCommand {
  /// `lesson corpus`.
  struct Corpus: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the embedded training corpus, so other tools (e.g. the PyTorch reference) read the same text.")

    func run() throws {
      try finish(CorpusCommand.run(.standard(color: .never, lessonsDirectory: nil)))
    }
  }
}
