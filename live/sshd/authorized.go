package sshd

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	gossh "golang.org/x/crypto/ssh"

	"github.com/threatdeck/threatdeck/model"
)

// maxNameRunes bounds a participant's name taken from a key's comment, so a
// long comment cannot crowd the header everyone sees.
const maxNameRunes = 32

// roleOption is the authorized_keys option that gives a key its role:
//
//	role=observer ssh-ed25519 AAAA… carol@laptop
//	role="facilitator" ssh-ed25519 AAAA… alice
//
// A key without it is a participant. Other OpenSSH options (no-pty,
// command=…) are accepted and ignored: threatdeck only ever runs its TUI.
const roleOption = "role"

// AuthorizedKey is one usable line of an authorized_keys file.
type AuthorizedKey struct {
	Key gossh.PublicKey
	// Fingerprint is the key's SHA256 fingerprint, as ssh-keygen -l shows it.
	Fingerprint string
	// Name is the line's comment, cleaned of control characters and cut
	// to a header-friendly length; "" when the line has none.
	Name string
	// Role is from the role= option; "" means none was given.
	Role model.Role
	// Line is the 1-based line number, for messages.
	Line int
}

// LineError is a line of an authorized_keys file that was skipped. It
// never quotes the key material.
type LineError struct {
	Line int
	Msg  string
}

func (e LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// ParseAuthorizedKeys reads an authorized_keys file: one key per line,
// optionally preceded by comma-separated options and followed by a comment;
// blank lines and lines starting with # are skipped. A bad line is reported
// with its number and does not stop the others from being read. A key listed
// twice keeps its first line.
func ParseAuthorizedKeys(data []byte) ([]AuthorizedKey, []LineError) {
	var (
		keys []AuthorizedKey
		bad  []LineError
		seen = map[string]int{}
	)
	for n, line := range bytes.Split(data, []byte("\n")) {
		num := n + 1
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		k, err := parseAuthorizedLine(line)
		if err != "" {
			bad = append(bad, LineError{Line: num, Msg: err})
			continue
		}
		k.Line = num
		id := string(k.Key.Marshal())
		if first, ok := seen[id]; ok {
			bad = append(bad, LineError{Line: num, Msg: fmt.Sprintf("the same key as line %d, which is used", first)})
			continue
		}
		seen[id] = num
		keys = append(keys, k)
	}
	return keys, bad
}

// parseAuthorizedLine parses one non-blank, non-comment line; the error is
// a phrase for LineError.
func parseAuthorizedLine(line []byte) (AuthorizedKey, string) {
	if !utf8.Valid(line) {
		return AuthorizedKey{}, "is not valid UTF-8"
	}
	// ParseAuthorizedKey skips lines it cannot read and goes on to the
	// next; given a single line, "rest" is empty and an error means this
	// line is bad.
	key, comment, options, _, err := gossh.ParseAuthorizedKey(line)
	if err != nil {
		return AuthorizedKey{}, "is not a public key (expected [options] type base64 [comment])"
	}
	if _, ok := key.(*gossh.Certificate); ok {
		return AuthorizedKey{}, "is a certificate; list the plain public key"
	}
	k := AuthorizedKey{Key: key, Fingerprint: gossh.FingerprintSHA256(key), Name: cleanName(comment)}
	for _, opt := range options {
		name, value, _ := strings.Cut(opt, "=")
		if !strings.EqualFold(strings.TrimSpace(name), roleOption) {
			continue
		}
		role, ok := parseRole(strings.Trim(strings.TrimSpace(value), `"`))
		if !ok {
			return AuthorizedKey{}, fmt.Sprintf("unknown role %q (facilitator, participant or observer)", cleanName(value))
		}
		k.Role = role
	}
	return k, ""
}

// parseRole reads a role name, in any case.
func parseRole(s string) (model.Role, bool) {
	switch r := model.Role(strings.ToLower(s)); r {
	case model.RoleFacilitator, model.RoleParticipant, model.RoleObserver:
		return r, true
	}
	return "", false
}

// cleanName makes a key comment safe to draw: no control characters or
// escapes, one line, at most maxNameRunes runes ("…" marks a cut).
func cleanName(s string) string {
	s = model.CleanLine(s)
	if utf8.RuneCountInString(s) <= maxNameRunes {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:maxNameRunes-1])) + "…"
}
