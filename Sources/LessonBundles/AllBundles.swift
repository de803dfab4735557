import LessonKit
import Pretraining
