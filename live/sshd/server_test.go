package sshd

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/tui"
)

// keysBeside writes an authorized_keys file beside h's workbook.
func keysBeside(t testing.TB, h *fakeHost, lines ...string) {
	t.Helper()
	writeFile0600(t, filepath.Join(filepath.Dir(h.st.Path()), AuthorizedKeysFile), strings.Join(lines, "\n")+"\n")
}

func TestRightKeyGetsTheWorkbookTUI(t *testing.T) {
	h := newFakeHost(t)
	h.addModel(t, newModel(t, "Payments API"))
	alice, carol := newClientKey(t), newClientKey(t)
	keysBeside(t, h, "# the room", alice.line+" alice@laptop", `role="observer" `+carol.line+" carol")
	s := startServer(t, Config{}, h, nil)

	tests := []struct {
		key      clientKey
		name     string
		role     model.Role
		w, hgt   int
		wantText []string
	}{
		{alice, "alice@laptop", model.RoleParticipant, 100, 30, []string{"Threat models", "Payments API"}},
		{carol, "carol", model.RoleObserver, 80, 24, []string{"Threat models", "Payments API"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := mustDial(t, s.Addr().String(), tc.key)
			tm := openTerm(t, c, tc.w, tc.hgt)
			for _, text := range tc.wantText {
				tm.waitFor(t, text)
			}
			h.mu.Lock()
			p := h.joined[i]
			h.mu.Unlock()
			if p.Name != tc.name || p.Role != tc.role || !strings.HasPrefix(p.Session, "ssh-") {
				t.Errorf("joined as %+v; want name %q, role %q", p, tc.name, tc.role)
			}
			// Quitting the TUI ends the session and leaves the live session.
			tm.press(t, "q")
			if code := tm.wait(t); code != 0 {
				t.Errorf("exit status %d after q; want 0 (stderr %q)", code, tm.stderr.String())
			}
			h.waitLeft(t, i+1)
		})
	}
}

func TestLeaveWhenTheConnectionDrops(t *testing.T) {
	r := newRoom(t, Config{}, nil, "alice")
	c := r.dial(t, "alice")
	openTerm(t, c, 80, 24).waitFor(t, "Welcome to threatdeck")
	c.Close()
	r.h.waitLeft(t, 1)
	deadline := time.Now().Add(10 * time.Second)
	for r.s.Sessions() != 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := r.s.Sessions(); n != 0 {
		t.Errorf("%d sessions still counted after the client went", n)
	}
}

func TestUnknownKeyRefusedWithABanner(t *testing.T) {
	r := newRoom(t, Config{}, nil, "alice")
	var banner strings.Builder
	_, err := dial(r.addr(), &banner, gossh.PublicKeys(newClientKey(t).signer))
	if err == nil {
		t.Fatal("an unknown key logged in")
	}
	if banner.String() != unknownKeyBanner || strings.Count(banner.String(), "\n") != 1 {
		t.Errorf("banner %q; want the one line %q", banner.String(), unknownKeyBanner)
	}
	if j, _ := r.h.counts(); j != 0 {
		t.Errorf("%d joins for a refused key", j)
	}
}

func TestPasswordAndKeyboardInteractiveRefused(t *testing.T) {
	r := newRoom(t, Config{}, nil, "alice")
	asked := false
	tests := []struct {
		name string
		auth gossh.AuthMethod
	}{
		{"password", gossh.Password("hunter2")},
		{"keyboard-interactive", gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
			asked = true
			return nil, nil
		})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dial(r.addr(), nil, tc.auth)
			if err == nil {
				t.Fatal("logged in without a key")
			}
			// The server offers publickey alone, so the client never
			// even sends its password or answers a question.
			if !strings.Contains(err.Error(), "no supported methods remain") {
				t.Errorf("error %q; want no method the client has offered by the server", err)
			}
		})
	}
	if asked {
		t.Error("the server asked a keyboard-interactive question")
	}
}

