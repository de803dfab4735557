import LessonKit
import LessonWidgets
import Pretraining

// MARK: - Section 10, in the browser: the next-character widget

extension PretrainLesson {
  /// Reports the widget of the lesson's HTML page: the bigram and trigram of `lesson play` and
  /// the MiniGPT this lesson trained, exported from a checkpoint of it.
  @LessonBundleBuilder static var nextCharacterWidget: [BundleEntry] {
    Step("next-character-widget", reads: [trainedKey], parameters: [trainingSteps]) { context in
      let trained = try context.require(trainedKey)
      let steps = context[trainingSteps]
      let ngrams = try PlayModels.ngrams().compactMap { $0 as? NGramCharacterModel }.map(NextCharacterWidget.model)
      let minigpt = try NextCharacterWidget.model(
        trained.checkpoint, summary: "the MiniGPT this lesson trained (\(steps) steps), its forward pass in JavaScript")
      context.widget(try NextCharacterWidget.widget(models: ngrams + [minigpt]))
    }
  }
}
