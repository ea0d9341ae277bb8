package grpcapi

import (
	"context"
	"fmt"

	"github.com/schemagate/schemagate/internal/event"
	schemagatev1 "github.com/schemagate/schemagate/internal/gen/schemagate/v1"
	"github.com/schemagate/schemagate/internal/validate"
)

// ListSchemas is the catalog, entry for entry as GET /v1/schemas lists it.
func (s *Server) ListSchemas(context.Context, *schemagatev1.ListSchemasRequest) (*schemagatev1.ListSchemasResponse, error) {
	out := &schemagatev1.ListSchemasResponse{Schemas: make([]*schemagatev1.SchemaInfo, 0, s.reg.Len())}
	for _, sc := range s.reg.Schemas() {
		out.Schemas = append(out.Schemas, &schemagatev1.SchemaInfo{
			Type: sc.Type, Version: uint32(sc.Version), Title: sc.Title, Path: sc.Path,
			Url: fmt.Sprintf("/v1/schemas/%s/v%d", sc.Type, sc.Version),
		})
	}
	return out, nil
}

// GetSchema returns a schema file's bytes as loaded at startup: a map hit
// on the registry, never a path built from the request.
func (s *Server) GetSchema(_ context.Context, req *schemagatev1.GetSchemaRequest) (*schemagatev1.GetSchemaResponse, error) {
	key := event.Key{Type: req.GetType(), Version: int(req.GetVersion())}
	sc, ok := s.reg.Lookup(key)
	if !ok {
		return nil, validate.NoSchema(key)
	}
	return &schemagatev1.GetSchemaResponse{Schema: sc.Source}, nil
}
