/** The result page's inline style sheet: system fonts only, light and dark, readable on a phone. */
export const PAGE_CSS = `
:root { color-scheme: light dark; --bg: #f6f6f8; --fg: #1b1b22; --card: #fff; --muted: #666; --accent: #2563eb;
  --met: #15803d; --missed: #b91c1c; --border: #ddd; }
@media (prefers-color-scheme: dark) { :root { --bg: #121218; --fg: #e8e8ee; --card: #1c1c25; --muted: #9a9aa8;
  --accent: #6ea8ff; --met: #4ade80; --missed: #f87171; --border: #333; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 16px 48px; }
h1 { margin: 0 0 4px; font-size: 1.8rem; word-break: break-word; }
h2 { font-size: 1.1rem; margin: 0 0 8px; }
section { background: var(--card); border: 1px solid var(--border); border-radius: 10px; padding: 16px; margin: 16px 0; }
.sub, .muted { color: var(--muted); margin: 4px 0; }
.players { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 16px; }
.player audio { width: 100%; }
button, a.button { display: inline-block; background: var(--accent); color: #fff; border: 0; border-radius: 6px;
  padding: 8px 14px; font: inherit; cursor: pointer; text-decoration: none; margin-top: 8px; }
ul.downloads { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 12px; align-items: center; }
img { max-width: 100%; height: auto; border-radius: 6px; display: block; }
table.quality { border-collapse: collapse; width: 100%; }
table.quality th, table.quality td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--border); }
table.quality td:nth-child(2) { font-variant-numeric: tabular-nums; }
tr.met .status { color: var(--met); font-weight: 600; }
tr.missed .status { color: var(--missed); font-weight: 600; }
tr.na .status { color: var(--muted); }
table.joins { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
table.joins th, table.joins td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--border); }
table.joins button { margin-top: 0; padding: 4px 10px; white-space: nowrap; }
#joins { overflow-x: auto; }
footer { margin-top: 24px; font-size: 0.9rem; }
`;
