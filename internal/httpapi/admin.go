package httpapi

import (
	"encoding/json"
	"net/http"

	"google.golang.org/grpc/codes"

	"github.com/schemagate/schemagate/internal/status"
)

// reload serves POST /v1/admin/reload: the report as JSON, 200 when the
// configuration on disk now serves, and FAILED_PRECONDITION's status when
// it was refused (the report then lists every problem, and the
// configuration in force is unchanged).
func (a *API) reload(w http.ResponseWriter, r *http.Request) {
	report, applied := a.o.Reload(r.Context())
	body, err := json.Marshal(report)
	if err != nil {
		writeError(w, status.Wrap(codes.Internal, err, "reload report"))
		return
	}
	code := http.StatusOK
	if !applied {
		code = status.HTTPStatus(codes.FailedPrecondition)
	}
	writeJSON(w, code, "application/json", append(body, '\n'))
}
