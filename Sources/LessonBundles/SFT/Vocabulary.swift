import Foundation
import LessonKit
import Pretraining

// MARK: - Section 1: a vocabulary for questions

extension SFTLesson {
  /// Characters the questions need that the corpus lacks.
  static let digitsAndPlus = "0123456789+"

  @LessonBundleBuilder static var vocabulary: [BundleEntry] {
    Step("sft-vocabulary") { context in
      // lesson:begin sft-vocabulary
      let tokenizer = try ChatTemplate.extendedTokenizer(Corpus.shakespeare + digitsAndPlus)
      let corpus = try CharDataset(text: Corpus.shakespeare, tokenizer: tokenizer)   // the same text as lesson 00
      // lesson:end
      context[corpusKey] = corpus
      let corpusOnly = try CharTokenizer(text: Corpus.shakespeare)
      let added = tokenizer.scalars.filter { corpusOnly.id(of: $0) == nil }
      context.text(
        "Vocabulary: \(corpusOnly.vocabularySize) corpus characters + \(added.count) new ones "
          + "(\(added.map { String($0) }.joined(separator: " "))) = \(tokenizer.vocabularySize) tokens.")
    }

    Check("sft-corpus-vocabulary") { _ in
      .number(Double(try CharTokenizer(text: Corpus.shakespeare).vocabularySize))
    }
    Check("sft-new-characters", after: ["sft-vocabulary"]) { context in
      let tokenizer = try context.require(corpusKey).tokenizer
      let corpusOnly = try CharTokenizer(text: Corpus.shakespeare)
      return .number(Double(tokenizer.scalars.filter { corpusOnly.id(of: $0) == nil }.count))
    }
    Check("sft-vocabulary-size", after: ["sft-vocabulary"]) { context in
      .number(Double(try context.require(corpusKey).tokenizer.vocabularySize))
    }
    Check("sft-new-characters-absent-from-corpus", after: ["sft-vocabulary"]) { context in
      let corpus = try context.require(corpusKey)
      let tokens = Set(corpus.tokens(.train)).union(corpus.tokens(.val))
      let added = try (digitsAndPlus + "<>#").unicodeScalars.map { scalar -> TokenID in
        guard let id = corpus.tokenizer.id(of: scalar) else {
          throw LessonBundleError.missing("\(scalar) is not in the extended vocabulary")
        }
        return id
      }
      let seen = added.filter(tokens.contains)
      return .boolean(seen.isEmpty, detail: "\(added.count) added characters, \(seen.count) of them in the corpus")
    }
  }
}
