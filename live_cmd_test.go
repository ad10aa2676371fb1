package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/live"
	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/tui"
)

// The built binary, for tests that need a second real process.
var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

func threatdeckBinary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "threatdeck-bin-"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "threatdeck")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = errors.New(string(out))
		}
	})
	if binErr != nil {
		t.Fatalf("go build: %v", binErr)
	}
	return binPath
}

// hostProc is a `threatdeck serve` in its own process.
type hostProc struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan error
}

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

// startServe runs `threatdeck serve` on db and waits until it listens.
func startServe(t *testing.T, db string) *hostProc {
	t.Helper()
	cmd := exec.Command(threatdeckBinary(t), "--db", db, "serve", "--name", "host")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &hostProc{cmd: cmd, stderr: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "Hosting workbook ") {
		cmd.Process.Kill()
		t.Fatalf("serve said %q, %v; stderr %q", line, err, p.stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, out); p.done <- cmd.Wait() }()
	t.Cleanup(func() { p.stop(t) })
	return p
}

// stop ends the host gracefully (SIGTERM), as an operator would.
func (p *hostProc) stop(t *testing.T) {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("serve exited with %v; stderr %q", err, p.stderr.String())
		}
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		t.Error("serve did not stop on SIGTERM")
	}
}

// hostedCommands are the read commands whose output must not depend on
// whether a host runs.
var hostedCommands = [][]string{
	{"list"}, {"list", "--json"},
	{"export", "1"}, {"export", "1", "--format", "json"}, {"export", "threat model", "--format", "threat-dragon"},
	{"export", "1", "--format", "otm"}, {"export", "1", "--format", "csv"}, {"export", "2", "--format", "markdown"},
	{"export", "nope"},
	{"check", "1"}, {"check", "1", "--format", "json"}, {"check", "2", "--format", "sarif"}, {"check", "nope"},
	{"suggest", "2"}, {"suggest", "2", "--json"}, {"suggest", "1", "--category", "S"},
	{"library", "list"}, {"library", "list", "--json"},
}

// TestCommandsThroughHost: with `threatdeck serve` hosting the workbook in
// another process, every read command prints exactly what it prints with
// no host, and every write command works through the host, printing what
// it prints on the same workbook with no host.
func TestCommandsThroughHost(t *testing.T) {
	db := tempDB(t)
	runCLI(t, db, "", "example").ok(t)
	runCLI(t, db, "", "import", "testdata/interop/threat-dragon/three-tier-web-app.json").ok(t)
	lib := filepath.Join(t.TempDir(), "team.json")
	runCLI(t, "", "", "library", "export", "-o", lib).ok(t)
	runCLI(t, db, "", "library", "add", lib).ok(t)
	want := map[string]result{}
	for _, c := range hostedCommands {
		want[strings.Join(c, " ")] = runCLI(t, db, "", c...)
	}

	h := startServe(t, db)
	if st, err := os.Stat(db + ".sock"); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("socket: %v %v", st, err)
	}
	for _, c := range hostedCommands {
		key := strings.Join(c, " ")
		if got := runCLI(t, db, "", c...); got != want[key] {
			t.Errorf("%s through the host:\n%+v\nwithout:\n%+v", key, got, want[key])
		}
	}
	// A backup taken by the host is a workbook with the same models.
	copyDB := filepath.Join(t.TempDir(), "copy.db")
	if r := runCLI(t, db, "", "backup", copyDB).ok(t); r.stdout != "Backed up "+db+" to "+copyDB+"\n" {
		t.Errorf("backup printed %q", r.stdout)
	}
	if a, b := runCLI(t, copyDB, "", "list").ok(t).stdout, want["list"].stdout; a != b {
		t.Errorf("the backup lists\n%s\nwant\n%s", a, b)
	}
	// Writes: the same command on the hosted workbook and on its copy
	// with no host print the same.
	writes := [][]string{
		{"new", "Through the host", "--owner", "Ana"}, {"example"},
		{"import", "testdata/interop/otm/mobile-cloud.otm.json"},
		{"library", "add", lib}, {"library", "remove", "Built-in threat library", "--version", "1"},
		{"library", "remove", "nope"}, {"library", "list"}, {"list"},
	}
	for _, w := range writes {
		got, alone := runCLI(t, db, "", w...), runCLI(t, copyDB, "", w...)
		if got != alone {
			t.Errorf("%v through the host:\n%+v\nwithout:\n%+v", w, got, alone)
		}
	}
	out := filepath.Join(t.TempDir(), "report.md")
	runCLI(t, db, "", "export", "4", "-o", out).ok(t)

	h.stop(t)
	if _, err := os.Stat(db + ".sock"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the socket outlived the host: %v", err)
	}
	for _, c := range hostedCommands {
		key := strings.Join(c, " ")
		if got, alone := runCLI(t, db, "", c...), runCLI(t, copyDB, "", c...); got != alone {
			t.Errorf("%s after the host stopped differs from the unhosted copy:\n%+v\n%+v", key, got, alone)
		}
	}
	data, _ := os.ReadFile(out)
	if string(data) != runCLI(t, db, "", "export", "4").stdout {
		t.Error("the export written through the host differs from the export after it stopped")
	}
	if s := h.stderr.String(); s != "" {
		t.Errorf("serve stderr %q", s)
	}
}

