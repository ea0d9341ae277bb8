package wire

import (
	"encoding/json"
	"testing"
	"time"
)

func TestNumberKeepsEveryDigit(t *testing.T) {
	for _, lit := range []string{"0", "-0", "19.99", "0.1", "12345678901234567890123", "1e400", "-2.5E-3"} {
		var n Number
		if err := json.Unmarshal([]byte(lit), &n); err != nil {
			t.Fatalf("%s: %v", lit, err)
		}
		out, err := json.Marshal(struct{ N Number }{n})
		if err != nil || string(out) != `{"N":`+lit+`}` {
			t.Fatalf("%s: %s %v", lit, out, err)
		}
	}
	for _, bad := range []string{`"1"`, `01`, `1.`, `.5`, `+1`, `null`, `1e`, `true`} {
		var n Number
		if err := json.Unmarshal([]byte(bad), &n); err == nil {
			t.Errorf("%s: accepted as a Number", bad)
		}
	}
	if _, err := json.Marshal(Number("1,2")); err == nil {
		t.Error("a Number that is not a literal encoded")
	}
	if out, _ := json.Marshal(Number("")); string(out) != "0" {
		t.Errorf("zero Number = %s, want 0", out)
	}
	if i, err := Number("3.0e1").Int64(); err != nil || i != 30 {
		t.Errorf("Int64(3.0e1) = %d, %v", i, err)
	}
	if _, err := Number("99999999999999999999").Int64(); err == nil {
		t.Error("Int64 past int64 range did not fail")
	}
}

func TestDateTimeKeepsItsText(t *testing.T) {
	for _, in := range []string{"2026-07-04T04:21:14Z", "2026-07-04T04:21:14.000+02:00", "2026-07-04t04:21:14z", "2016-12-31T23:59:60Z"} {
		var d DateTime
		if err := json.Unmarshal([]byte(`"`+in+`"`), &d); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		out, _ := json.Marshal(d)
		if string(out) != `"`+in+`"` {
			t.Errorf("%s came back as %s", in, out)
		}
	}
	var d DateTime
	_ = json.Unmarshal([]byte(`"2026-07-04T04:21:14Z"`), &d)
	d.Time = d.Add(time.Hour)
	if out, _ := json.Marshal(d); string(out) != `"2026-07-04T05:21:14Z"` {
		t.Errorf("a changed DateTime wrote %s", out)
	}
	if out, _ := json.Marshal(NewDateTime(time.Date(2026, 1, 2, 3, 4, 5, 6e8, time.UTC))); string(out) != `"2026-01-02T03:04:05.6Z"` {
		t.Errorf("NewDateTime wrote %s", out)
	}
	if err := json.Unmarshal([]byte(`"yesterday"`), &d); err == nil {
		t.Error("accepted a date-time that is not RFC 3339")
	}
}

func TestKeyString(t *testing.T) {
	if s := (Key{Type: "order.placed", Version: 1}).String(); s != "order.placed v1" {
		t.Fatal(s)
	}
}
