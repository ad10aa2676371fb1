package sshd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	gossh "golang.org/x/crypto/ssh"

	"github.com/threatdeck/threatdeck/model"
)

func TestParseAuthorizedKeys(t *testing.T) {
	a, b, c := newClientKey(t), newClientKey(t), newClientKey(t)
	type want struct {
		name string
		role model.Role
		line int
	}
	tests := []struct {
		name    string
		file    string
		keys    []want
		badLine []int
		badText []string
	}{
		{"empty", "", nil, nil, nil},
		{"comments and blank lines", "# room 4\n\n   \n\t# indented comment\n" + a.line + " alice\n", []want{{"alice", "", 5}}, nil, nil},
		{"no comment", a.line, []want{{"", "", 1}}, nil, nil},
		{"CRLF line ends", a.line + " alice\r\n" + b.line + " bob\r\n", []want{{"alice", "", 1}, {"bob", "", 2}}, nil, nil},
		{"role marker", `role=observer ` + a.line + " carol\n" + `no-pty,role="Facilitator" ` + b.line + " ann\n",
			[]want{{"carol", model.RoleObserver, 1}, {"ann", model.RoleFacilitator, 2}}, nil, nil},
		{"other options ignored", `command="rm -rf /",no-port-forwarding ` + a.line + " dan\n", []want{{"dan", "", 1}}, nil, nil},
		{"comment with spaces", a.line + " Dana Scully (laptop)\n", []want{{"Dana Scully (laptop)", "", 1}}, nil, nil},
		{"bad lines do not stop the others",
			"ssh-ed25519 notbase64 x\n" + a.line + " alice\nhello world\n" + `role=boss ` + b.line + " bob\n" + c.line + " carol\n",
			[]want{{"alice", "", 2}, {"carol", "", 5}}, []int{1, 3, 4}, []string{"not a public key", "not a public key", `unknown role "boss"`}},
		{"a key listed twice keeps its first line", a.line + " first\n" + a.line + " second\n", []want{{"first", "", 1}}, []int{2}, []string{"same key as line 1"}},
		{"escapes in the comment are removed", a.line + " eve\x1b[31mred\x07\n", []want{{"evered", "", 1}}, nil, nil},
		{"invalid UTF-8", a.line + " bad\xff\n", nil, []int{1}, []string{"UTF-8"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			keys, bad := ParseAuthorizedKeys([]byte(tc.file))
			if len(keys) != len(tc.keys) {
				t.Fatalf("%d keys; want %d (bad: %v)", len(keys), len(tc.keys), bad)
			}
			for i, w := range tc.keys {
				if k := keys[i]; k.Name != w.name || k.Role != w.role || k.Line != w.line || k.Fingerprint != gossh.FingerprintSHA256(k.Key) {
					t.Errorf("key %d = {%q %q line %d}; want {%q %q line %d}", i, k.Name, k.Role, k.Line, w.name, w.role, w.line)
				}
			}
			if len(bad) != len(tc.badLine) {
				t.Fatalf("bad lines %v; want lines %v", bad, tc.badLine)
			}
			for i, e := range bad {
				if e.Line != tc.badLine[i] || !strings.Contains(e.Error(), tc.badText[i]) {
					t.Errorf("bad line %v; want line %d saying %q", e, tc.badLine[i], tc.badText[i])
				}
				// The report never quotes key material.
				for _, k := range []clientKey{a, b, c} {
					if strings.Contains(e.Error(), strings.Fields(k.line)[1][:16]) {
						t.Errorf("%v quotes a key", e)
					}
				}
			}
		})
	}
}

func TestCleanNameIsCut(t *testing.T) {
	long := strings.Repeat("n", 40)
	got := cleanName(long)
	if utf8.RuneCountInString(got) != maxNameRunes || !strings.HasSuffix(got, "…") {
		t.Errorf("cleanName(40 runes) = %q; want %d runes ending in …", got, maxNameRunes)
	}
}

func FuzzParseAuthorizedKeys(f *testing.F) {
	k := newClientKey(f)
	for _, seed := range []string{
		"", "#\n", k.line + " alice\n", `role="observer" ` + k.line + " x",
		`command="a,b",role=facilitator ` + k.line, "ssh-ed25519 AAAA\n\n" + k.line, "role= " + k.line + " \x1b]0;t\a",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, bad := ParseAuthorizedKeys(data)
		lines := strings.Count(string(data), "\n") + 1
		for _, k := range keys {
			if k.Key == nil || k.Line < 1 || k.Line > lines {
				t.Fatalf("key %+v out of %d lines", k, lines)
			}
			if !utf8.ValidString(k.Name) || strings.ContainsAny(k.Name, "\x1b\a\n\r\t") || utf8.RuneCountInString(k.Name) > maxNameRunes {
				t.Fatalf("unsafe name %q", k.Name)
			}
			switch k.Role {
			case "", model.RoleFacilitator, model.RoleParticipant, model.RoleObserver:
			default:
				t.Fatalf("role %q", k.Role)
			}
		}
		for _, e := range bad {
			if e.Line < 1 || e.Line > lines || strings.ContainsAny(e.Error(), "\x1b\a\n") {
				t.Fatalf("bad-line report %q out of %d lines", e.Error(), lines)
			}
		}
	})
}

