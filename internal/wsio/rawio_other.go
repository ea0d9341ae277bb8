//go:build !linux

package wsio

import "net"

// rawWriter is Linux's (rawio_linux.go); elsewhere writes go through
// net.Conn.
type rawWriter struct{}

func newRawWriter(net.Conn) *rawWriter { return nil }

func (*rawWriter) write([]byte) (int, error) { panic("wsio: no raw writes on this platform") }
