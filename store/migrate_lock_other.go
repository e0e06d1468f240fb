//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package store

import "context"

// lockFile is a no-op where flock is unavailable: concurrent first starts on
// one SQLite file must then be avoided by the operator.
func lockFile(ctx context.Context, path string) (unlock func(), err error) {
	return func() {}, nil
}
