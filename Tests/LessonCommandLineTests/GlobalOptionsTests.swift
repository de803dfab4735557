import LessonCommandLine
import Testing

@Suite struct GlobalOptionsTests {
  let names: Set<String> = ["list", "check", "train"]

  @Test func globalOptionsBeforeTheSubcommandMoveAfterIt() {
    #expect(GlobalOptions.movedAfterSubcommand(["--lessons-dir", "X", "list"], subcommands: names) == ["list", "--lessons-dir", "X"])
    #expect(GlobalOptions.movedAfterSubcommand(["--color=never", "--lessons-dir", "X", "check", "a"], subcommands: names)
      == ["check", "--color=never", "--lessons-dir", "X", "a"])
  }

  @Test func everythingElseIsLeftAlone() {
    for arguments in [["list", "--color", "never"], ["--color", "never", "pretrain"], ["--color"], ["--seed", "1", "list"], []] {
      #expect(GlobalOptions.movedAfterSubcommand(arguments, subcommands: names) == arguments)
    }
  }

  @Test func theCommandKnowsItsSubcommandsAndTheFlagsExist() {
    #expect(LessonCommand.subcommandNames.isSuperset(of: ["run", "check", "train", "play", "help"]))
    for flag in GlobalOptions.flags {
      #expect(GlobalOptions.helpMessage().contains(flag), "\(flag) is not an option of GlobalOptions")
    }
  }
}
