package testkit

import (
	"bytes"
	"sync"
)

// Buffer collects what a server or process writes (its log, say) while
// the test reads it: safe for concurrent writers and readers.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns all that was written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Tail returns the last n bytes written, for a failure message that shows
// how a long log ends.
func (s *Buffer) Tail(n int) string {
	all := s.String()
	if len(all) > n {
		return "…" + all[len(all)-n:]
	}
	return all
}
