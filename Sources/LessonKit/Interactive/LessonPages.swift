// MARK: - Sections as pages

/// A lesson cut into the sections a learner steps through, each with the index of its first
/// step and claim so it can be rendered on its own.
///
/// Each top-level H2 opens a page; what comes before the first H2 (the title and introduction)
/// joins the first page, so there are as many pages as sections (at least one).
public struct LessonPages: Sendable {
  public struct Page: Sendable {
    public let title: String
    public let blocks: [MarkdownBlock]
    public let firstStep: Int
    public let stepCount: Int
    public let firstClaim: Int
    public let claimCount: Int

    /// The step indices on this page.
    public var steps: Range<Int> { firstStep..<(firstStep + stepCount) }
    /// The claim indices on this page.
    public var claims: Range<Int> { firstClaim..<(firstClaim + claimCount) }
  }

  public let pages: [Page]

  public init(_ lesson: Lesson) {
    var groups: [[MarkdownBlock]] = [[]]
    var titles: [String] = [lesson.title]
    var sawSection = false
    for block in lesson.blocks {
      if case let .heading(2, content, _) = block {
        if sawSection {
          groups.append([])
          titles.append(content.plainText)
        } else {
          titles[0] = content.plainText
        }
        sawSection = true
      }
      groups[groups.count - 1].append(block)
    }
    var pages: [Page] = []
    var steps = 0
    var claims = 0
    for (blocks, title) in zip(groups, titles) {
      let (stepCount, claimCount) = Self.count(blocks)
      pages.append(Page(
        title: title, blocks: blocks, firstStep: steps, stepCount: stepCount, firstClaim: claims, claimCount: claimCount))
      steps += stepCount
      claims += claimCount
    }
    self.pages = pages
  }

  public var count: Int { pages.count }

  /// The page holding step `index`.
  public func page(ofStep index: Int) -> Int? {
    pages.firstIndex { $0.steps.contains(index) }
  }

  // MARK: - Counting, in the renderer's order

  private static func count(_ blocks: [MarkdownBlock]) -> (steps: Int, claims: Int) {
    var steps = 0
    var claims = 0
    func visit(_ inlines: [MarkdownInline]) {
      for inline in inlines {
        switch inline {
        case let .link(destination, _, children, _):
          if destination.hasPrefix("check:") { claims += 1 }
          visit(children)
        case .emphasis(let children), .strong(let children):
          visit(children)
        default:
          break
        }
      }
    }
    func visit(_ blocks: [MarkdownBlock]) {
      for block in blocks {
        switch block {
        case .heading(_, let content, _), .paragraph(let content, _):
          visit(content)
        case .codeBlock(let node):
          if StepInfo.parse(node.info).map({ !$0.id.isEmpty }) == true { steps += 1 }
        case .blockQuote(let children, _):
          visit(children)
        case .list(let node):
          for item in node.items { visit(item) }
        case .thematicBreak, .html:
          break
        }
      }
    }
    visit(blocks)
    return (steps, claims)
  }
}
