package httpapi

import "net/http"

// listCandidates is GET /v1/admin/candidates: each route with a candidate
// version and how the two versions have judged its frames so far.
func (a *API) listCandidates(w http.ResponseWriter, _ *http.Request) {
	a.answerJSON(w, map[string]any{"candidates": a.p.Candidates()}, nil)
}
