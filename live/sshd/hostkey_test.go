package sshd

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

func TestHostKeyCreatedPrivateAndReusedOnRestart(t *testing.T) {
	h := newFakeHost(t)
	alice := newClientKey(t)
	keysBeside(t, h, alice.line+" alice")
	path := filepath.Join(filepath.Dir(h.st.Path()), HostKeyFile)

	// Each start: a real server and a client that records the host key.
	var seen [][]byte
	for range 2 {
		s := startServer(t, Config{}, h, nil)
		c, err := gossh.Dial("tcp", s.Addr().String(), &gossh.ClientConfig{
			User: "alice", Auth: []gossh.AuthMethod{gossh.PublicKeys(alice.signer)},
			HostKeyCallback: func(_ string, _ net.Addr, key gossh.PublicKey) error {
				seen = append(seen, key.Marshal())
				return nil
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if len(seen) != 2 || !bytes.Equal(seen[0], seen[1]) {
		t.Error("the host key changed between restarts")
	}
	if k, err := gossh.ParsePublicKey(seen[0]); err != nil || k.Type() != gossh.KeyAlgoED25519 {
		t.Errorf("host key type %v, %v; want ed25519", k, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("host key mode %04o; want 0600", fi.Mode().Perm())
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".hostkey-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestHostKeyDirectoryIs0700(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "dir", HostKeyFile)
	if _, err := LoadHostKey(path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %04o; want 0700", fi.Mode().Perm())
	}
}

func TestHostKeyRefused(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		data string
		mode os.FileMode
		want string
	}{
		{"readable by others", "", 0o644, "chmod 600"},
		{"not a key", "hello\n", 0o600, "not an unencrypted OpenSSH private key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
			data := tc.data
			if data == "" {
				if _, err := LoadHostKey(path); err != nil {
					t.Fatal(err)
				}
			} else {
				writeFile0600(t, path, data)
			}
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			if _, err := LoadHostKey(path); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v; want one saying %q", err, tc.want)
			}
		})
	}
}
