"""The stylesheet of the HTML report, inlined in the page's ``<style>`` element.

Kept as a Python string rather than a ``.css`` file because the package data in ``setup.cfg`` ships only
YAML and JSON. Colours are CSS variables; harmful, protective, neutral and review each have their own, and
a print rule keeps headings with what follows them.
"""

CSS = """
:root { --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --harm: #c62828; --prot: #2e7d32;
  --neut: #757575; --review: #9a6700; --paper: #ffffff; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--soft); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 24px 32px 48px; background: var(--paper); }
header { border-bottom: 3px solid var(--ink); padding-bottom: 12px; }
.kicker { margin: 0; text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--muted); }
h1 { margin: 4px 0 12px; font-size: 26px; line-height: 1.25; }
h2 { margin: 32px 0 8px; font-size: 20px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { margin: 20px 0 8px; font-size: 16px; }
.meta { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 6px 16px; margin: 0; }
.meta div { min-width: 0; }
.meta .wide { grid-column: span 2; }
.meta dt { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
.meta dd { margin: 0; overflow-wrap: anywhere; }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.summary { display: flex; flex-wrap: wrap; gap: 16px; align-items: stretch; }
.score { border: 1px solid var(--line); border-radius: 6px; padding: 10px 18px; min-width: 180px; }
.score span { display: block; font-size: 12px; color: var(--muted); text-transform: uppercase; }
.score b { font-size: 34px; line-height: 1.2; }
.score small { font-size: 15px; color: var(--muted); font-weight: normal; }
.counts { display: flex; flex-wrap: wrap; gap: 10px; list-style: none; margin: 0; padding: 0; }
.counts li { border: 1px solid var(--line); border-left-width: 6px; border-radius: 6px; padding: 10px 14px;
  min-width: 130px; }
.counts strong { display: block; font-size: 26px; line-height: 1.2; }
.counts .harmful { border-left-color: var(--harm); }
.counts .protective { border-left-color: var(--prot); }
.counts .neutral { border-left-color: var(--neut); }
.counts .review { border-left-color: var(--review); }
.note { color: var(--muted); font-size: 13px; }
.warnings { border: 1px solid var(--review); border-left-width: 6px; border-radius: 6px; padding: 4px 16px;
  margin-top: 16px; background: #fff8c5; }
.warnings h2 { margin: 8px 0 4px; border: 0; font-size: 16px; }
.warnings ul { margin: 4px 0 8px; padding-left: 20px; }
.chart { display: block; max-width: 100%; height: auto; font-size: 13px; }
.chart text { fill: var(--ink); }
.chart .axis text { fill: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: .05em; }
.chart .counts { fill: var(--muted); font-size: 12px; }
.chart .score { font-weight: bold; }
.chart .track { fill: var(--soft); stroke: var(--line); }
.gaps { list-style: none; padding: 0; margin: 0; }
.gaps li { border-left: 4px solid var(--review); padding: 2px 0 2px 14px; margin: 14px 0; }
.gaps h3 { margin: 0 0 4px; }
.gaps p { margin: 4px 0; }
.label { font-size: 12px; font-weight: bold; text-transform: uppercase; letter-spacing: .05em;
  color: var(--muted); margin: 8px 0 2px; }
blockquote { margin: 4px 0 8px; padding: 8px 12px; border-radius: 4px; overflow-wrap: anywhere; }
blockquote.wording { background: #eef6ee; border-left: 3px solid var(--prot); }
blockquote.clause { background: var(--soft); border-left: 3px solid var(--harm); white-space: pre-wrap; }
mark { background: #ffe08a; color: inherit; padding: 0 1px; border-radius: 2px; }
.finding { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; margin: 12px 0;
  break-inside: avoid; }
.finding h4 { margin: 0 0 4px; font-size: 15px; display: flex; flex-wrap: wrap; gap: 4px 6px; align-items: baseline; }
.finding .conf { margin-left: auto; font-weight: normal; color: var(--muted); font-size: 13px; }
.finding .path { margin: 0; color: var(--muted); font-size: 12px; }
.finding p { margin: 6px 0; }
.finding .label { display: inline; margin-right: 4px; }
.finding p.label { display: block; }
.sources { margin: 2px 0 6px; padding-left: 20px; font-size: 13px; color: var(--muted); }
.badge { display: inline-block; font-size: 11px; font-weight: bold; text-transform: uppercase;
  color: var(--review); border: 1px solid var(--review); border-radius: 10px; padding: 0 7px; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--soft); }
tr.group th { background: #fff; padding-top: 14px; font-size: 14px; border-bottom: 2px solid var(--line); }
td:nth-child(1), td:nth-child(2), td:nth-child(4) { white-space: nowrap; }
footer { margin-top: 40px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12px; }
@media print {
  body { background: #fff; }
  main { max-width: none; padding: 0; }
  h2, h3 { break-after: avoid; }
}
"""
