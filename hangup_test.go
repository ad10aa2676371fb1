package main

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
)

// TestHangupQuitsCleanly closes the TUI's terminal under it, as closing the
// window or losing the SSH connection to the machine does: the kernel sends
// SIGHUP. The host must end as q ends it — the socket removed, the edit
// it has shown as made on disk — instead of dying where it stands.
func TestHangupQuitsCleanly(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("hang-up of a pseudo-terminal is tested on Linux")
	}
	db := tempDB(t)
	runCLI(t, db, "", "new", "Hangup").ok(t)
	cmd := exec.Command(threatdeckBinary(t), "--db", db)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "NO_COLOR=1")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 100, Rows: 30})
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	screen := &syncBuffer{}
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := f.Read(buf)
			screen.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	waitScreen := func(want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(ansi.Strip(screen.String()), want) {
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				t.Fatalf("%q never showed; screen:\n%s", want, ansi.Strip(screen.String()))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitScreen("Hangup")
	if _, err := os.Stat(db + ".sock"); err != nil {
		t.Fatalf("the TUI is not hosting: %v", err)
	}
	for _, k := range []string{"\r", "2", "a", "Vault keys", "\x13"} {
		f.Write([]byte(k))
		time.Sleep(50 * time.Millisecond)
	}
	waitScreen("Added asset AS-001")

	// What the kernel sends the session when its terminal hangs up. (Closing
	// f here would not hang it up: the reader above still holds the fd.)
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the TUI did not end within 10 s of its terminal closing")
	}
	if _, err := os.Stat(db + ".sock"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the socket outlived the hung-up TUI: %v", err)
	}
	r := runCLI(t, db, "", "export", "Hangup")
	r.ok(t)
	if !strings.Contains(r.stdout, "Vault keys") {
		t.Errorf("the asset added before the hang-up is not in the workbook:\n%s", r.stdout)
	}
}

// TestServeHangup: `threatdeck serve` in a terminal that closes stops as
// it does on ctrl+c, removing its socket.
func TestServeHangup(t *testing.T) {
	db := tempDB(t)
	runCLI(t, db, "", "new", "M").ok(t)
	p := startServe(t, db)
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("serve exited with %v on SIGHUP; stderr %q", err, p.stderr.String())
		}
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		t.Fatal("serve did not stop on SIGHUP")
	}
	if _, err := os.Stat(db + ".sock"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the socket outlived serve: %v", err)
	}
}

// TestServeUnderNohup: started with SIGHUP ignored (nohup), serve keeps
// hosting through a hang-up, as asked, and still stops on SIGTERM.
func TestServeUnderNohup(t *testing.T) {
	db := tempDB(t)
	runCLI(t, db, "", "new", "M").ok(t)
	cmd := exec.Command("sh", "-c", `trap '' HUP; exec "$0" --db "$1" serve --name host`, threatdeckBinary(t), db)
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer cmd.Process.Kill()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(db + ".sock"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve never hosted; stderr %q", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		t.Fatalf("serve under nohup ended on SIGHUP: %v; stderr %q", err, stderr.String())
	case <-time.After(300 * time.Millisecond):
	}
	runCLI(t, db, "", "list").ok(t) // still answering through its socket
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve exited with %v on SIGTERM; stderr %q", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop on SIGTERM")
	}
}
