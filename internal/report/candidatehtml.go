package report

import (
	"bufio"
	"html/template"
	"time"
)

// candidateData is what the candidate page shows.
type candidateData struct {
	S                  *CandidateSummary
	ExitCode           int
	Generated, Elapsed string
	RuleChart          chart
}

// writeCandidateHTML writes a comparison as one self-contained page, with
// the validate page's Content-Security-Policy and style: the counts, the
// breakdown, the candidate's failures and the samples.
func writeCandidateHTML(w *bufio.Writer, s *CandidateSummary, now func() time.Time) error {
	// Both templates are constants of this package: a parse failure is a
	// bug every test run shows.
	page := template.Must(template.Must(template.New("page").Parse(htmlPage)).Parse(candidatePage))
	d := candidateData{S: s, ExitCode: s.ExitCode(), Generated: now().UTC().Format("2006-01-02 15:04:05 UTC"),
		Elapsed: s.Elapsed.Round(time.Millisecond).String(), RuleChart: newChart(s.TopKeywords)}
	return page.ExecuteTemplate(w, "candidate", d)
}

// candidatePage is the candidate report's page; "meta", "style", "chart"
// and "paths" are the validate page's (htmlpage.go).
const candidatePage = `{{define "candidate" -}}
<!DOCTYPE html>
<html lang="en">
<head>
{{template "meta"}}
<title>schemagate validate --candidate {{.S.Candidate}}: {{.S.Outcomes.OnlyOldValid}} would be refused</title>
{{template "style"}}
</head>
<body>
<h1>schemagate validate --candidate {{.S.Candidate}}</h1>
<p class="meta">Generated {{.Generated}}; compared in {{.Elapsed}}; exit code <span id="exit-code">{{.ExitCode}}</span>.</p>
{{if .S.Outcomes.OnlyOldValid}}<p class="verdict bad">{{.S.Outcomes.OnlyOldValid}} of {{.S.Compared}} compared events, valid under the version they name, would be refused by v{{.S.Candidate}}.</p>
{{else if .S.Compared}}<p class="verdict ok">v{{.S.Candidate}} refuses none of the {{.S.Compared}} compared events their versions accept.</p>
{{else}}<p class="verdict">No event could be compared with v{{.S.Candidate}}.</p>
{{end}}
{{- if .S.Interrupted}}<p class="verdict bad">Interrupted: the rest of the input was not read.</p>
{{end -}}
<section class="cards" id="summary">
<div class="card read"><div class="num" id="n-compared">{{.S.Compared}}</div><div class="lbl">compared of {{.S.Read}} read</div></div>
<div class="card valid"><div class="num" id="n-both_valid">{{.S.Outcomes.BothValid}}</div><div class="lbl">both valid</div></div>
<div class="card"><div class="num" id="n-both_invalid">{{.S.Outcomes.BothInvalid}}</div><div class="lbl">both invalid</div></div>
<div class="card invalid"><div class="num" id="n-only_old_valid">{{.S.Outcomes.OnlyOldValid}}</div><div class="lbl">only old valid: the candidate would refuse</div></div>
<div class="card unknown"><div class="num" id="n-only_new_valid">{{.S.Outcomes.OnlyNewValid}}</div><div class="lbl">only new valid: the candidate would accept</div></div>
</section>
<p class="muted" id="not-compared">Not compared: {{.S.NotCompared.Unknown}} unknown, {{.S.NotCompared.Malformed}} malformed, {{.S.NotCompared.NoCandidate}} with no v{{.S.Candidate}} of their type, {{.S.NotCompared.AlreadyCandidate}} already v{{.S.Candidate}}{{if .S.NotCompared.Undelivered}}, {{.S.NotCompared.Undelivered}} undelivered webhook {{if eq .S.NotCompared.Undelivered 1}}record{{else}}records{{end}}{{end}}{{if .S.Blank}}; {{.S.Blank}} blank lines{{end}}.</p>
{{- if .S.ByKey}}
<h2>By type/version</h2>
<table id="by-key">
<thead><tr><th>type/version</th><th class="num">both valid</th><th class="num">both invalid</th><th class="num">only old valid</th><th class="num">only new valid</th></tr></thead>
<tbody>
{{- range .S.ByKey}}
<tr><td>{{.Type}} v{{.Version}} → v{{.Candidate}}</td><td class="num">{{.Outcomes.BothValid}}</td><td class="num">{{.Outcomes.BothInvalid}}</td><td class="num">{{.Outcomes.OnlyOldValid}}</td><td class="num">{{.Outcomes.OnlyNewValid}}</td></tr>
{{- end}}
</tbody>
</table>
{{- end}}
{{- if .RuleChart.Bars}}
<h2>The candidate's violations by keyword</h2>
{{template "chart" .RuleChart}}
{{- end}}
{{- if .S.TopInstancePaths}}
<h2>The candidate's top failing instance paths</h2>
{{- template "paths" .S.TopInstancePaths}}
{{- end}}
{{- if .S.Samples}}
<h2>Samples</h2>
<table id="samples">
<thead><tr><th>location</th><th>outcome</th><th>id</th><th>type/version</th><th>refused by</th><th>violations</th><th>data</th></tr></thead>
<tbody>
{{- range .S.Samples}}
<tr class="{{if eq .Outcome "only_old_valid"}}invalid{{else}}unknown{{end}}"><td><code>{{.Source}}:{{.Line}}</code></td><td class="st">{{.Outcome}}</td><td><code>{{if .ID}}{{.ID}}{{end}}</code></td><td>{{.Type}} v{{.Version}} → v{{.Candidate}}</td><td>{{.Error.Message}}</td><td>
{{- range .Error.Details}}<code>{{if .InstanceLocation}}{{.InstanceLocation}}{{else}}(root){{end}}</code> <code>{{.KeywordLocation}}</code> {{.Message}}<br>{{end}}</td><td><code>{{printf "%s" .Data}}</code></td></tr>
{{- end}}
</tbody>
</table>
{{- end}}
</body>
</html>
{{end}}`
