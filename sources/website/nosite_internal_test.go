package website

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"
)

func TestNoSite(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	for err, want := range map[error]bool{
		&unreachableError{fmt.Errorf("sending request: %w", &net.DNSError{Err: "no such host", Name: "x.nl", IsNotFound: true})}:        true,
		&unreachableError{fmt.Errorf("sending request: %w", refused)}:                                                                   true,
		&unreachableError{fmt.Errorf("sending request: %w", &net.DNSError{Err: "server misbehaving", Name: "x.nl", IsTemporary: true})}: false,
		&unreachableError{fmt.Errorf("sending request: %w", context.DeadlineExceeded)}:                                                  false,
		fmt.Errorf("reading robots.txt: %w", refused):                                                                                   false, // not from a start's first contact
		errors.New("unexpected http status 503"):                                                                                        false,
	} {
		if got := noSite(err); got != want {
			t.Errorf("noSite(%v) = %v, want %v", err, got, want)
		}
	}
}
