//go:build !linux

package ws

import "syscall"

// readWait is the shallow wait of readwait_linux.go; elsewhere the reader
// waits in gorilla's read, which only costs a larger stack.
type readWait struct{}

func (t *tap) newReadWait(syscall.RawConn) readWait { return readWait{} }

func (t *tap) wait() {}

// readSocket is never called: nothing sets tap.polling here.
func (t *tap) readSocket(p []byte) (int, error) { return t.BatchConn.Read(p) }
