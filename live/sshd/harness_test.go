package sshd

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"

	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/store"
	"github.com/threatdeck/threatdeck/tui"
)

// fakeLive is a participant's workbook in tests: the real store, with a
// minimal live side (an event channel that stays open until leave, and
// presence that goes nowhere). It stands in for live.Member, which the
// live-host branch builds.
type fakeLive struct {
	*store.Store
	me     model.Participant
	events chan model.LiveEvent
}

func (f *fakeLive) Me() model.Participant          { return f.me }
func (f *fakeLive) Events() <-chan model.LiveEvent { return f.events }
func (f *fakeLive) Announce(model.Presence) error  { return nil }

// fakeHost joins participants to one real bbolt workbook and records who
// joined and left.
type fakeHost struct {
	st *store.Store

	mu     sync.Mutex
	joined []model.Participant
	left   []model.Participant
	// changed is signalled on every join and leave.
	changed chan struct{}
}

func newFakeHost(t testing.TB) *fakeHost {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "data", "workbook.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &fakeHost{st: st, changed: make(chan struct{}, 1024)}
}

func (h *fakeHost) join(p model.Participant) (tui.Live, func(), error) {
	m := &fakeLive{Store: h.st, me: p, events: make(chan model.LiveEvent, 256)}
	h.mu.Lock()
	h.joined = append(h.joined, p)
	h.mu.Unlock()
	h.changed <- struct{}{}
	var once sync.Once
	return m, func() {
		once.Do(func() {
			h.mu.Lock()
			h.left = append(h.left, p)
			h.mu.Unlock()
			h.changed <- struct{}{}
		})
	}, nil
}

// counts returns how many joined and left so far.
func (h *fakeHost) counts() (joined, left int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.joined), len(h.left)
}

// waitLeft waits until n participants have left.
func (h *fakeHost) waitLeft(t testing.TB, n int) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		if _, l := h.counts(); l >= n {
			return
		}
		select {
		case <-h.changed:
		case <-deadline:
			j, l := h.counts()
			t.Fatalf("%d of %d joined sessions left; want %d", l, j, n)
		}
	}
}

// addModel creates a model titled title in the workbook.
func (h *fakeHost) addModel(t testing.TB, m *model.Model) string {
	t.Helper()
	id, err := h.st.Create(m)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func newModel(t testing.TB, title string) *model.Model {
	t.Helper()
	m, err := model.New(title, "Security team", time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// clientKey is a test participant's key pair.
type clientKey struct {
	signer gossh.Signer
	line   string // the public key in authorized_keys form, no comment
}

func newClientKey(t testing.TB) clientKey {
	t.Helper()
	k, err := genClientKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func genClientKey() (clientKey, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return clientKey{}, err
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		return clientKey{}, err
	}
	return clientKey{signer: signer, line: strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey())))}, nil
}

