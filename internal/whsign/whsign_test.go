package whsign

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The spec's own example, as the reference libraries test it.
const (
	specSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	specID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	specBody   = `{"test": 2432232314}`
	specSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

var specTime = time.Unix(1614265330, 0)

func TestSignMatchesTheSpec(t *testing.T) {
	for _, secret := range []string{specSecret, strings.TrimPrefix(specSecret, Prefix), " " + specSecret + "\n"} {
		s, err := NewSigner([]string{secret})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Sign(specID, specTime, []byte(specBody)); got != specSig {
			t.Errorf("Sign = %s, want %s", got, specSig)
		}
	}
}

// During a rotation every secret signs, and each signature is the one that
// secret alone would give.
func TestRotationSignsWithEverySecret(t *testing.T) {
	other := "whsec_" + strings.Repeat("QUJD", 8) // 24 bytes of "ABC..."
	s, err := NewSigner([]string{other, specSecret})
	if err != nil {
		t.Fatal(err)
	}
	alone, _ := NewSigner([]string{other})
	want := alone.Sign(specID, specTime, []byte(specBody)) + " " + specSig
	if got := s.Sign(specID, specTime, []byte(specBody)); got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

func TestParseSecretRefuses(t *testing.T) {
	tests := []struct{ name, secret, want string }{
		{"empty", "", "is not whsec_"},
		{"not base64", "whsec_correct horse battery staple!", "is not whsec_"},
		{"too short", "whsec_" + strings.Repeat("QUJD", 7), "decodes to 21 bytes"},
		{"too long", "whsec_" + strings.Repeat("QUJD", 22), "decodes to 66 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSigner([]string{specSecret, tt.secret})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "secret 2") {
				t.Fatalf("err = %v, want secret 2 %s", err, tt.want)
			}
			if tt.secret != "" && strings.Contains(err.Error(), strings.TrimPrefix(tt.secret, Prefix)) {
				t.Errorf("the error quotes the secret: %v", err)
			}
		})
	}
	if _, err := NewSigner(nil); err == nil {
		t.Error("a signer without secrets was made")
	}
}

// Signing from many goroutines at once gives each message its own
// signature (the state reused between messages is never shared).
func TestSignConcurrently(t *testing.T) {
	s, err := NewSigner([]string{specSecret, specSecret})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				body := []byte(fmt.Sprintf(`{"g":%d,"i":%d}`, g, i))
				want := fresh(specSecret, specID, specTime, body)
				if got := s.Sign(specID, specTime, body); got != want+" "+want {
					t.Errorf("Sign = %s, want %s twice", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// fresh is a signature computed from scratch, as the spec writes it.
func fresh(secret, id string, ts time.Time, body []byte) string {
	key, _ := ParseSecret(secret)
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%d.%s", id, ts.Unix(), body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func BenchmarkSign(b *testing.B) {
	for _, keys := range []int{1, 2} {
		b.Run(fmt.Sprint(keys, "keys"), func(b *testing.B) {
			s, err := NewSigner(slices.Repeat([]string{specSecret}, keys))
			if err != nil {
				b.Fatal(err)
			}
			body := []byte(`{"id":"e1","type":"person","version":2,"received":"2026-01-02T03:04:05Z","data":{"name":"John","age":30,"city":"New York"}}`)
			b.ReportAllocs()
			for b.Loop() {
				s.Sign(specID, specTime, body)
			}
		})
	}
}

// An id a header carries as it is goes as it is; any other is derived, and
// the derived form gives it back.
func TestWebhookID(t *testing.T) {
	for _, c := range []struct{ id, want string }{
		{"e1", "e1"},
		{"order 7", "order 7"},
		{"a:b/c~d", "a:b/c~d"},
		{"a\r\nb", IDPrefix + "YQ0KYg"},
		{" e1 ", IDPrefix + "IGUxIA"},
		{"e1\t", IDPrefix + "ZTEJ"},
		{"a\x00b", IDPrefix + "YQBi"},
		{"a\x7fb", IDPrefix + "YX9i"},
		{"Zoë", IDPrefix + "Wm_Dqw"},
		{IDPrefix + "ZTE", IDPrefix + "YjY0flpURQ"},
	} {
		got := WebhookID(c.id)
		back, err := EventID(got)
		if got != c.want || err != nil || back != c.id {
			t.Errorf("WebhookID(%q) = %q (want %q), back %q, %v", c.id, got, c.want, back, err)
		}
	}
	if _, err := EventID(IDPrefix + "*"); err == nil {
		t.Error("EventID took a prefixed id that is not base64url")
	}
}

// Every id gets a webhook-id that a header carries unchanged and that
// gives the id back; EventID never panics.
func FuzzWebhookID(f *testing.F) {
	for _, id := range []string{"e1", " e1 ", "a\r\nb", "Zoë", IDPrefix, IDPrefix + "!"} {
		f.Add(id)
	}
	f.Fuzz(func(t *testing.T, id string) {
		_, _ = EventID(id)
		if id == "" {
			return
		}
		w := WebhookID(id)
		if !headerSafe(strings.TrimPrefix(w, IDPrefix)) || strings.TrimSpace(w) != w {
			t.Fatalf("WebhookID(%q) = %q, which a header would not carry", id, w)
		}
		if back, err := EventID(w); err != nil || back != id {
			t.Fatalf("WebhookID(%q) = %q gives back %q, %v", id, w, back, err)
		}
	})
}
