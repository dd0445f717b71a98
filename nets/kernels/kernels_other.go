//go:build !amd64

package kernels

// available lists the implementations this machine can run, slowest first.
func available() []impl { return []impl{goImpl()} }
