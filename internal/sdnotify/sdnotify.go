// Package sdnotify tells systemd how the service is doing, over the
// datagram socket systemd names in $NOTIFY_SOCKET (sd_notify(3)): a unit
// with Type=notify counts as started only once READY=1 arrives, which is
// when the listener is open, not when the process is.
package sdnotify

import (
	"net"
	"strings"
)

// The states the gateway reports.
const (
	Ready     = "READY=1"
	Reloading = "RELOADING=1"
	Stopping  = "STOPPING=1"
)

// Notifier sends states to one socket; the zero value (no socket, as when
// not run by systemd) sends nothing.
type Notifier struct {
	socket string
}

// New returns a Notifier for the socket path systemd gave; "" disables it.
func New(socket string) Notifier {
	return Notifier{socket: socket}
}

// Notify sends the newline-separated states, e.g. "READY=1" or
// "STATUS=serving". Errors matter only to a caller that cares; a gateway
// that cannot tell systemd it is ready is one systemd will time out.
func (n Notifier) Notify(states ...string) error {
	if n.socket == "" {
		return nil
	}
	name := n.socket
	if strings.HasPrefix(name, "@") { // an abstract socket
		name = "\x00" + name[1:]
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.Write([]byte(strings.Join(states, "\n")))
	return err
}