func TestKeyringRoles(t *testing.T) {
	ann, bob, carol, outsider := newClientKey(t), newClientKey(t), newClientKey(t), newClientKey(t)
	dir := t.TempDir()
	path := filepath.Join(dir, AuthorizedKeysFile)
	writeFile0600(t, path, ann.line+" ann\n"+`role=observer `+bob.line+" bob\n")
	pub := filepath.Join(dir, "carol.pub")
	writeFile0600(t, pub, carol.line+" carol@desk\n")
	fpAnn := gossh.FingerprintSHA256(ann.signer.PublicKey())

	tests := []struct {
		name         string
		facilitators []string
		observers    []string
		wantErr      string
		// who maps a key to the identity wanted; a missing name means refused.
		who map[*clientKey]identity
	}{
		{"file roles", nil, nil, "", map[*clientKey]identity{
			&ann: {Name: "ann", Role: model.RoleParticipant}, &bob: {Name: "bob", Role: model.RoleObserver}, &carol: {}, &outsider: {},
		}},
		{"--facilitator fingerprint and --observer .pub file", []string{fpAnn}, []string{pub}, "", map[*clientKey]identity{
			&ann: {Name: "ann", Role: model.RoleFacilitator}, &carol: {Name: "carol@desk", Role: model.RoleObserver}, &outsider: {},
		}},
		{"--facilitator overrides the file's marker", []string{bob.line}, nil, "", map[*clientKey]identity{
			&bob: {Name: "bob", Role: model.RoleFacilitator},
		}},
		{"a fingerprint nobody has", []string{gossh.FingerprintSHA256(outsider.signer.PublicKey())}, nil, "matches no key", nil},
		{"both roles", []string{fpAnn}, []string{fpAnn}, "also given as facilitator", nil},
		{"not a key", nil, []string{"alice"}, "neither a SHA256: fingerprint", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := newKeyring(path, tc.facilitators, tc.observers, t.Logf)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v; want one saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for key, want := range tc.who {
				got, ok := k.lookup(key.signer.PublicKey())
				if ok != (want.Name != "") || got.Name != want.Name || got.Role != want.Role {
					t.Errorf("lookup(%s) = %+v, %v; want %+v", want.Name, got, ok, want)
				}
			}
		})
	}
}

func TestKeyringRereadsTheFile(t *testing.T) {
	ann, bob := newClientKey(t), newClientKey(t)
	path := filepath.Join(t.TempDir(), AuthorizedKeysFile)
	writeFile0600(t, path, ann.line+" ann\n")
	var logged []string
	k, err := newKeyring(path, nil, nil, func(f string, a ...any) { logged = append(logged, fmt.Sprintf(f, a...)) })
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := k.lookup(bob.signer.PublicKey()); ok {
		t.Fatal("bob accepted before being added")
	}
	writeFile0600(t, path, ann.line+" ann\n"+bob.line+" bob (late)\n")
	k.checked = k.checked.Add(-recheck) // as if a second had passed
	if id, ok := k.lookup(bob.signer.PublicKey()); !ok || id.Name != "bob (late)" {
		t.Errorf("after adding bob: %+v, %v", id, ok)
	}
	// A file that becomes unsafe keeps the last good list.
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}
	writeFile0600(t, path, "") // keeps mode 0666: WriteFile does not chmod an existing file
	for range 2 {
		k.checked = k.checked.Add(-recheck)
		if _, ok := k.lookup(ann.signer.PublicKey()); !ok {
			t.Error("a world-writable file replaced the list")
		}
	}
	if len(logged) != 1 || !strings.Contains(logged[0], "chmod 600") {
		t.Errorf("logged %q; want the unsafe file said once", logged)
	}
}

func TestKeyringMissingOrUnsafeFile(t *testing.T) {
	dir := t.TempDir()
	if _, err := newKeyring(filepath.Join(dir, "none"), nil, nil, t.Logf); err == nil || !strings.Contains(err.Error(), "no authorized keys file") {
		t.Errorf("missing file: %v", err)
	}
	path := filepath.Join(dir, AuthorizedKeysFile)
	writeFile0600(t, path, "")
	if err := os.Chmod(path, 0o622); err != nil {
		t.Fatal(err)
	}
	if _, err := newKeyring(path, nil, nil, t.Logf); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("group-writable file: %v", err)
	}
	// Only --facilitator keys, no file: fine, and said nothing about.
	ann := newClientKey(t)
	var logged []string
	k, err := newKeyring(filepath.Join(dir, "none"), []string{ann.line + " ann"}, nil, func(f string, a ...any) { logged = append(logged, f) })
	if err != nil {
		t.Fatalf("no file but a --facilitator key: %v", err)
	}
	for range 2 {
		k.checked = k.checked.Add(-recheck)
		if id, ok := k.lookup(ann.signer.PublicKey()); !ok || id.Role != model.RoleFacilitator || id.Name != "ann" {
			t.Errorf("the --facilitator key: %+v, %v", id, ok)
		}
	}
	if len(logged) != 0 {
		t.Errorf("logged %q for a set-up without a file", logged)
	}
}

func FuzzParseKeySpec(f *testing.F) {
	k := newClientKey(f)
	for _, seed := range []string{"SHA256:abc", k.line, k.line + " alice", "role=observer " + k.line, "ssh-ed25519 AAAA x", " \t"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !strings.ContainsAny(strings.TrimSpace(s), " \t") && !strings.HasPrefix(strings.TrimSpace(s), "SHA256:") {
			t.Skip("a single word is read as a file path")
		}
		fp, key, err := parseKeySpec(s)
		switch {
		case err != nil:
			if strings.ContainsAny(err.Error(), "\n\x1b") {
				t.Fatalf("error %q is not one clean line", err)
			}
		case key != nil && key.Fingerprint != fp:
			t.Fatalf("fingerprint %q for a key whose own is %q", fp, key.Fingerprint)
		case !strings.HasPrefix(fp, "SHA256:"):
			t.Fatalf("fingerprint %q", fp)
		}
	})
}
