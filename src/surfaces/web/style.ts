/**
 * The page's one stylesheet, served by Deckhand at /ui/static/deckhand.css (a file of its own, so the
 * Content-Security-Policy needs no 'unsafe-inline'). A module rather than a .css file so the compiled
 * build (tsc into dist/) carries it without a copy step.
 */
export const STYLESHEET = `
:root { color-scheme: light dark; --line: #8884; --muted: #888; --bad: #c0392b; --good: #2e7d32; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; }
header { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.2rem; border-bottom: 1px solid var(--line); }
header strong { font-size: 1.05rem; }
nav a { margin-right: 1rem; text-decoration: none; }
nav a[aria-current="page"] { font-weight: 600; text-decoration: underline; }
header .who { margin-left: auto; color: var(--muted); }
header form { display: inline; }
main { padding: 1rem 1.2rem; }
h1 { font-size: 1.3rem; margin: .2rem 0 1rem; }
form.filters { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; margin-bottom: 1rem; }
form.filters label { display: flex; flex-direction: column; font-size: .8rem; color: var(--muted); }
input, select, button { font: inherit; padding: .25rem .4rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .8rem; color: var(--muted); font-weight: 600; }
td.text { white-space: pre-wrap; word-break: break-word; max-width: 32rem; }
.outcome-failed, .decision-denied, .decision-failed, .decision-invalid { color: var(--bad); }
.outcome-succeeded, .decision-allowed { color: var(--good); }
.banner { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; margin-bottom: 1rem; display: flex; gap: 1rem; align-items: center; }
.banner.broken { border-color: var(--bad); color: var(--bad); }
.banner code { word-break: break-all; }
.pager { margin-top: 1rem; display: flex; gap: 1rem; }
.empty, .note { color: var(--muted); }
.error { color: var(--bad); font-weight: 600; }
h2 { font-size: 1.1rem; margin: 1.6rem 0 .6rem; }
.dora-summary { width: auto; min-width: 36rem; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1rem 0; }
.chart-box { position: relative; height: 220px; flex: 1 1 26rem; min-width: 0; }
.band { display: inline-block; padding: 0 .45rem; border-radius: 4px; font-size: .8rem; font-weight: 600; color: #fff; }
.band-elite { background: #2e7d32; }
.band-high { background: #558b2f; }
.band-medium { background: #ef6c00; }
.band-low { background: #c0392b; }
`;
