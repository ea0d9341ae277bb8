package pipeline_test

import (
	"context"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/pipeline"
	"github.com/schemagate/schemagate/internal/status"
)

type letters struct{ frames []string }

func (l *letters) Record(_ context.Context, frame []byte, _ *status.Error) error {
	l.frames = append(l.frames, string(frame))
	return nil
}

func (l *letters) RecordShadow(_ context.Context, frame []byte, _ *status.Error) error {
	l.frames = append(l.frames, "shadow "+string(frame))
	return nil
}

// A refused event that came as fields reaches the dead letter as the
// envelope the contract would have carried it in.
func TestPartsDeadLetterIsTheEnvelope(t *testing.T) {
	dl := &letters{}
	p := bareShippedPipeline(t, pipeline.Options{DeadLetter: dl})
	v := p.Parts(context.Background(), "d\"1", "person", 1, []byte(` {"age":-1} `), time.Now())
	if v.Err == nil || len(dl.frames) != 1 {
		t.Fatalf("verdict %+v, dead letters %q", v, dl.frames)
	}
	if want := `{"id":"d\"1","type":"person","version":1,"data": {"age":-1} }`; dl.frames[0] != want {
		t.Fatalf("dead letter %s\nwant        %s", dl.frames[0], want)
	}
}
