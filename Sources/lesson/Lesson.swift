import ArgumentParser

@main
struct Lesson: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run Markdown lessons whose code runs and whose claims are checked.")
}