// TestWritesReachMembers: new, import and example through the host reach
// a joined session as EventModels, and its edits reach the others.
func TestWritesReachMembers(t *testing.T) {
	db := tempDB(t)
	runCLI(t, db, "", "new", "First").ok(t)
	startServe(t, db)
	ana, err := live.Dial(db, live.DialOptions{Join: true, Name: "ana"})
	if err != nil {
		t.Fatal(err)
	}
	defer ana.Close()
	bo, err := live.Dial(db, live.DialOptions{Join: true, Name: "bo"})
	if err != nil {
		t.Fatal(err)
	}
	defer bo.Close()
	if ev := waitEvent(t, bo, model.EventPresence); len(ev.Presence) == 0 {
		t.Errorf("presence %+v", ev.Presence)
	}
	for i, w := range [][]string{{"new", "Second"}, {"example"}, {"import", "testdata/interop/tm-bom/huskyai.tmbom.json"}} {
		runCLI(t, db, "", w...).ok(t)
		if ev := waitEvent(t, ana, model.EventModels); ev.ModelID != []string{"2", "3", "4"}[i] {
			t.Errorf("%v: event for model %q", w, ev.ModelID)
		}
	}
	m, err := ana.Load("1")
	if err != nil {
		t.Fatal(err)
	}
	ch, err := m.PutAsset(model.Asset{Name: "Ledger", Sensitivity: model.Restricted}, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	if err := ana.Commit("1", ch.Do); err != nil {
		t.Fatal(err)
	}
	ev := waitEvent(t, bo, model.EventEdit)
	if ev.Edit.By != "ana" || ev.Edit.Label != "Added asset AS-001" || ev.ModelID != "1" {
		t.Errorf("bo got %+v", ev)
	}
}

func waitEvent(t *testing.T, c *live.Client, kind model.LiveEventKind) model.LiveEvent {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-c.Events():
			if !ok {
				t.Fatalf("events ended while waiting for %s", kind)
			}
			if ev.Kind == kind {
				return ev
			}
		case <-timeout:
			t.Fatalf("no %s event", kind)
		}
	}
}

