package wsio

import "io"

// ReadAll reads r to its end into b, reusing b's capacity: gorilla's
// ReadMessage starts at 512 bytes and reallocates as a message grows.
func ReadAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}
