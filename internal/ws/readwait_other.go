//go:build !linux

package ws

import "net"

// readWait is the shallow wait of readwait_linux.go; elsewhere the reader
// waits in gorilla's read, which only costs a larger stack.
type readWait struct{}

func (t *tap) newReadWait(net.Conn) readWait { return readWait{} }

func (t *tap) wait() {}

// readSocket is never called: nothing sets tap.polling here.
func (t *tap) readSocket(p []byte) (int, error) { return t.BatchConn.Read(p) }