// TestHostKilled: kill -9 of the host. Its members are told, their last
// acknowledged edit is in the workbook, and the next threatdeck works —
// directly, or as the new host — with no clean-up of the stale socket.
func TestHostKilled(t *testing.T) {
	db := tempDB(t)
	runCLI(t, db, "", "new", "Doomed").ok(t)
	h := startServe(t, db)
	c, err := live.Dial(db, live.DialOptions{Join: true, Name: "ana"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	m, _ := c.Load("1")
	ch, _ := m.PutThreat(model.Threat{Title: "Acknowledged", Category: model.Tampering, Likelihood: 2, Impact: 2, Status: model.StatusOpen}, fixedNow)
	if err := c.Commit("1", ch.Do); err != nil {
		t.Fatal(err)
	}
	if err := h.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-h.done
	ev := waitEvent(t, c, model.EventClosed)
	if !strings.Contains(ev.Text, "went away") {
		t.Errorf("closed: %q", ev.Text)
	}
	if _, err := c.List(); err == nil || !strings.Contains(err.Error(), "went away") {
		t.Errorf("a call after the host died: %v", err)
	}
	if _, err := os.Stat(db + ".sock"); err != nil {
		t.Fatalf("kill -9 should leave the socket behind: %v", err)
	}
	if r := runCLI(t, db, "", "export", "1", "--format", "csv").ok(t); !strings.Contains(r.stdout, "Acknowledged") {
		t.Errorf("the acknowledged edit is not in the workbook:\n%s", r.stdout)
	}
	startServe(t, db)
	if r := runCLI(t, db, "", "list").ok(t); !strings.Contains(r.stdout, "Doomed") {
		t.Errorf("list through the new host: %q", r.stdout)
	}
}

// TestWrongProtocolRefused: a peer speaking another protocol version is
// refused with a sentence, and the host says so too.
func TestWrongProtocolRefused(t *testing.T) {
	db := tempDB(t)
	h := startServe(t, db)
	conn, err := net.Dial("unix", db+".sock")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write([]byte(`{"op":"hello","id":1,"v":99}` + "\n"))
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, _ := bufio.NewReader(conn).ReadString('\n')
	if !strings.Contains(line, "it speaks live protocol 1 and this threatdeck speaks 99; run the same threatdeck version on both sides") {
		t.Errorf("reply %q", line)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(h.stderr.String(), "refused a threatdeck that speaks live protocol 99") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if s := h.stderr.String(); !strings.Contains(s, "refused a threatdeck that speaks live protocol 99") || strings.Count(s, "\n") != 1 {
		t.Errorf("host stderr %q", s)
	}
	// A refusing host is one sentence and exit 1 for a command.
	r := runCLI(t, db, "", "list")
	if r.code != exitOK {
		t.Errorf("list after a refused peer: %+v", r)
	}
}

// TestSecondTUIJoins: a TUI on a workbook another threatdeck hosts joins
// its live session under --name instead of failing on the lock.
func TestSecondTUIJoins(t *testing.T) {
	db := tempDB(t)
	runCLI(t, db, "", "example").ok(t)
	startServe(t, db)
	old := runTUI
	t.Cleanup(func() { runTUI = old })
	var me model.Participant
	var sums []model.Summary
	runTUI = func(o tui.Options) error {
		lv, ok := o.Workbook.(tui.Live)
		if !ok {
			t.Fatalf("the second TUI got %T, not a live workbook", o.Workbook)
		}
		me = lv.Me()
		var err error
		sums, err = lv.List()
		return err
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"--db", db, "--name", "zoe"}, strings.NewReader(""), &out, &errOut); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if me.Name != "zoe" || me.Role != model.RoleParticipant || len(sums) != 1 {
		t.Errorf("joined as %+v, models %+v", me, sums)
	}
}

// TestTUIHosts: the TUI that opens the workbook is its host and
// facilitator; commands run meanwhile go through it and show up live.
func TestTUIHosts(t *testing.T) {
	db := tempDB(t)
	old := runTUI
	t.Cleanup(func() { runTUI = old })
	var got []string
	runTUI = func(o tui.Options) error {
		lv := o.Workbook.(tui.Live)
		if lv.Me().Role != model.RoleFacilitator {
			t.Errorf("the hosting TUI is %+v", lv.Me())
		}
		cmd := exec.Command(threatdeckBinary(t), "--db", db, "new", "From another terminal")
		if out, err := cmd.CombinedOutput(); err != nil || string(out) != "Created model 1: From another terminal\n" {
			t.Errorf("new while the TUI is open: %q %v", out, err)
		}
		for ev := range lv.Events() {
			if ev.Kind == model.EventModels {
				sums, _ := lv.List()
				for _, s := range sums {
					got = append(got, s.Title)
				}
				return nil
			}
		}
		return nil
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"--db", db, "--name", "fac"}, strings.NewReader(""), &out, &errOut); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if len(got) != 1 || got[0] != "From another terminal" {
		t.Errorf("the host's TUI saw %q", got)
	}
	if _, err := os.Stat(db + ".sock"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the socket outlived the TUI: %v", err)
	}
}

// TestRefusingHost: a host that answers but refuses (here: a newer
// threatdeck) stops a command with one sentence and exit 1.
func TestRefusingHost(t *testing.T) {
	db := tempDB(t)
	runCLI(t, db, "", "new", "M").ok(t)
	ln, err := net.Listen("unix", db+".sock")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			bufio.NewReader(c).ReadString('\n')
			c.Write([]byte(`{"op":"hello","v":2}` + "\n"))
			c.Close()
		}
	}()
	runCLI(t, db, "", "list").failed(t, exitFail, "refused this threatdeck", "it speaks live protocol 2 and this threatdeck speaks 1")
}

// TestJoiner: the SSH server's way in gives a live workbook and its leave.
func TestJoiner(t *testing.T) {
	db := tempDB(t)
	h, err := live.Open(db, live.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	wb, leave, err := joiner(h)(model.Participant{Name: "sam", Role: model.RoleObserver})
	if err != nil {
		t.Fatal(err)
	}
	if wb.Me().Name != "sam" || wb.Me().Role != model.RoleObserver {
		t.Errorf("joined as %+v", wb.Me())
	}
	// A participant from another machine sees the file's name, not where
	// the facilitator keeps it.
	if got := wb.Path(); got != filepath.Base(db) {
		t.Errorf("a remote participant is shown the workbook as %q, want %q", got, filepath.Base(db))
	}
	if _, ok := wb.(interface {
		ActiveLibraries() ([]model.Library, error)
	}); !ok {
		t.Error("the remote member lost the host's team libraries")
	}
	leave()
	for ev := range wb.Events() {
		if ev.Kind == model.EventClosed {
			continue
		}
	}
	if _, err := wb.List(); !errors.Is(err, live.ErrClosed) {
		t.Errorf("list after leaving: %v", err)
	}
}

// TestServeTwice: a second serve on a hosted workbook says where to join.
func TestServeTwice(t *testing.T) {
	db := tempDB(t)
	startServe(t, db)
	runCLI(t, db, "", "serve").failed(t, exitFail, "already hosted by another threatdeck", "threatdeck --db "+db)
}
