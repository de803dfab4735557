import BuiltInCourse
import LessonBundles
import LessonCommandLine

// `lesson`: the command line with the built-in course.
LessonCommand.main(bundles: AllBundles.list, lessons: BuiltInCourse.lessons)