// TestRefusedBeforeJoining: a session the server does not serve is told
// why in a sentence and never joins.
func TestRefusedBeforeJoining(t *testing.T) {
	r := newRoom(t, Config{}, nil, "alice")
	tests := []struct {
		name    string
		pty     bool
		command string
		want    string
	}{
		{"no PTY", false, "", "Requires an active PTY"},
		{"a command", true, "cat /etc/passwd", "only runs the workbook"},
		{"a command without a PTY", false, "cat /etc/passwd", "only runs the workbook"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sess, err := r.dial(t, "alice").NewSession()
			if err != nil {
				t.Fatal(err)
			}
			if tc.pty {
				if err := sess.RequestPty("xterm", 24, 80, nil); err != nil {
					t.Fatal(err)
				}
			}
			out, err := sess.CombinedOutput(tc.command)
			var ee *gossh.ExitError
			if !errors.As(err, &ee) || ee.ExitStatus() != 1 {
				t.Errorf("exit %v; want status 1", err)
			}
			if !strings.Contains(string(out), tc.want) {
				t.Errorf("output %q; want %q", out, tc.want)
			}
		})
	}
	if j, _ := r.h.counts(); j != 0 {
		t.Errorf("a refused session joined (%d joins)", j)
	}
}

func TestMaxSessionsRefusesTheNext(t *testing.T) {
	r := newRoom(t, Config{MaxSessions: 2}, nil, "a", "b", "c")
	for _, name := range []string{"a", "b"} {
		r.term(t, name).waitFor(t, "Welcome to threatdeck")
	}
	third := r.term(t, "c")
	if code := third.wait(t); code != 1 {
		t.Errorf("exit status %d for the session over the limit; want 1", code)
	}
	if got := third.stderr.String(); !strings.Contains(got, "the session is full (2 connected)") {
		t.Errorf("stderr %q; want the sentence saying the session is full", got)
	}
	if j, _ := r.h.counts(); j != 2 {
		t.Errorf("%d joins; want 2", j)
	}
}

func TestIdleTimeoutCloses(t *testing.T) {
	r := newRoom(t, Config{IdleTimeout: 400 * time.Millisecond}, nil, "alice")
	tm := r.term(t, "alice")
	tm.waitFor(t, "Welcome to threatdeck")
	if code := tm.wait(t); code != 1 {
		t.Errorf("exit status %d after the idle timeout; want 1", code)
	}
	if got := tm.stderr.String(); !strings.Contains(got, "closed after 400ms without input") {
		t.Errorf("stderr %q; want the idle sentence", got)
	}
	r.h.waitLeft(t, 1)
}

func TestFloodIsThrottledAndOthersAreServed(t *testing.T) {
	r := newRoom(t, Config{InputRate: 2000, InputBurst: 1000, FloodTimeout: time.Second}, nil, "flooder", "bob")
	r.h.addModel(t, newModel(t, "Payments API"))

	fl := r.term(t, "flooder")
	fl.waitFor(t, "Payments API")
	start := time.Now()
	sent := make(chan int, 1)
	go func() {
		// j and k move the cursor: harmless keys, as fast as the
		// connection takes them, until the server closes the session.
		chunk := []byte(strings.Repeat("jk", 2048))
		n := 0
		for time.Since(start) < 10*time.Second {
			w, err := fl.stdin.Write(chunk)
			n += w
			if err != nil {
				break
			}
		}
		sent <- n
	}()

	// While the flood runs, another participant connects and works.
	other := r.term(t, "bob")
	other.waitFor(t, "Payments API")
	other.press(t, "?")
	other.waitFor(t, "quit")

	if code := fl.wait(t); code != 1 {
		t.Errorf("flooding session exit status %d; want 1", code)
	}
	if got := fl.stderr.String(); !strings.Contains(got, "input arrived faster than 2000 bytes a second") {
		t.Errorf("flooder's stderr %q; want the flood sentence", got)
	}
	n := <-sent
	// Throttled: what the server took is bounded by the rate over the time
	// it tolerated the flood, plus the burst and the SSH channel's window
	// (2 MiB in x/crypto/ssh), far below what a loopback link carries.
	if limit := 2000*int(time.Since(start).Seconds()+1) + 1000 + 2<<20 + 64<<10; n > limit {
		t.Errorf("the flooder got %d bytes in; want at most %d", n, limit)
	}
	// The other participant is still served after the flooder is gone.
	other.press(t, "?")
	other.press(t, "q")
	if code := other.wait(t); code != 0 {
		t.Errorf("other participant's exit status %d; want 0", code)
	}
}

