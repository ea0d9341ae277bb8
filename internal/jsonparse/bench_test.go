package jsonparse

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// orderFrame is a realistic ~1.5 KB order event: nested objects, an array
// of line items, numbers of several shapes and a few escaped strings.
const orderFrame = `{
  "id": "ord-7f3c2a91-4b8e-4d6a-9c1f-2e5b8a7d0c34",
  "type": "order.created",
  "version": 3,
  "timestamp": "2025-03-14T09:26:53.589Z",
  "customer": {
    "id": "cus-001928",
    "name": "Jane \"JD\" Doe",
    "email": "jane.doe@example.com",
    "vip": true,
    "tags": ["returning", "newsletter", "eu"],
    "address": {
      "street": "221B Baker Street",
      "city": "London",
      "postcode": "NW1 6XE",
      "country": "GB",
      "geo": {"lat": 51.523767, "lon": -0.1585557}
    }
  },
  "items": [
    {"sku": "BK-1001", "title": "The Go Programming Language", "qty": 1, "unitPrice": 34.99, "currency": "GBP", "discount": null},
    {"sku": "BK-2044", "title": "Designing Data-Intensive Applications", "qty": 2, "unitPrice": 41.5, "currency": "GBP", "discount": {"code": "SPRING10", "percent": 10}},
    {"sku": "MG-0007", "title": "Caf\u00e9 mug \u2615", "qty": 4, "unitPrice": 8, "currency": "GBP", "discount": null},
    {"sku": "ST-3310", "title": "Sticker pack", "qty": 10, "unitPrice": 1.25, "currency": "GBP", "discount": null}
  ],
  "shipping": {"method": "express", "cost": 6.95, "estimatedDays": 2, "tracking": null},
  "payment": {"method": "card", "brand": "visa", "last4": "4242", "authorized": true, "amount": 182.21, "captured": false},
  "notes": "Leave at the door.\nRing twice.",
  "metadata": {"source": "web", "campaign": "spring-sale-2025", "abTest": "checkout-v2", "sessionId": 123456789012345678901234567890, "score": 9.75e-1},
  "flags": {"gift": false, "fragile": true, "priority": 1}
}`

const personFrame = `{"name":"John","age":30,"city":"New York"}`

// BenchmarkParse compares Parse and Valid with encoding/json doing the same
// job: decoding into any with UseNumber, which is what Parse replaces.
// Plain Unmarshal (float64 numbers) is listed as a reference point.
func BenchmarkParse(b *testing.B) {
	parsers := []struct {
		name string
		run  func([]byte) error
	}{
		{"jsonparse", func(in []byte) error { _, err := Parse(in, 0); return err }},
		{"encoding_json", func(in []byte) error {
			dec := json.NewDecoder(bytes.NewReader(in))
			dec.UseNumber()
			var v any
			return dec.Decode(&v)
		}},
		{"encoding_json_no_usenumber", func(in []byte) error { var v any; return json.Unmarshal(in, &v) }},
		{"valid", func(in []byte) error { return Valid(in, 0) }},
		{"encoding_json_valid", func(in []byte) error {
			if !json.Valid(in) {
				return errors.New("invalid")
			}
			return nil
		}},
	}
	for _, frame := range []struct{ name, in string }{{"order", orderFrame}, {"person", personFrame}} {
		in := []byte(frame.in)
		for _, p := range parsers {
			b.Run(frame.name+"/"+p.name, func(b *testing.B) {
				b.SetBytes(int64(len(in)))
				b.ReportAllocs()
				for b.Loop() {
					if err := p.run(in); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkParseObject(b *testing.B) {
	in := []byte(`{"id":"c-1","type":"person","version":1,"data":{"name":"John","age":30,"city":"New York"}}`)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseObject(in, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBenchmarkInputsParse(t *testing.T) {
	if len(orderFrame) < 1400 || len(orderFrame) > 1700 {
		t.Errorf("orderFrame is %d bytes, want about 1.5 KB", len(orderFrame))
	}
	for _, in := range []string{orderFrame, personFrame} {
		checkAgainstEncodingJSON(t, []byte(in))
	}
}

// BenchmarkDelimit prices finding the end of a value by its quotes,
// escapes and brackets alone, beside Skip, which reads it by the rules:
// the pipeline delimits the data of a frame it reads whole anyway.
func BenchmarkDelimit(b *testing.B) {
	for _, in := range []struct{ name, text string }{{"order", orderFrame}, {"person", personFrame}} {
		data := []byte(in.text)
		b.Run(in.name+"/delimit", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				if r := NewReader(data, 0); !r.Delimit() {
					b.Fatal("not delimited")
				}
			}
		})
		b.Run(in.name+"/skip", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				if r := NewReader(data, 0); !r.Skip() {
					b.Fatal("not read")
				}
			}
		})
	}
}
