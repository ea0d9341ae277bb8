//go:build !linux

package action

import "net"

// idleCheck is directidle_linux.go's peek at an idle connection; elsewhere
// only the answers left in the read buffer (direct.put) are caught, and a
// connection the receiver closed costs the one resend that post makes.
type idleCheck struct{}

func (ic *idleCheck) init(net.Conn) {}

func (ic *idleCheck) spoke() bool { return false }