// writeFile0600 writes a test's key file.
func writeFile0600(t testing.TB, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

// startServer serves h on 127.0.0.1:0 with cfg (its key paths defaulting
// beside h's workbook) and stops it when the test ends.
func startServer(t testing.TB, cfg Config, h *fakeHost, opts OptionsFunc) *Server {
	t.Helper()
	cfg.Listen = "127.0.0.1:0"
	if cfg.WorkbookPath == "" {
		cfg.WorkbookPath = h.st.Path()
	}
	if opts == nil {
		opts = func(tui.Live) tui.Options { return tui.Options{NoColor: true} }
	}
	if cfg.Logf == nil {
		cfg.Logf = t.Logf
	}
	s, err := New(cfg, h.join, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// dial logs in with auth; banner collects any banner the server sends.
func dial(addr string, banner *strings.Builder, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	cfg := &gossh.ClientConfig{
		User:            "tester",
		Auth:            auth,
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         10 * time.Second,
		BannerCallback: func(msg string) error {
			if banner != nil {
				banner.WriteString(msg)
			}
			return nil
		},
	}
	return gossh.Dial("tcp", addr, cfg)
}

func mustDial(t testing.TB, addr string, key clientKey) *gossh.Client {
	t.Helper()
	c, err := dial(addr, nil, gossh.PublicKeys(key.signer))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// term is a client's terminal: a real SSH session with a PTY whose output
// feeds a terminal emulator, so tests read the screen a participant sees.
type term struct {
	sess  *gossh.Session
	stdin io.WriteCloser
	// emu is written by the output goroutine and read by the test, under
	// emuMu (vt's SafeEmulator does not lock String, and Render costs
	// more than String when only the text is wanted).
	emuMu  sync.Mutex
	emu    *vt.Emulator
	stderr *syncBuffer
	// raw is every byte the server sent, escapes and all.
	raw  *syncBuffer
	done chan error

	// An expectation the output goroutine checks after each write: when
	// the screen shows (or, with !present, stops showing) want, it sends
	// the time on seen. Benchmarks time frames with it.
	watchMu sync.Mutex
	want    string
	present bool
	seen    chan time.Time
}

// expect arms the watch for text appearing (present) or going.
func (tm *term) expect(text string, present bool) {
	tm.watchMu.Lock()
	tm.want, tm.present = text, present
	tm.watchMu.Unlock()
	tm.check()
}

func (tm *term) check() {
	tm.watchMu.Lock()
	defer tm.watchMu.Unlock()
	if tm.want == "" || strings.Contains(tm.screen(), tm.want) != tm.present {
		return
	}
	tm.want = ""
	tm.seen <- time.Now()
}

// openTerm opens a PTY session of w×h on c and starts the shell (the TUI).
func openTerm(t testing.TB, c *gossh.Client, w, h int) *term {
	t.Helper()
	return openTermAs(t, c, "xterm-256color", nil, w, h)
}

// openTermAs opens a PTY session whose terminal is termName, with env
// sent to the server, as ssh's SendEnv/SetEnv do.
func openTermAs(t testing.TB, c *gossh.Client, termName string, env map[string]string, w, h int) *term {
	t.Helper()
	tm, err := newTerm(c, termName, env, w, h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tm.sess.Close() })
	return tm
}

// newTerm is openTermAs for callers without a test (the benchmarks'
// client process); the caller closes tm.sess.
func newTerm(c *gossh.Client, termName string, env map[string]string, w, h int) (*term, error) {
	sess, err := c.NewSession()
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*term, error) {
		sess.Close()
		return nil, err
	}
	for k, v := range env {
		if err := sess.Setenv(k, v); err != nil {
			return fail(err)
		}
	}
	if err := sess.RequestPty(termName, h, w, gossh.TerminalModes{gossh.ECHO: 0}); err != nil {
		return fail(err)
	}
	tm := &term{sess: sess, emu: vt.NewEmulator(w, h), stderr: &syncBuffer{}, raw: &syncBuffer{}, done: make(chan error, 1), seen: make(chan time.Time, 1)}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		return fail(err)
	}
	sess.Stderr = tm.stderr
	if tm.stdin, err = sess.StdinPipe(); err != nil {
		return fail(err)
	}
	if err := sess.Shell(); err != nil {
		return fail(err)
	}
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := stdout.Read(buf)
			if n > 0 {
				_, _ = tm.raw.Write(buf[:n])
				tm.emuMu.Lock()
				_, _ = tm.emu.Write(buf[:n])
				tm.emuMu.Unlock()
				tm.check()
			}
			if err != nil {
				break
			}
		}
		tm.done <- sess.Wait()
	}()
	// The emulator answers the TUI's queries (background colour) through
	// its input side, a pipe of its own that needs no lock; pass the
	// answers back as a real terminal would.
	go func() {
		buf := make([]byte, 256)
		for {
			n, err := tm.emu.Read(buf)
			if n > 0 {
				if _, werr := tm.stdin.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	// The emulator is not closed: vt's Close races with a blocked Read, so
	// the answering goroutine stays parked until the test binary exits.
	return tm, nil
}

// screen is the emulator's screen as plain text.
func (tm *term) screen() string {
	tm.emuMu.Lock()
	defer tm.emuMu.Unlock()
	return tm.emu.String()
}

// waitFor waits until the screen shows text.
func (tm *term) waitFor(t testing.TB, text string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(tm.screen(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("the screen never showed %q; it shows:\n%s", text, tm.screen())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// press types keys.
func (tm *term) press(t testing.TB, keys string) {
	t.Helper()
	if _, err := tm.stdin.Write([]byte(keys)); err != nil {
		t.Fatal(err)
	}
}

// wait waits for the session to end and returns its exit status (-1 when
// it ended without one).
func (tm *term) wait(t testing.TB) int {
	t.Helper()
	select {
	case err := <-tm.done:
		var ee *gossh.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee):
			return ee.ExitStatus()
		default:
			return -1
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("the session did not end; the screen shows:\n%s", tm.screen())
		return 0
	}
}

// syncBuffer is a bytes.Buffer safe for the session's writer goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// room is a served workbook whose authorized_keys lists one key per name,
// the name as its comment.
type room struct {
	h    *fakeHost
	s    *Server
	keys map[string]clientKey
}

func newRoom(t testing.TB, cfg Config, opts OptionsFunc, names ...string) *room {
	t.Helper()
	r := &room{h: newFakeHost(t), keys: map[string]clientKey{}}
	lines := make([]string, len(names))
	for i, n := range names {
		r.keys[n] = newClientKey(t)
		lines[i] = r.keys[n].line + " " + n
	}
	keysBeside(t, r.h, lines...)
	r.s = startServer(t, cfg, r.h, opts)
	return r
}

func (r *room) addr() string { return r.s.Addr().String() }

// dial logs name in.
func (r *room) dial(t testing.TB, name string) *gossh.Client {
	t.Helper()
	return mustDial(t, r.addr(), r.keys[name])
}

// term logs name in and opens their terminal at 80×24.
func (r *room) term(t testing.TB, name string) *term {
	t.Helper()
	return openTerm(t, r.dial(t, name), 80, 24)
}
