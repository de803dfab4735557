import Foundation
import Pretraining
import Testing

@Suite struct CorpusTests {
  @Test func holdsTheCompleteSoliloquy() {
    let text = Corpus.shakespeare
    #expect(text.contains("HAMLET, Act III, Scene I."))
    #expect(text.contains("To be, or not to be, that is the question:\nWhether 'tis nobler in the mind to suffer\n"))
    #expect(text.contains("When we have shuffled off this mortal coil,\nMust give us pause"))
    #expect(text.contains("And lose the name of action. Soft you now!\nThe fair Ophelia! Nymph, in thy orisons\nBe all my sins remember'd.\n"))
  }

  @Test(arguments: [
    "To-morrow, and to-morrow, and to-morrow,",
    "Friends, Romans, countrymen, lend me your ears;",
    "All the world's a stage,",
    "The quality of mercy is not strain'd,",
    "Shall I compare thee to a summer's day?",
    "When, in disgrace with fortune and men's eyes,",
    "That time of year thou mayst in me behold",
    "Let me not to the marriage of true minds",
    "My mistress' eyes are nothing like the sun;",
    "Now is the winter of our discontent",
    "We few, we happy few, we band of brothers;",
    "Once more unto the breach, dear friends, once more;",
    "Our revels now are ended.",
    "But, soft! what light through yonder window breaks?",
    "This above all: to thine own self be true,",
    "Blow, winds, and crack your cheeks!",
  ])
  func containsTheWellKnownPassages(line: String) {
    #expect(Corpus.shakespeare.contains(line))
  }

  @Test func isPlainASCIIVerseOfTheAdvertisedSize() throws {
    let text = Corpus.shakespeare
    let count = text.unicodeScalars.count
    #expect((25_000...35_000).contains(count))
    #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
    #expect(!text.unicodeScalars.contains("\r") && !text.unicodeScalars.contains("\t"))
    #expect(!text.unicodeScalars.contains("\u{2019}") && !text.unicodeScalars.contains("\""))
    #expect(text.hasSuffix("\n") && !text.hasPrefix("\n"))
    let vocabulary = try CharTokenizer(text: text).vocabularySize
    #expect((55...70).contains(vocabulary))
    // Every line is verse-length; nothing was pasted as one long paragraph.
    #expect(text.split(separator: "\n").allSatisfy { $0.count <= 80 })
  }

  @Test func passagesHaveTitlesAndTheDescriptionCountsThem() {
    let titles = Corpus.shakespeareTitles
    #expect(titles.count >= 30)
    #expect(titles.first == "HAMLET, Act III, Scene I. Hamlet alone.")
    #expect(titles.contains("SONNET CXVI"))
    #expect(titles.allSatisfy { $0.first?.isUppercase == true })
    #expect(Corpus.shakespeareDescription
      == "\(Corpus.shakespeare.unicodeScalars.count) characters of Shakespeare in \(titles.count) passages")
  }
}
