package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	gossh "golang.org/x/crypto/ssh"

	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/store"
	"github.com/threatdeck/threatdeck/tui"
)

// storeLive is the smallest tui.Live over a real store, for the flags'
// test: the live host is another package's business.
type storeLive struct {
	*store.Store
	events chan model.LiveEvent
}

func (l storeLive) Me() model.Participant          { return model.Participant{Name: "test"} }
func (l storeLive) Events() <-chan model.LiveEvent { return l.events }
func (l storeLive) Announce(model.Presence) error  { return nil }

func TestSSHFlagsStartAndStop(t *testing.T) {
	db := filepath.Join(t.TempDir(), "data", "workbook.db")
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := gossh.NewSignerFromKey(priv)
	keys := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(keys, gossh.MarshalAuthorizedKey(signer.PublicKey()), 0o600); err != nil {
		t.Fatal(err)
	}

	joins := make(chan model.Participant, 4)
	join := func(p model.Participant) (tui.Live, func(), error) {
		joins <- p
		return storeLive{st, make(chan model.LiveEvent)}, func() {}, nil
	}
	cmd := &cobra.Command{Use: "serve"}
	f := addSSHFlags(cmd)
	if err := cmd.ParseFlags([]string{"--listen", "127.0.0.1:0", "--authorized-keys", keys, "--max-sessions", "3", "--observer", keys}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	stop, addr, err := f.start(context.Background(), db, join, sshTUIOptions(), &out, &out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "participants join with: ssh -p ") || !strings.Contains(out.String(), "SHA256:") {
		t.Errorf("start said %q; want the ssh command and the host key fingerprint", out.String())
	}
	if fi, err := os.Stat(filepath.Join(filepath.Dir(db), "ssh_host_ed25519_key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("host key beside the workbook: %v, %v", fi, err)
	}

	sess, stdout := sshShell(t, addr.String(), signer)
	if !outputShows(stdout, "Welcome", 10*time.Second) {
		t.Fatal("no welcome screen over SSH")
	}
	if p := <-joins; p.Role != model.RoleObserver || len(joins) != 0 {
		t.Errorf("joined as %+v (and %d more); want one observer (--observer)", p, len(joins))
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Errorf("second stop: %v", err)
	}
	if err := sess.Wait(); err == nil {
		t.Error("the session outlived stop")
	}
}

func TestSSHFlagsRefused(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--listen", "2222"}, `--listen "2222" is not host:port`},
		{[]string{"--max-sessions", "0"}, "--max-sessions must be at least 1"},
		{[]string{"--idle-timeout", "0s"}, "--idle-timeout must be positive"},
		{[]string{"--authorized-keys", "/nonexistent/keys", "--listen", "127.0.0.1:0"}, "no authorized keys file at /nonexistent/keys"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			cmd := &cobra.Command{Use: "serve"}
			f := addSSHFlags(cmd)
			if err := cmd.ParseFlags(tc.args); err != nil {
				t.Fatal(err)
			}
			db := filepath.Join(t.TempDir(), "workbook.db")
			join := func(model.Participant) (tui.Live, func(), error) { return nil, nil, errors.New("no host") }
			_, _, err := f.start(context.Background(), db, join, sshTUIOptions(), &bytes.Buffer{}, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v; want %q", err, tc.want)
			}
			if _, ok := errors.AsType[usageError](err); ok != strings.HasPrefix(tc.want, "--") {
				t.Errorf("usage error %v for %v", ok, err)
			}
		})
	}
}

// outputShows reads r until its text, escapes stripped, contains want or
// the time is up.
func outputShows(r io.Reader, want string, within time.Duration) bool {
	found := make(chan bool, 1)
	go func() {
		var seen []byte
		buf := make([]byte, 4096)
		for {
			n, err := r.Read(buf)
			seen = append(seen, buf[:n]...)
			if strings.Contains(ansi.Strip(string(seen)), want) {
				found <- true
				_, _ = io.Copy(io.Discard, r)
				return
			}
			if err != nil {
				found <- false
				return
			}
		}
	}()
	select {
	case ok := <-found:
		return ok
	case <-time.After(within):
		return false
	}
}

func TestSSHFlagsEnabled(t *testing.T) {
	// Every flag addSSHFlags defines counts as asking for SSH.
	cmd := &cobra.Command{Use: "serve"}
	addSSHFlags(cmd)
	cmd.Flags().VisitAll(func(fl *pflag.Flag) {
		if !slices.Contains(sshFlagNames, fl.Name) {
			t.Errorf("--%s is not in sshFlagNames", fl.Name)
		}
	})
	dir := t.TempDir()
	db := filepath.Join(dir, "workbook.db")
	tests := []struct {
		name    string
		args    []string
		keyFile bool
		want    bool
	}{
		{"nothing set up", nil, false, false},
		{"an SSH flag", []string{"--max-sessions", "4"}, false, true},
		{"authorized_keys beside the workbook", nil, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(filepath.Join(dir, "authorized_keys"))
			if tc.keyFile {
				if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), nil, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cmd := &cobra.Command{Use: "serve"}
			f := addSSHFlags(cmd)
			if err := cmd.ParseFlags(tc.args); err != nil {
				t.Fatal(err)
			}
			if got := f.enabled(cmd, db); got != tc.want {
				t.Errorf("enabled = %v; want %v", got, tc.want)
			}
		})
	}
}

// TestServeOverSSH: a real `threatdeck serve` process with a key file
// beside its workbook; a participant logs in over SSH and gets the
// workbook through the live host; SIGTERM ends their session and the host.
func TestServeOverSSH(t *testing.T) {
	db := tempDB(t)
	runCLI(t, db, "", "new", "Payments API").ok(t)
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := gossh.NewSignerFromKey(priv)
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey()))) + " alice\n"
	if err := os.WriteFile(filepath.Join(filepath.Dir(db), "authorized_keys"), []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(threatdeckBinary(t), "--db", db, "serve", "--listen", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	out := bufio.NewReader(stdout)
	var addr string
	for addr == "" {
		l, err := out.ReadString('\n')
		if err != nil {
			t.Fatalf("serve said no SSH address: %v", err)
		}
		if rest, ok := strings.CutPrefix(l, "Serving SSH on "); ok {
			addr, _, _ = strings.Cut(rest, " ")
		}
	}
	sess, screen := sshShell(t, addr, signer)
	if !outputShows(screen, "Payments", 15*time.Second) {
		t.Fatal("the participant never saw the workbook's model")
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	ended := make(chan error, 1)
	go func() { ended <- sess.Wait() }()
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatal("the SSH session outlived the host")
	}
	rest, _ := io.ReadAll(out)
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve exited with %v; stderr %q", err, stderr.String())
	}
	if !strings.Contains(string(rest), "Stopped hosting") {
		t.Errorf("serve's last words %q", rest)
	}
	if strings.Contains(stderr.String(), "AAAA") {
		t.Errorf("serve logged key material: %q", stderr.String())
	}
}

// sshShell logs in to addr with signer and starts a PTY session (the
// TUI), returning it and its output.
func sshShell(t *testing.T, addr string, signer gossh.Signer) (*gossh.Session, io.Reader) {
	t.Helper()
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "alice", Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", 30, 100, nil); err != nil {
		t.Fatal(err)
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	// Stdin stays open, as a terminal's does: a session whose input ends
	// is over.
	if _, err := sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	return sess, out
}