func TestPanicInOneSessionLeavesTheOthersServed(t *testing.T) {
	opts := func(l tui.Live) tui.Options {
		if l.Me().Name == "mallory" {
			panic("options for mallory")
		}
		return tui.Options{NoColor: true}
	}
	var logged syncBuffer
	r := newRoom(t, Config{Logf: func(f string, a ...any) { logged.Write([]byte(f)) }}, opts, "alice", "mallory")
	r.term(t, "mallory").wait(t)
	r.h.waitLeft(t, 1)
	r.term(t, "alice").waitFor(t, "Welcome to threatdeck")
	if got := logged.String(); !strings.Contains(got, "a session failed") || strings.Contains(got, "mallory") {
		t.Errorf("log %q; want the failure noted without the panic's text", got)
	}
}

func TestShutdownEndsSessions(t *testing.T) {
	r := newRoom(t, Config{}, nil, "alice")
	tm := r.term(t, "alice")
	tm.waitFor(t, "Welcome to threatdeck")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	tm.wait(t)
	if got := tm.stderr.String(); !strings.Contains(got, "the host has ended the session") {
		t.Errorf("stderr %q; want the shutdown sentence", got)
	}
	r.h.waitLeft(t, 1)
	if _, err := dial(r.addr(), nil, gossh.PublicKeys(r.keys["alice"].signer)); err == nil {
		t.Error("the server still takes connections after Shutdown")
	}
}

func TestSSHSessionsCannotReachTheHostsFiles(t *testing.T) {
	opts := func(tui.Live) tui.Options {
		return tui.Options{NoColor: true,
			Import:    func(string) (*model.Model, error) { t.Error("import called over SSH"); return nil, nil },
			WriteFile: func(string, []byte) error { t.Error("write called over SSH"); return nil },
		}
	}
	r := newRoom(t, Config{}, opts, "alice")
	tm := r.term(t, "alice")
	tm.waitFor(t, "New threat model")
	if strings.Contains(tm.screen(), "Import a file") {
		t.Errorf("the welcome screen offers an import over SSH:\n%s", tm.screen())
	}
}

// TestColourProfileFollowsTheClient: each participant's TUI draws in their
// own terminal's colours, told by TERM, COLORTERM and NO_COLOR from their
// side of the connection.
func TestColourProfileFollowsTheClient(t *testing.T) {
	opts := func(tui.Live) tui.Options { return tui.Options{} }
	r := newRoom(t, Config{}, opts, "alice")
	r.h.addModel(t, newModel(t, "Payments API"))
	tests := []struct {
		name    string
		term    string
		env     map[string]string
		want    []string
		mustNot []string
	}{
		{"256 colours", "xterm-256color", nil, []string{"38;5;"}, []string{"38;2;"}},
		{"true colour", "xterm-256color", map[string]string{"COLORTERM": "truecolor"}, []string{"38;2;"}, nil},
		{"NO_COLOR", "xterm-256color", map[string]string{"NO_COLOR": "1"}, nil, []string{"38;5;", "38;2;"}},
		{"16 colours", "xterm", nil, []string{"\x1b[3"}, []string{"38;5;", "38;2;"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tm := openTermAs(t, r.dial(t, "alice"), tc.term, tc.env, 80, 24)
			tm.waitFor(t, "Payments API")
			raw := tm.raw.String()
			for _, w := range tc.want {
				if !strings.Contains(raw, w) {
					t.Errorf("output lacks %q", w)
				}
			}
			for _, w := range tc.mustNot {
				if strings.Contains(raw, w) {
					t.Errorf("output has %q", w)
				}
			}
		})
	}
}

func TestHalfOpenConnectionsAreCapped(t *testing.T) {
	r := newRoom(t, Config{MaxSessions: 1}, nil, "alice")
	var idle []net.Conn
	for range maxConnections(1) {
		c, err := net.Dial("tcp", r.addr())
		if err != nil {
			t.Fatal(err)
		}
		idle = append(idle, c)
	}
	// Connections are counted as the server accepts them; wait for it.
	deadline := time.Now().Add(10 * time.Second)
	for r.s.conns.Load() < int64(len(idle)) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := dial(r.addr(), nil, gossh.PublicKeys(r.keys["alice"].signer)); err == nil {
		t.Error("a connection past the cap was served")
	}
	for _, c := range idle {
		c.Close()
	}
	// Once they are gone, alice gets in.
	for r.s.conns.Load() > 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	r.term(t, "alice").waitFor(t, "Welcome to threatdeck")
}
