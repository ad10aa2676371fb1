package tui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/store"
)

// The end-to-end tests build the real binary and drive it in tmux on its
// own server socket. They skip when tmux is missing or with -short.
// Extend them with the e2e helpers below (start, press, typeText,
// waitFor, quit, kill9, stored).

var (
	e2eBinOnce sync.Once
	e2eBin     string
	e2eBinErr  error
)

// e2eBinary builds threatdeck once per test run.
func e2eBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test skipped with -short")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed")
	}
	e2eBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "threatdeck-e2e-bin")
		if err != nil {
			e2eBinErr = err
			return
		}
		e2eBin = filepath.Join(dir, "threatdeck")
		out, err := exec.Command("go", "build", "-o", e2eBin, "github.com/threatdeck/threatdeck").CombinedOutput()
		if err != nil {
			e2eBinErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if e2eBinErr != nil {
		t.Fatal(e2eBinErr)
	}
	return e2eBin
}

// e2e is one workbook driven through the binary in a tmux pane.
type e2e struct {
	t      *testing.T
	bin    string
	db     string
	socket string
	name   string
	width  int
	height int
	runs   int
}

func newE2E(t *testing.T) *e2e {
	t.Helper()
	e := &e2e{t: t, bin: e2eBinary(t), db: filepath.Join(t.TempDir(), "workbook.db"),
		socket: "threatdeck-e2e-" + strconv.Itoa(os.Getpid()) + "-" + strings.ReplaceAll(t.Name(), "/", "_"),
		width:  100, height: 30}
	t.Cleanup(func() { _ = e.tmux("kill-server") })
	return e
}

func (e *e2e) tmux(args ...string) error {
	_, err := e.tmuxOut(args...)
	return err
}

func (e *e2e) tmuxOut(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-L", e.socket, "-f", "/dev/null"}, args...)...).CombinedOutput()
	return string(out), err
}

