package whsign

import (
	"net/http"
	"strings"
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
	h := http.Header{}
	s.SetHeaders(h, specID, specTime, []byte(specBody))
	if h.Get(HeaderID) != specID || h.Get(HeaderTimestamp) != "1614265330" || h.Get(HeaderSignature) != want {
		t.Errorf("headers %v", h)
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
