//go:build !linux

package wsio

import (
	"net"
	"syscall"
)

// rawWriter is Linux's (rawio_linux.go); elsewhere writes go through
// net.Conn, since rawConnOf finds no socket to write raw.
type rawWriter struct{}

func newRawWriter() *rawWriter { return &rawWriter{} }

func rawConnOf(net.Conn) syscall.RawConn { return nil }

func (*rawWriter) write(syscall.RawConn, []byte) (int, error) {
	panic("wsio: no raw writes on this platform")
}

type rawReadConn struct{ *BatchConn }

func newRawReadConn(*BatchConn) *rawReadConn {
	panic("wsio: no raw reads on this platform")
}
