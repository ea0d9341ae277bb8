//go:build linux && !race

package wsio

import (
	"syscall"
	"unsafe"
)

// sysRead is read(2) on fd, which must be non-blocking, made without
// the scheduler's bookkeeping for a call that might block
// (rawio_linux.go says why).
func sysRead(fd uintptr, p []byte) (int, syscall.Errno) {
	n, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	return int(n), e
}

// sysWrite is sysRead's write(2).
func sysWrite(fd uintptr, p []byte) (int, syscall.Errno) {
	n, _, e := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	return int(n), e
}
