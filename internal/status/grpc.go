package status

import (
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	grpcstatus "google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
)

// GRPCStatus is e as gRPC sends it; grpc-go calls it when a handler
// returns e, so the RPC's status is this one.
func (e *Error) GRPCStatus() *grpcstatus.Status { return grpcstatus.FromProto(e.Proto()) }

// Proto is e as a google.rpc.Status, the form a stream's Reply carries. A
// report becomes two details: google.rpc.BadRequest, one field violation
// per entry (field = instanceLocation, description = message, reason = the
// failing keyword), which any gRPC client can read; and
// schemagate.v1.ValidationReport, the entries as the WebSocket reply lists
// them (keywordLocation included) and the omitted count.
func (e *Error) Proto() *spb.Status {
	s := &spb.Status{Code: int32(e.Code), Message: e.Message}
	if e.Code == codes.OK || (len(e.Details) == 0 && e.Omitted == 0) {
		return s
	}
	br := &errdetails.BadRequest{FieldViolations: make([]*errdetails.BadRequest_FieldViolation, len(e.Details))}
	vr := &schemagatev1.ValidationReport{Violations: make([]*schemagatev1.Violation, len(e.Details)), Omitted: uint32(e.Omitted)}
	for i, d := range e.Details {
		br.FieldViolations[i] = &errdetails.BadRequest_FieldViolation{
			Field: d.InstanceLocation, Description: d.Message, Reason: Keyword(d.KeywordLocation)}
		vr.Violations[i] = &schemagatev1.Violation{
			InstanceLocation: d.InstanceLocation, KeywordLocation: d.KeywordLocation, Message: d.Message}
	}
	for _, d := range []proto.Message{br, vr} {
		// anypb.New fails only for a message without a descriptor.
		if a, err := anypb.New(d); err == nil {
			s.Details = append(s.Details, a)
		}
	}
	return s
}

// Keyword is the failing keyword of a keywordLocation: its last token,
// unescaped ("/properties/age/minimum" → "minimum").
func Keyword(keywordLocation string) string {
	k := keywordLocation[strings.LastIndexByte(keywordLocation, '/')+1:]
	if strings.IndexByte(k, '~') < 0 {
		return k
	}
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(k)
}

// FromProto is the inverse of Proto, for clients of the gRPC API: the
// details come from the ValidationReport.
func FromProto(s *spb.Status) *Error {
	e := &Error{Code: codes.Code(s.GetCode()), Message: s.GetMessage()}
	for _, a := range s.GetDetails() {
		var vr schemagatev1.ValidationReport
		if a.UnmarshalTo(&vr) != nil {
			continue
		}
		for _, v := range vr.GetViolations() {
			e.Details = append(e.Details, Detail{InstanceLocation: v.GetInstanceLocation(),
				KeywordLocation: v.GetKeywordLocation(), Message: v.GetMessage()})
		}
		e.Omitted = int(vr.GetOmitted())
	}
	return e
}
