// MARK: - Page shell

/// A self-contained HTML document: the style is inline, scripts are inline, nothing is fetched,
/// so a page works opened from `file://` or served by any static server.
enum HTMLPage {
  /// A document around `body` (already HTML), with `scripts` (plain JavaScript) at its end.
  static func document(title: String, body: String, scripts: [String] = []) -> String {
    var out = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <meta name="color-scheme" content="light dark">
      <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' data: https: http:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
      <title>\(HTMLText.escaped(title))</title>
      <style>\(style)</style>
      </head>
      <body>

      """
    out += body
    for script in scripts { out += "<script>\n\(HTMLText.script(script))\n</script>\n" }
    return out + "</body>\n</html>\n"
  }

  static let style = """
    :root { --fg: #1d1f23; --muted: #5d6470; --bg: #ffffff; --panel: #f5f6f8; --border: #d9dce1;
      --accent: #0a5cad; --pass: #17803d; --fail: #c4161c; --fail-bg: #fde8e8; --setting: #6b5a00;
      --kw: #a626a4; --str: #50a14f; --num: #986801; --com: #7c828d; --typ: #0e6f9c; --attr: #c18401; --call: #4078f2;
      --bar: #0a72c9; }
    @media (prefers-color-scheme: dark) {
      :root { --fg: #e3e6ea; --muted: #a0a7b2; --bg: #15171a; --panel: #1f2227; --border: #3a3f47;
        --accent: #6cb4ff; --pass: #4cc873; --fail: #ff6b6b; --fail-bg: #3a1618; --setting: #e0c84a;
        --kw: #d88be0; --str: #98c379; --num: #e5a15a; --com: #8b929c; --typ: #56b6c2; --attr: #e5c07b; --call: #61afef;
        --bar: #4aa3f0; }
    }
    * { box-sizing: border-box; }
    html { -webkit-text-size-adjust: 100%; }
    body { margin: 0 auto; max-width: 52rem; padding: 1rem 1.25rem 4rem; background: var(--bg); color: var(--fg);
      font: 17px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
    a { color: var(--accent); }
    a:focus-visible, button:focus-visible, input:focus-visible, .claim:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
    h1 { font-size: 1.9rem; line-height: 1.25; }
    h2 { margin-top: 2.4rem; border-bottom: 1px solid var(--border); padding-bottom: .2rem; }
    code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .88em; }
    p code, li code, h1 code, h2 code, h3 code, .claim { overflow-wrap: anywhere; }
    pre.code { background: var(--panel); border: 1px solid var(--border); border-radius: 6px; padding: .7rem .9rem;
      overflow-x: auto; line-height: 1.45; }
    pre.raw-html, code.raw-html { color: var(--muted); }
    .verified { border: 1px solid var(--border); border-radius: 6px; padding: .5rem .8rem; background: var(--panel); }
    .verified.fail { border-color: var(--fail); background: var(--fail-bg); color: var(--fail); font-weight: 600; }
    nav.toc ol { padding-left: 1.3rem; margin: .3rem 0; }
    .claim { position: relative; border-bottom: 2px solid var(--pass); cursor: help; }
    .claim .mark { font-size: .75em; margin-left: .12em; color: var(--pass); font-weight: 700; vertical-align: super; }
    .claim.fail { border-bottom: 3px solid var(--fail); background: var(--fail-bg); color: var(--fail); font-weight: 700; }
    .claim.fail .mark { color: var(--fail); font-size: .95em; }
    .claim.setting { border-bottom: 2px dotted var(--setting); }
    .claim.setting .mark { color: var(--setting); }
    .claim .popover { display: none; position: absolute; left: 0; top: 1.6em; z-index: 10; min-width: 15rem; max-width: min(26rem, 86vw);
      background: var(--panel); color: var(--fg); border: 1px solid var(--border); border-radius: 6px; padding: .45rem .6rem;
      box-shadow: 0 4px 14px rgba(0,0,0,.18); font: 13px/1.45 system-ui, sans-serif; font-weight: 400;
      grid-template-columns: auto 1fr; gap: .1rem .6rem; white-space: normal; }
    .claim:hover .popover, .claim:focus .popover, .claim:focus-within .popover { display: grid; }
    .popover .k { color: var(--muted); }
    .popover .v { overflow-wrap: anywhere; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
    .step { margin: 1.2rem 0; }
    .step-head { font-size: .85rem; color: var(--muted); margin-bottom: .25rem; }
    .step-tags { font-style: italic; }
    .step.fail { border-left: 4px solid var(--fail); padding-left: .6rem; }
    .output { border-left: 3px solid var(--border); padding: .1rem 0 .1rem .8rem; margin-top: .4rem; }
    .out-text { white-space: pre-wrap; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85em; margin: .4rem 0; }
    .expect { margin: .3rem 0; font-size: .92em; }
    .expect.pass .mark { color: var(--pass); font-weight: 700; }
    .expect.fail { color: var(--fail); font-weight: 600; }
    .table-wrap { overflow-x: auto; max-width: 100%; }
    table { border-collapse: collapse; margin: .5rem 0; font-size: .85em; }
    caption { text-align: left; font-weight: 600; padding-bottom: .2rem; }
    th, td { border: 1px solid var(--border); padding: .18rem .5rem; }
    th { background: var(--panel); }
    td.num { text-align: right; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-variant-numeric: tabular-nums; }
    td.decoded { font-family: ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre; color: var(--accent); border: none; }
    td.elided, tr.elided td { color: var(--muted); text-align: center; }
    figure { margin: .6rem 0; }
    figure.chart svg { max-width: 100%; height: auto; border-radius: 4px; }
    .shape { color: var(--muted); font-size: .9em; }
    .widget { border: 1px solid var(--border); border-radius: 8px; padding: .8rem 1rem; background: var(--panel); }
    .widget h4 { margin: 0 0 .5rem; }
    .widget .row { display: flex; flex-wrap: wrap; gap: .4rem .6rem; align-items: center; margin: .4rem 0; }
    .widget textarea { flex: 1 1 14rem; min-width: 0; font: inherit; padding: .3rem .5rem; border: 1px solid var(--border);
      border-radius: 4px; background: var(--bg); color: var(--fg); }
    .widget button, .widget select { font: inherit; font-size: .9rem; padding: .25rem .6rem; border: 1px solid var(--border);
      border-radius: 4px; background: var(--bg); color: var(--fg); cursor: pointer; }
    .widget button:disabled { opacity: .45; cursor: default; }
    .widget button[aria-pressed=true] { border-color: var(--accent); box-shadow: inset 0 0 0 1px var(--accent); }
    .widget .bars { display: grid; grid-template-columns: 2.2rem 1fr 4.2rem; gap: .15rem .5rem; align-items: center; margin-top: .5rem; }
    .widget .bar-char { font-family: ui-monospace, "DejaVu Sans Mono", monospace; text-align: right; }
    .widget .bar-track { background: var(--bg); border: 1px solid var(--border); height: 1rem; border-radius: 3px; overflow: hidden; }
    .widget .bar-fill { background: var(--bar); height: 100%; }
    .widget .bar-value { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85em; text-align: right; }
    .widget .status { color: var(--muted); font-size: .85rem; min-height: 1.3em; }
    .widget .continuation { white-space: pre-wrap; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .9em;
      background: var(--bg); border: 1px solid var(--border); border-radius: 4px; padding: .4rem .6rem; min-height: 2.4em; }
    ul.lessons li { margin: .5rem 0; }
    .summary-pass { color: var(--pass); font-weight: 600; }
    .summary-fail { color: var(--fail); font-weight: 700; }
    .sw-kw { color: var(--kw); } .sw-str { color: var(--str); } .sw-num { color: var(--num); } .sw-com { color: var(--com); font-style: italic; }
    .sw-typ { color: var(--typ); } .sw-attr { color: var(--attr); } .sw-call { color: var(--call); }
    @media (max-width: 600px) { body { font-size: 16px; padding: .6rem .8rem 3rem; } h1 { font-size: 1.5rem; }
      .claim .popover { position: fixed; left: 4vw; right: 4vw; top: auto; bottom: 1rem; max-width: none; } }
    """
}
