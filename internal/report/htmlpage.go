package report

// htmlPage is the HTML report's template, in three parts because the table
// rows are streamed between them. The page must work from a file with no
// network: no external style, script or font, and a Content-Security-Policy
// that forbids fetching anything, so that it can be mailed or archived as
// one file. The numbers are in the markup itself, not written by the
// script, so they show even where scripts are off.
const htmlPage = `{{define "head" -}}
<!DOCTYPE html>
<html lang="en">
<head>
{{template "meta"}}
<title>schemagate validate: {{.S.Read}} read, {{.S.Failed}} failing</title>
{{template "style"}}
</head>
<body>
<h1>schemagate validate</h1>
<p class="meta">Generated {{.Generated}}; checked in {{.Elapsed}}; exit code <span id="exit-code">{{.ExitCode}}</span>.</p>
{{if .AllValid}}<p class="verdict ok">All {{.S.Read}} events are valid.</p>
{{else if .HasFailures}}<p class="verdict bad">{{.S.Failed}} of {{.S.Read}} events failing.</p>
{{else}}<p class="verdict">No events were read.</p>
{{end}}
{{- if .S.Stopped}}<p class="verdict bad">Stopped after {{.S.Failed}} failing events (max errors): the rest of the input was not read.</p>
{{end}}
{{- if .S.Interrupted}}<p class="verdict bad">Interrupted: the rest of the input was not read.</p>
{{end -}}
<section class="cards" id="summary">
<div class="card read"><div class="num" id="n-read">{{.S.Read}}</div><div class="lbl">read</div></div>
<div class="card valid"><div class="num" id="n-valid">{{.S.Valid}}</div><div class="lbl">valid</div></div>
<div class="card invalid"><div class="num" id="n-invalid">{{.S.Invalid}}</div><div class="lbl">invalid</div></div>
<div class="card unknown"><div class="num" id="n-unknown">{{.S.Unknown}}</div><div class="lbl">unknown type/version</div></div>
<div class="card malformed"><div class="num" id="n-malformed">{{.S.Malformed}}</div><div class="lbl">malformed</div></div>
</section>
{{- if .S.Blank}}
<p class="muted">{{.S.Blank}} blank lines were not counted as events.</p>
{{- end}}
{{- if .S.ByKey}}
<h2>By type/version</h2>
<table id="by-key">
<thead><tr><th>type/version</th><th class="num">read</th><th class="num">valid</th><th class="num">invalid</th><th class="num">unknown</th></tr></thead>
<tbody>
{{- range .S.ByKey}}
<tr><td>{{.Type}} v{{.Version}}</td><td class="num">{{.Read}}</td><td class="num">{{.Valid}}</td><td class="num">{{.Invalid}}</td><td class="num">{{.Unknown}}</td></tr>
{{- end}}
</tbody>
</table>
{{- end}}
{{- if .HasFailures}}
<div class="charts">
<section><h2>Failing events by type/version</h2>{{template "chart" .KeyChart}}</section>
{{- if .RuleChart.Bars}}
<section><h2>Violations by keyword</h2>{{template "chart" .RuleChart}}</section>
{{- end}}
</div>
{{- end}}
{{- if .Paths}}
<h2>Top failing instance paths</h2>
{{- template "paths" .Paths}}
{{- end}}
{{- if .HasFailures}}
<h2>Failures</h2>
<div class="filter"><input id="q" type="search" placeholder="Filter: file, id, type, path, keyword, message" aria-label="Filter failures"><span id="shown" class="muted"></span></div>
{{- if .Left}}
<p class="muted">The table holds the first {{.Rows}} rows; {{.Left}} more failing events are not in it (the json format has them all).</p>
{{- end}}
<table id="failures">
<thead><tr><th>location</th><th>status</th><th>id</th><th>type/version</th><th>instance path</th><th>keyword path</th><th>message</th></tr></thead>
<tbody>
{{- end}}
{{end}}

{{- define "rows"}}
{{- range .}}
<tr class="{{.Status}}"><td><code>{{.Loc}}</code></td><td class="st">{{.Status}}</td><td><code>{{.ID}}</code></td><td>{{.Key}}</td><td><code>{{.Instance}}</code></td><td><code>{{.Keyword}}</code></td><td>{{.Message}}</td></tr>
{{- end}}
{{- end}}

{{- define "paths"}}
<table id="top-paths">
<thead><tr><th>instance path</th><th class="num">violations</th></tr></thead>
<tbody>
{{- range .}}
<tr><td><code>{{if .Name}}{{.Name}}{{else}}(root){{end}}</code></td><td class="num">{{.Count}}</td></tr>
{{- end}}
</tbody>
</table>
{{- end}}

{{- define "chart"}}
<svg class="chart" viewBox="0 0 640 {{.Height}}" role="img" aria-label="bar chart">
{{- range .Bars}}
<g data-q="{{.Q}}"><title>{{.Full}}: {{.Count}}</title><text x="212" y="{{.TextY}}" text-anchor="end">{{.Label}}</text><rect x="220" y="{{.Y}}" width="{{.W}}" height="18" rx="2"></rect><text x="{{.TextX}}" y="{{.TextY}}">{{.Count}}</text></g>
{{- end}}
</svg>
{{- end}}

{{- define "tail"}}
{{- if .HasFailures}}
</tbody>
</table>
<script>
(function () {
  var q = document.getElementById('q'), shown = document.getElementById('shown');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#failures tbody tr'));
  function filter() {
    var s = q.value.trim().toLowerCase(), n = 0;
    rows.forEach(function (r) {
      var hit = !s || r.textContent.toLowerCase().indexOf(s) >= 0;
      r.hidden = !hit;
      if (hit) n++;
    });
    shown.textContent = n + ' of ' + rows.length + ' rows shown';
  }
  q.addEventListener('input', filter);
  document.querySelectorAll('[data-q]').forEach(function (el) {
    el.addEventListener('click', function () { q.value = el.getAttribute('data-q'); filter(); });
  });
  filter();
})();
</script>
{{- end}}
</body>
</html>
{{end}}

{{- define "meta" -}}
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
{{- end}}

{{- define "style" -}}
<style>
:root { --fg: #1f2328; --bg: #fff; --muted: #656d76; --line: #d0d7de; --card: #f6f8fa;
  --valid: #1a7f37; --invalid: #cf222e; --unknown: #9a6700; --malformed: #8250df; --bar: #cf222e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #8d96a0;
  --line: #30363d; --card: #161b22; --valid: #3fb950; --invalid: #f85149; --unknown: #d29922; --malformed: #a371f7; --bar: #f85149; } }
body { font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; padding: 24px; max-width: 1200px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 8px; }
.meta { color: var(--muted); margin: 0 0 16px; }
.verdict { padding: 10px 14px; border-radius: 6px; border: 1px solid var(--line); background: var(--card); font-weight: 600; }
.verdict.ok { border-color: var(--valid); } .verdict.bad { border-color: var(--invalid); }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { flex: 1 1 120px; background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; }
.card .num { font-size: 26px; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .lbl { color: var(--muted); }
.valid .num { color: var(--valid); } .invalid .num { color: var(--invalid); }
.unknown .num { color: var(--unknown); } .malformed .num { color: var(--malformed); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; }
svg.chart { width: 100%; max-width: 640px; font-size: 12px; }
svg.chart text { fill: var(--fg); } svg.chart rect { fill: var(--bar); } svg.chart g[data-q] { cursor: pointer; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { position: sticky; top: 0; background: var(--bg); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td code { font-size: 12px; word-break: break-all; }
tr.invalid td.st { color: var(--invalid); } tr.unknown td.st { color: var(--unknown); } tr.malformed td.st { color: var(--malformed); }
.filter { display: flex; gap: 12px; align-items: center; margin: 8px 0; }
.filter input { flex: 0 1 360px; padding: 6px 8px; font: inherit; color: inherit; background: var(--card); border: 1px solid var(--line); border-radius: 6px; }
.muted { color: var(--muted); }
</style>
{{- end}}`
