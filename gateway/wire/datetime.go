package wire

import (
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// DateTime is a JSON Schema "date-time" (RFC 3339): the instant as a
// time.Time, plus the text it was sent as, so that encoding it again gives
// the same text ("2026-07-04T04:21:14.000+02:00" stays as it came, where
// time.Time would write "2026-07-04T04:21:14+02:00"). A DateTime made with
// NewDateTime, or whose Time was changed, is written in RFC 3339 with as
// many fractional digits as it needs.
type DateTime struct {
	time.Time
	text string
}

// NewDateTime wraps t.
func NewDateTime(t time.Time) DateTime { return DateTime{Time: t} }

// String returns the text it was sent as, or t in RFC 3339.
func (d DateTime) String() string {
	if d.text != "" {
		if t, err := parseDateTime(d.text); err == nil && t.Equal(d.Time) && t.Location().String() == d.Location().String() {
			return d.text
		}
	}
	return d.Format(time.RFC3339Nano)
}

// MarshalJSON writes the date-time as a JSON string.
func (d DateTime) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads an RFC 3339 date-time, as JSON Schema's "date-time"
// format accepts it: 't' and 'z' in either case, a leap second.
func (d *DateTime) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New("wire: a DateTime takes a JSON string")
	}
	t, err := parseDateTime(s)
	if err != nil {
		return err
	}
	*d = DateTime{Time: t, text: s}
	return nil
}

func parseDateTime(s string) (time.Time, error) {
	u := strings.ToUpper(s)
	leap := false
	// hh:mm:60 is a valid leap second; time.Parse refuses it, so it is read
	// as :59 plus one second.
	if len(u) > 19 && u[10] == 'T' && u[16:19] == ":60" {
		u = u[:17] + "59" + u[19:]
		leap = true
	}
	t, err := time.Parse(time.RFC3339Nano, u)
	if err != nil {
		return time.Time{}, errors.New("wire: " + s + " is not an RFC 3339 date-time")
	}
	if leap {
		t = t.Add(time.Second)
	}
	return t, nil
}
