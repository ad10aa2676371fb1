package sshd

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/threatdeck/threatdeck/model"
)

// AuthorizedKeysFile is the authorized_keys file's name beside the workbook.
const AuthorizedKeysFile = "authorized_keys"

// identity is who an accepted key belongs to.
type identity struct {
	Name        string
	Role        model.Role
	Fingerprint string
}

// keyring answers "may this key join, and as whom" from the authorized_keys
// file and the --facilitator/--observer keys. The file is read again when
// it changes, so a facilitator can add a latecomer's key without
// restarting; a file that has become unreadable keeps the last good list.
type keyring struct {
	path string
	logf func(format string, args ...any)
	// roles maps a fingerprint given with --facilitator/--observer to its
	// role; extra holds the keys given in full there, which are authorized
	// even when the file does not list them.
	roles map[string]model.Role
	extra []AuthorizedKey

	mu      sync.Mutex
	mtime   time.Time
	size    int64
	byKey   map[string]AuthorizedKey
	checked time.Time
	// lastErr is the last reload failure logged.
	lastErr string
}

// recheck bounds how often the file is looked at: each authentication
// attempt would otherwise stat it.
const recheck = time.Second

// newKeyring reads path and resolves the role flags. A flag that names a
// fingerprint no key has is an error: the facilitator meant someone.
func newKeyring(path string, facilitators, observers []string, logf func(string, ...any)) (*keyring, error) {
	k := &keyring{path: path, logf: logf, roles: map[string]model.Role{}}
	for _, spec := range []struct {
		flag string
		list []string
		role model.Role
	}{{"facilitator", facilitators, model.RoleFacilitator}, {"observer", observers, model.RoleObserver}} {
		for _, s := range spec.list {
			fp, key, err := parseKeySpec(s)
			if err != nil {
				return nil, fmt.Errorf("--%s: %w", spec.flag, err)
			}
			if prev, ok := k.roles[fp]; ok && prev != spec.role {
				return nil, fmt.Errorf("--%s: key %s is also given as %s", spec.flag, fp, prev)
			}
			k.roles[fp] = spec.role
			if key != nil {
				k.extra = append(k.extra, AuthorizedKey{Key: key.Key, Fingerprint: fp, Name: key.Name, Role: spec.role})
			}
		}
	}
	if err := k.load(true); err != nil {
		return nil, err
	}
	for fp, role := range k.roles {
		if !k.knows(fp) {
			return nil, fmt.Errorf("--%s %s matches no key in %s; give the whole public key or add it there", role, fp, path)
		}
	}
	return k, nil
}

func (k *keyring) knows(fp string) bool {
	for _, a := range k.byKey {
		if a.Fingerprint == fp {
			return true
		}
	}
	for _, a := range k.extra {
		if a.Fingerprint == fp {
			return true
		}
	}
	return false
}

// load reads the file if it changed since the last read. first makes a
// missing or unreadable file an error rather than a logged warning.
func (k *keyring) load(first bool) error {
	fi, err := os.Stat(k.path)
	if err == nil && !first && fi.ModTime().Equal(k.mtime) && fi.Size() == k.size {
		return nil
	}
	var data []byte
	if err == nil {
		if fi.Mode().Perm()&0o022 != 0 {
			err = fmt.Errorf("%s may be changed by other users (mode %04o); run chmod 600 on it", k.path, fi.Mode().Perm())
		} else {
			data, err = os.ReadFile(k.path)
		}
	}
	switch {
	case errors.Is(err, fs.ErrNotExist) && len(k.extra) > 0:
		// Only --facilitator/--observer keys: a valid set-up.
		k.byKey, k.mtime, k.size, k.lastErr = map[string]AuthorizedKey{}, time.Time{}, 0, ""
		return nil
	case errors.Is(err, fs.ErrNotExist):
		err = fmt.Errorf("no authorized keys file at %s; list each participant's public key there, one a line", k.path)
	}
	if err != nil {
		if first {
			return err
		}
		// Said once, not at every login attempt while it lasts.
		if msg := err.Error(); msg != k.lastErr {
			k.lastErr = msg
			k.logf("authorized keys not reloaded, the last list stays in use: %v", err)
		}
		return nil
	}
	k.lastErr = ""
	keys, bad := ParseAuthorizedKeys(data)
	for _, b := range bad {
		k.logf("%s %v; that line is skipped", k.path, b)
	}
	byKey := make(map[string]AuthorizedKey, len(keys))
	for _, a := range keys {
		byKey[string(a.Key.Marshal())] = a
	}
	k.byKey, k.mtime, k.size = byKey, fi.ModTime(), fi.Size()
	return nil
}

// lookup returns who key belongs to, or false if it may not join.
func (k *keyring) lookup(key gossh.PublicKey) (identity, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if now := time.Now(); now.Sub(k.checked) >= recheck {
		k.checked = now
		_ = k.load(false)
	}
	a, ok := k.byKey[string(key.Marshal())]
	if !ok {
		m := key.Marshal()
		for _, e := range k.extra {
			if bytes.Equal(e.Key.Marshal(), m) {
				a, ok = e, true
				break
			}
		}
	}
	if !ok {
		return identity{}, false
	}
	id := identity{Name: a.Name, Role: a.Role, Fingerprint: a.Fingerprint}
	if r, ok := k.roles[a.Fingerprint]; ok {
		id.Role = r
	}
	if id.Role == "" {
		id.Role = model.RoleParticipant
	}
	return id, true
}

// parseKeySpec reads a --facilitator/--observer value: a SHA256
// fingerprint (as ssh-keygen -l prints it), a public key in
// authorized_keys form, or the path of a .pub file.
func parseKeySpec(s string) (fingerprint string, key *AuthorizedKey, err error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "SHA256:") && !strings.ContainsAny(s, " \t") {
		return s, nil, nil
	}
	line := []byte(s)
	if !strings.ContainsAny(s, " \t") {
		// No space: not a key line, so perhaps a file.
		data, rerr := os.ReadFile(s)
		if rerr != nil {
			return "", nil, fmt.Errorf("%q is neither a SHA256: fingerprint, a public key nor a readable .pub file", s)
		}
		line = bytes.TrimSpace(data)
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
	}
	a, msg := parseAuthorizedLine(line)
	if msg != "" {
		return "", nil, fmt.Errorf("the key given %s", msg)
	}
	return a.Fingerprint, &a, nil
}
