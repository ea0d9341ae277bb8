//go:build linux && race

package wsio

import "syscall"

// sysRead is read(2) through syscall.Read, whose race annotations a raw
// call lacks (rawio_linux.go says what they are for): only race builds
// use it, and the monitor thread it wakes is of no matter there.
func sysRead(fd uintptr, p []byte) (int, syscall.Errno) {
	n, err := syscall.Read(int(fd), p)
	return n, errnoOf(err)
}

// sysWrite is sysRead's write(2), through syscall.Write.
func sysWrite(fd uintptr, p []byte) (int, syscall.Errno) {
	n, err := syscall.Write(int(fd), p)
	return n, errnoOf(err)
}

// errnoOf is the Errno that syscall.Read and syscall.Write return as an
// error, 0 for none.
func errnoOf(err error) syscall.Errno {
	e, _ := err.(syscall.Errno)
	return e
}
