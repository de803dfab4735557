import LessonCommandLine

// `lesson-testbed`: the same command line serving only the engine's self-test bundle. The
// end-to-end tests drive it (next to the `lesson` binary) on their fixture lessons, and it is
// the smallest proof that an author's own executable works.
LessonCommand.main(bundles: [EngineSelfTest.bundle])
