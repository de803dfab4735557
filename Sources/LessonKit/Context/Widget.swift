// MARK: - Widgets

/// An interactive piece a step reports for the HTML page: opaque data, a script and markup.
///
/// LessonKit knows nothing about what a widget does: it embeds `markup` in the page, `data` as a
/// JSON data island the script reads, and `script` once per page per `kind`. The terminal shows
/// `summary` instead. Plain strings only, so a report holding a widget stays plain data.
public struct Widget: Sendable, Equatable, Codable {
  /// Names the widget's script; pages hold one copy of each kind's script.
  public var kind: String
  /// A heading shown above it.
  public var title: String
  /// What the terminal shows in its place, e.g. how to explore the same thing there.
  public var summary: String
  /// JSON text the script reads (embedded so that no `</script>` inside it can end the island).
  public var data: String
  /// Plain JavaScript that finds its widgets by `data-widget-kind` and reads their data island.
  ///
  /// Code of a compiled bundle, never lesson text; it must set text with `textContent`.
  public var script: String
  /// The widget's HTML controls, from compiled code like `script`.
  public var markup: String

  public init(kind: String, title: String, summary: String, data: String, script: String, markup: String) {
    self.kind = kind
    self.title = title
    self.summary = summary
    self.data = data
    self.script = script
    self.markup = markup
  }
}
