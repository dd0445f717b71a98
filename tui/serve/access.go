package serve

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// DefaultHostKeyPath is where the server keeps its host key:
// os.UserConfigDir()/rnnscope/host_ed25519 (~/.config/rnnscope on Linux).
func DefaultHostKeyPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no folder for the host key: %w", err)
	}
	return filepath.Join(dir, "rnnscope", "host_ed25519"), nil
}

// HostKey loads the server's ed25519 host key from path, or creates it there on
// first start: the folder with mode 0700, the key (OpenSSH PEM) with 0600,
// written to a temporary file and renamed, so students see the same host key
// every class. A key that others can read is refused, as OpenSSH does.
func HostKey(path string) (gossh.Signer, error) {
	if data, err := os.ReadFile(path); err == nil {
		fi, err := os.Stat(path)
		if err != nil {
			return nil, err
		}
		if fi.Mode().Perm()&0o077 != 0 {
			return nil, fmt.Errorf("host key %s can be read by others (mode %04o): chmod 600 it", path, fi.Mode().Perm())
		}
		s, err := gossh.ParsePrivateKey(data)
		if err != nil {
			return nil, fmt.Errorf("host key %s: %w", path, err)
		}
		return s, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := gossh.MarshalPrivateKey(priv, "rnnscope serve host key")
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, ".host_ed25519-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	if err := f.Chmod(0o600); err != nil {
		_ = f.Close()
		return nil, err
	}
	if err := pem.Encode(f, block); err != nil {
		_ = f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return nil, err
	}
	return gossh.NewSignerFromKey(priv)
}

// AuthorizedKeys reads an OpenSSH authorized_keys file. Every line must parse:
// a typo would otherwise lock a student out without a word.
func AuthorizedKeys(path string) ([]gossh.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var keys []gossh.PublicKey
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		k, _, _, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("no keys: nobody could connect")
	}
	return keys, nil
}

// IsLoopback reports whether a listen address only accepts connections from
// this machine: 127.0.0.0/8, ::1 or localhost. An empty host (all addresses)
// is not.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
