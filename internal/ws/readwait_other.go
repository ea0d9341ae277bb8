//go:build !linux

package ws

import "net"

// readWait is the shallow wait of readwait_linux.go; elsewhere the reader
// waits in gorilla's read, which only costs a larger stack.
type readWait struct{}

func newReadWait(net.Conn) readWait { return readWait{} }

func (t *tap) wait() {}
