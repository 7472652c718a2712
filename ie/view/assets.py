"""The page's inline style and script (one self-contained file: no network, works from disk)."""
from __future__ import annotations

STATUS_COLORS = {"read": "#d4f2cf", "placed": "#cfe1ff", "issue": "#ffd49a", "failed": "#ff9d9d", "blank": "#ffffff",
                 "absent": "repeating-linear-gradient(45deg,#eee,#eee 3px,#fff 3px,#fff 6px)"}
ENTITY_COLORS = {"COUNT": "#c9a400", "MONEY": "#2e9e44", "PERCENT": "#2f7fd0", "DATE": "#b04ac9",
                 "DOC_NO": "#d2452f", "DOC_TITLE": "#6c5bd4"}

CSS = """
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 "Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;color:#222}
#wrap{display:flex;height:100vh}
#left{flex:1 1 60%;overflow:auto;padding:0 1em 2em}
#right{flex:1 1 40%;overflow:auto;border-left:2px solid #ccc;padding:0 1em 2em;background:#fcfcfa}
@media (max-width:900px){#wrap{display:block;height:auto}#left{overflow:visible}#right{height:70vh}}
h1{font-size:1.25em;margin:.6em 0 .2em}h2{font-size:1.05em;margin:1.2em 0 .4em;border-bottom:1px solid #ddd}
h3{font-size:.95em;margin:.9em 0 .3em}
.meta{color:#555;margin:0 0 .5em}
table.grid,table.list{border-collapse:collapse;font-size:12.5px;margin-bottom:.4em}
.grid th,.grid td,.list th,.list td{border:1px solid #aaa;padding:2px 5px}
.grid th{background:#f1f1f1;font-weight:normal;text-align:center}.grid th.lab{text-align:left}
.grid tr.heading th{background:#e6e6e6;text-align:left;font-weight:bold}
td.c{text-align:right;min-width:2.6em;cursor:pointer;font-variant-numeric:tabular-nums}
td.c:hover,.list tr[data-p]:hover{outline:2px solid #888}
.list tr[data-p]{cursor:pointer}.list td.q{color:#666}
%STATUS%
.legend span{display:inline-block;border:1px solid #aaa;padding:0 .5em;margin:0 .4em .3em 0}
.hl{outline:3px solid #e0007a!important;outline-offset:-1px}
#issues li{cursor:pointer;margin:.15em 0}#issues li:hover{background:#f5f5f5}
#issues li.hl{outline-offset:1px}
.sev{display:inline-block;font-size:11px;padding:0 .4em;border-radius:3px;color:#fff;margin-right:.3em}
.sev.error{background:#b00020}.sev.warning{background:#d9822b}.sev.info{background:#777}
.chip{font:11px monospace;border:1px solid #bbb;border-radius:3px;background:#fff;margin:0 .2em;cursor:pointer}
#details{position:sticky;top:0;background:#fcfcfa;border-bottom:1px solid #ccc;padding:.5em 0;min-height:3.2em;
 font-size:12.5px;z-index:1}
pre#text{white-space:pre-wrap;word-break:break-all;line-height:1.75;font:inherit;margin:.6em 0}
#text .m{cursor:pointer}#text .ev{background:#fff3b8;border-radius:2px}
#text .hl{background:#ffd000;outline:2px solid #e0007a}
%ENTITY%
code{font-size:11.5px}
"""

JS = r"""
(function(){
const data = JSON.parse(document.getElementById('data').textContent);
const byPath = {};            // field path -> elements naming it (cells, rows, text marks)
document.querySelectorAll('[data-p]').forEach(el => {
  el.dataset.p.split(' ').forEach(p => (byPath[p] = byPath[p] || []).push(el));
});
const details = document.getElementById('details');
const esc = s => String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'})[c]);
function clear(){ document.querySelectorAll('.hl').forEach(el => el.classList.remove('hl')); }
function inText(el){ return !!el.closest('#text'); }
function mark(paths, where){
  const hit = [];
  paths.forEach(p => (byPath[p] || []).forEach(el => { if (where(el)) { el.classList.add('hl'); hit.push(el); } }));
  return hit;
}
function show(el){ if (el) el.scrollIntoView({block:'center', inline:'nearest'}); }
function describe(p){
  const d = data.values[p];
  if (!d) return '<code>' + esc(p) + '</code>';
  let s = '<b>' + esc(d.l || p) + '</b> <code>' + esc(p) + '</code> = <b>' + esc(d.v) + '</b> · ' + esc(data.statuses[d.s] || d.s);
  if (d.how) s += ' (' + esc(d.how) + ')';
  s += d.q != null ? '<br>evidence «' + esc(d.q) + '» at ' + d.at[0] + '–' + d.at[1] + (d.n ? ' · ' + esc(d.n) : '')
                   : '<br>no evidence in the text';
  (d.i || []).forEach(i => { const x = data.issues[i];
    s += '<br><span class="sev ' + esc(x.severity) + '">' + esc(x.severity) + '</span>' + esc(x.code) + ': ' + esc(x.message); });
  return s;
}
function select(p){                 // a cell, row or chip: its evidence in the text
  clear();
  mark([p], el => !inText(el));
  const ev = mark([p], inText);
  details.innerHTML = describe(p);
  show(ev[0]);
}
function selectText(el){            // a text mark: the cells it is evidence for
  clear();
  const paths = el.dataset.p.split(' ');
  el.classList.add('hl');
  const cells = mark(paths, x => !inText(x));
  details.innerHTML = paths.map(describe).join('<hr>');
  show(cells[0]);
}
function selectIssue(li){           // an issue: the cells it names, and their evidence
  clear();
  li.classList.add('hl');
  const paths = (li.dataset.fields || '').split(' ').filter(Boolean);
  const cells = mark(paths, el => !inText(el));
  const ev = mark(paths, inText);
  const x = data.issues[+li.dataset.i];
  details.innerHTML = '<span class="sev ' + esc(x.severity) + '">' + esc(x.severity) + '</span><b>' + esc(x.code)
    + '</b>: ' + esc(x.message) + (paths.length ? '<br>names ' + paths.length + ' field(s)' : '');
  show(cells[0]); show(ev[0]);
}
document.addEventListener('click', e => {
  const chip = e.target.closest('.chip');
  if (chip) { e.stopPropagation(); select(chip.dataset.p); return; }
  const li = e.target.closest('#issues li');
  if (li) { selectIssue(li); return; }
  const el = e.target.closest('[data-p]');
  if (!el) return;
  if (inText(el)) selectText(el); else select(el.dataset.p);
});
document.addEventListener('keydown', e => {
  if (e.key === 'Enter' && e.target.matches('td.c,tr[data-p]')) select(e.target.dataset.p);
});
})();
"""


def css() -> str:
    status = "".join(f".s-{k}{{background:{v}}}" for k, v in STATUS_COLORS.items())
    entity = "".join(f"#text .e-{k}{{border-bottom:2px solid {v}}}" for k, v in ENTITY_COLORS.items())
    return CSS.replace("%STATUS%", status).replace("%ENTITY%", entity)
