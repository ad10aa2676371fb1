package live

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
)

// maxSocketPath is the longest socket path every Unix takes (sun_path is
// 108 bytes on Linux, 104 on the BSDs, with a terminating NUL).
const maxSocketPath = 103

// SocketPath returns the Unix socket a live host of workbook listens on:
// "<workbook>.sock" beside it, or, when that path is too long for a
// socket, a name hashed from the workbook's path in the same directory,
// or failing that in a private (0700) directory under the system's
// temporary directory. Host and clients compute the same path.
func SocketPath(workbook string) (string, error) {
	abs, err := filepath.Abs(workbook)
	if err != nil {
		return "", fmt.Errorf("cannot resolve workbook path %s: %w", workbook, err)
	}
	// The same workbook through a symlinked directory is the same host.
	if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		abs = filepath.Join(dir, filepath.Base(abs))
	}
	if p := abs + ".sock"; len(p) <= maxSocketPath {
		return p, nil
	}
	sum := sha256.Sum256([]byte(abs))
	name := ".threatdeck-" + hex.EncodeToString(sum[:8]) + ".sock"
	if p := filepath.Join(filepath.Dir(abs), name); len(p) <= maxSocketPath {
		return p, nil
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("threatdeck-%d", os.Getuid()), name), nil
}

// listen creates the host's socket, 0600. The caller holds the workbook's
// lock, so a socket already there was left by a host that died: it is
// replaced. Anything else at that path is left alone.
func listen(sock string) (*net.UnixListener, error) {
	dir := filepath.Dir(sock)
	if err := privateDir(dir); err != nil {
		return nil, err
	}
	if st, err := os.Lstat(sock); err == nil {
		if st.Mode()&fs.ModeSocket == 0 {
			return nil, fmt.Errorf("%s is in the way of the live session's socket and is not a socket; move it away", sock)
		}
		if err := os.Remove(sock); err != nil {
			return nil, fmt.Errorf("cannot replace the stale socket %s: %w", sock, err)
		}
	}
	var ln *net.UnixListener
	var err error
	// The socket is born 0600 (no window in which another user could
	// connect), then set so explicitly.
	withUmask(0o177, func() {
		ln, err = net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	})
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %w", sock, err)
	}
	if err := os.Chmod(sock, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("cannot restrict %s to its owner: %w", sock, err)
	}
	return ln, nil
}

// privateDir makes sure the fallback directory under the temporary
// directory is ours and 0700; the workbook's own directory is the user's
// choice and is left as it is.
func privateDir(dir string) error {
	if filepath.Dir(dir) != filepath.Clean(os.TempDir()) {
		return nil
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("cannot create %s: %w", dir, err)
	}
	st, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !st.IsDir() || st.Mode().Perm() != 0o700 || !ownedByMe(st) {
		return fmt.Errorf("%s is not a private directory of this user; remove it", dir)
	}
	return nil
}
