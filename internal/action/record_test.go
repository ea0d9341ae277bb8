package action

import (
	"testing"

	"google.golang.org/grpc/codes"
)

func TestEncodeRecord(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"object", `{"a":1}`, `{"id":"e1","type":"person","version":2,"received":"2026-01-02T03:04:05.000000006Z","data":{"a":1}}` + "\n"},
		{"pretty printed becomes one line", "{\n  \"a\": [1, 2],\n  \"b\": \"x y\"\n}", `{"id":"e1","type":"person","version":2,"received":"2026-01-02T03:04:05.000000006Z","data":{"a":[1,2],"b":"x y"}}` + "\n"},
		{"escapes and numbers kept", `{"s":"<\u00e9>\n","n":1.50e3}`, `{"id":"e1","type":"person","version":2,"received":"2026-01-02T03:04:05.000000006Z","data":{"s":"<\u00e9>\n","n":1.50e3}}` + "\n"},
		{"no data", ``, `{"id":"e1","type":"person","version":2,"received":"2026-01-02T03:04:05.000000006Z","data":null}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EncodeRecord(event("e1", tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestEncodeRecordRefusesNonJSON(t *testing.T) {
	_, err := EncodeRecord(event("e1", `{"a":`))
	wantCode(t, err, codes.Internal)
}
