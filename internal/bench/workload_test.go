package bench

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestWorkloadSplicesID(t *testing.T) {
	in := `{"valid": true, "frame": {"type": "person", "version": 1, "data": {"name": "Zoë", "age": 4}}}

{"valid": false, "frame": { }}
`
	w, err := readWorkload(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(w.lines) != 2 {
		t.Fatalf("%d lines, want 2 (blank lines skipped)", len(w.lines))
	}
	var orig map[string]any
	_ = json.Unmarshal([]byte(`{"type": "person", "version": 1, "data": {"name": "Zoë", "age": 4}}`), &orig)
	for i, want := range []map[string]any{orig, {}} {
		frame := frameHead + "7-42" + string(w.lines[i].tail)
		var got map[string]any
		if err := json.Unmarshal([]byte(frame), &got); err != nil {
			t.Fatalf("line %d: frame %s: %v", i, frame, err)
		}
		if got["id"] != "7-42" {
			t.Errorf("line %d: id = %v", i, got["id"])
		}
		delete(got, "id")
		if !reflect.DeepEqual(got, want) {
			t.Errorf("line %d: fields %v, want %v", i, got, want)
		}
	}
}

func TestWorkloadExpectations(t *testing.T) {
	tests := []struct {
		frame  string
		valid  bool
		expect expectation
		echo   bool
	}{
		{`{"type":"person","version":1,"data":{}}`, true, expectAccept, false},
		{`{"type":"echo","version":1,"data":1}`, true, expectAccept, true},
		{`{"type":"echo","version":2,"data":1}`, true, expectAccept, false},
		{`{"type":"person","version":1,"data":{"age":-1}}`, false, expectRejectData, false},
		{`{"type":"nosuch.event","version":3,"data":null}`, false, expectRejectData, false},
		{`{"type":"Person","version":1,"data":{}}`, false, expectRejectEnvelope, false},
		{`{"type":"person","version":"1","data":{}}`, false, expectRejectEnvelope, false},
		{`{"type":"person","version":0,"data":{}}`, false, expectRejectEnvelope, false},
		{`{"type":"person","version":1.5,"data":{}}`, false, expectRejectEnvelope, false},
		{`{"type":"person","version":1}`, false, expectRejectEnvelope, false},
		{`{"type":"person","version":1000000000,"data":{}}`, false, expectRejectEnvelope, false},
		{`{"type":"` + strings.Repeat("a", 129) + `","version":1,"data":{}}`, false, expectRejectEnvelope, false},
	}
	for _, tt := range tests {
		raw, _ := json.Marshal(map[string]any{"valid": tt.valid, "frame": json.RawMessage(tt.frame)})
		l, err := parseLine(raw)
		if err != nil {
			t.Errorf("%s: %v", tt.frame, err)
			continue
		}
		if l.expect != tt.expect || l.echo != tt.echo {
			t.Errorf("%s: expect %v echo %v, want %v %v", tt.frame, l.expect, l.echo, tt.expect, tt.echo)
		}
	}
}

func TestWorkloadRejectsBadLines(t *testing.T) {
	tests := map[string]string{
		"not json":      `{"valid": true, "frame": `,
		"no valid":      `{"frame": {"type":"a"}}`,
		"frame array":   `{"valid": true, "frame": [1]}`,
		"no frame":      `{"valid": true}`,
		"frame with id": `{"valid": true, "frame": {"id": "mine", "type":"a"}}`,
		"empty file":    "\n\n",
	}
	for name, in := range tests {
		if _, err := readWorkload(strings.NewReader(in)); err == nil {
			t.Errorf("%s: accepted", name)
		} else if name != "empty file" && !strings.Contains(err.Error(), "line 1") {
			t.Errorf("%s: error %q does not name the line", name, err)
		}
	}
}

func TestLoadWorkloadFixtures(t *testing.T) {
	for _, name := range []string{"testdata/valid.ndjson", "testdata/mixed.ndjson"} {
		w, err := loadWorkload(name)
		if err != nil || len(w.lines) == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := loadWorkload("testdata/missing.ndjson"); err == nil {
		t.Error("missing file loaded")
	}
}
