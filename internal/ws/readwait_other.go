//go:build !linux

package ws

// readWaiter is the shallow wait of readwait_linux.go; elsewhere the
// reader waits in gorilla's read, which only costs a larger stack.
type readWaiter struct{}

func newReadWaiter(*batchConn, *Server) readWaiter { return readWaiter{} }

func (c *conn) awaitFrame() {}
