import DPOLesson
import LessonKit
import Pretraining

/// Every lesson bundle the `lesson` executable knows; one line per bundle.
public enum AllBundles {
  public static let list: [LessonBundle] = [
    PretrainLesson.bundle,
    SFTLesson.bundle,
    DPOLesson.bundle,
    SoftmaxExample.bundle,
  ]
}