// start runs the binary on the workbook in a fresh pane.
func (e *e2e) start() {
	e.t.Helper()
	e.runs++
	e.name = "td" + strconv.Itoa(e.runs)
	cmd := "exec env THREATDECK_DB=" + shellQuote(e.db) + " TERM=xterm-256color " + shellQuote(e.bin)
	// The previous run's pane closing ends its tmux server, and a
	// new-session that reaches the socket while that server is going away
	// fails ("server exited unexpectedly"): try again on a fresh server.
	var out string
	var err error
	for try := 0; try < 10; try++ {
		if out, err = e.tmuxOut("new-session", "-d", "-s", e.name, "-x", itoa(e.width), "-y", itoa(e.height), cmd); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	e.t.Fatalf("tmux new-session: %v: %s", err, out)
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// press sends tmux key names ("Enter", "Tab", "Escape", "a", "F5" …).
func (e *e2e) press(keys ...string) {
	e.t.Helper()
	for _, k := range keys {
		if err := e.tmux("send-keys", "-t", e.name, k); err != nil {
			e.t.Fatalf("send-keys %q: %v", k, err)
		}
	}
}

// typeText types literal text.
func (e *e2e) typeText(s string) {
	e.t.Helper()
	if err := e.tmux("send-keys", "-t", e.name, "-l", s); err != nil {
		e.t.Fatalf("send-keys -l: %v", err)
	}
}

func (e *e2e) screen() string {
	out, _ := e.tmuxOut("capture-pane", "-p", "-t", e.name)
	return out
}

// waitFor polls the screen until it shows every text, or fails after 10 s.
func (e *e2e) waitFor(texts ...string) string {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := e.screen()
		ok := true
		for _, text := range texts {
			ok = ok && strings.Contains(s, text)
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("screen never showed %q:\n%s", texts, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// running reports whether the pane (and so the program) is still alive.
func (e *e2e) running() bool { return e.tmux("has-session", "-t", e.name) == nil }

// quit presses q and waits for the program to exit.
func (e *e2e) quit() {
	e.t.Helper()
	e.press("q")
	e.waitExit()
}

func (e *e2e) waitExit() {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for e.running() {
		if time.Now().After(deadline) {
			e.t.Fatalf("program did not exit:\n%s", e.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill9 kills the program without warning, as a crash or power cut would.
func (e *e2e) kill9() {
	e.t.Helper()
	out, err := e.tmuxOut("display-message", "-p", "-t", e.name, "#{pane_pid}")
	if err != nil {
		e.t.Fatalf("pane pid: %v %s", err, out)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		e.t.Fatalf("pane pid %q: %v", out, err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		e.t.Fatal(err)
	}
	e.waitExit()
}

// stored reads the workbook's only model (the program must have exited:
// it holds the file lock while running).
func (e *e2e) stored() *model.Model {
	e.t.Helper()
	st, err := store.Open(e.db, store.Options{ReadOnly: true})
	if err != nil {
		e.t.Fatal(err)
	}
	defer st.Close()
	list, err := st.List()
	if err != nil || len(list) != 1 {
		e.t.Fatalf("workbook lists %+v, %v", list, err)
	}
	m, err := st.Load(list[0].ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

// addRecord adds one record on the list step n with a name, and waits for
// its id to show.
func (e *e2e) addRecord(step, name, id string) {
	e.t.Helper()
	e.press(step, "a")
	e.waitFor("Name *")
	e.typeText(name)
	e.press("Enter")
	e.waitFor(id, "Added")
}

// createModel creates a model from the welcome screen and waits for it
// to open.
func (e *e2e) createModel(title string) {
	e.t.Helper()
	e.waitFor("Welcome to threatdeck", "New threat model")
	e.press("Enter")
	e.waitFor("Title *")
	e.typeText(title)
	e.press("Enter")
	e.waitFor("Opened " + title)
}

func TestE2ECreateResumeAndSurviveKill(t *testing.T) {
	e := newE2E(t)
	e.start()
	e.waitFor("Welcome to threatdeck", "New threat model")
	e.press("Enter")
	e.waitFor("Title *")
	e.typeText("E2E shop")
	e.press("Tab")
	e.typeText("Quinn") // a q in a text field is text
	e.press("Enter")
	e.waitFor("Owner:        Quinn")

	e.addRecord("2", "Customer data", "AS-001")
	e.addRecord("3", "Fraudster", "TA-001")
	e.addRecord("4", "Public API", "SE-001")
	e.quit()

	m := e.stored()
	if m.Overview.Title != "E2E shop" || m.Overview.Owner != "Quinn" || len(m.Assets) != 1 || len(m.Actors) != 1 || len(m.Surface) != 1 ||
		m.Surface[0].Name != "Public API" {
		t.Fatalf("stored %+v", m)
	}

	// Reopening resumes on the same step with the same selection.
	e.start()
	e.waitFor("Where could they get in?", "SE-001 Public API")

	// An edit is on disk the moment the status line says so.
	e.addRecord("2", "Payment tokens", "AS-002")
	e.kill9()
	if a, ok := e.stored().Asset("AS-002"); !ok || a.Name != "Payment tokens" {
		t.Fatalf("edit lost after kill -9: %+v", e.stored().Assets)
	}
}

// Quitting and starting again brings back the filter, the session timer
// (paused, its count kept) and presenter mode.
func TestE2EResumeKeepsFilterTimerAndPresenter(t *testing.T) {
	e := newE2E(t)
	e.start()
	e.createModel("Resume shop")
	e.addRecord("3", "Fraudster", "TA-001")
	e.addRecord("3", "Support agent", "TA-002")
	e.press("/")
	e.typeText("support ag")
	e.press("Enter")
	e.waitFor("1/1 of 2")
	e.press("t")
	e.waitFor("▶ 0:01")
	e.press("F5")
	e.waitFor("Presenter mode on")
	e.quit()

	e.start()
	s := e.waitFor("Timer paused at", "/support ag", "1/1 of 2", "TA-002 Support agent")
	if strings.Contains(s, "TA-001 Fraudster") || strings.Contains(s, "Timer paused at 0:00") {
		t.Fatalf("the filter or the timer's count was not restored:\n%s", s)
	}
	// Presenter mode is back: its wider margin.
	if !strings.Contains(s, "\n   Who might attack?") {
		t.Fatalf("presenter mode was not restored:\n%s", s)
	}
	e.quit()
}
