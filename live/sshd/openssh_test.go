package sshd

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// The OpenSSH test drives the real ssh client in a tmux pane against a
// real server on a real live host, as a participant would. It skips only when tmux or ssh is
// missing (.ci/run installs both).

// opensshKey writes a private key file the ssh client reads (0600) and
// returns its path and its authorized_keys line.
func opensshKey(t *testing.T, dir, name string) (path, line string) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(dir, name)
	writeFile0600(t, path, string(pem.EncodeToMemory(block)))
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return path, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey())))
}

// pane is one tmux pane on a private tmux server.
type pane struct {
	t      *testing.T
	socket string
}

func newPane(t *testing.T, w, h int, command string) *pane {
	t.Helper()
	p := &pane{t: t, socket: "threatdeck-ssh-" + strconv.Itoa(os.Getpid()) + "-" + strings.ReplaceAll(t.Name(), "/", "_")}
	t.Cleanup(func() { _, _ = p.tmux("kill-server") })
	if out, err := p.tmux("new-session", "-d", "-s", "p", "-x", strconv.Itoa(w), "-y", strconv.Itoa(h), command); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	return p
}

func (p *pane) tmux(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-L", p.socket, "-f", "/dev/null"}, args...)...).CombinedOutput()
	return string(out), err
}

func (p *pane) screen() string {
	out, _ := p.tmux("capture-pane", "-p", "-t", "p")
	return out
}

func (p *pane) press(keys ...string) {
	p.t.Helper()
	for _, k := range keys {
		if out, err := p.tmux("send-keys", "-t", "p", k); err != nil {
			p.t.Fatalf("send-keys %q: %v\n%s", k, err, out)
		}
	}
}

func (p *pane) waitFor(texts ...string) {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := p.screen()
		all := true
		for _, text := range texts {
			all = all && strings.Contains(s, text)
		}
		if all {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("the pane never showed %q; it shows:\n%s", texts, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestOpenSSHClientInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped with -short")
	}
	for _, tool := range []string{"tmux", "ssh"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skip(tool + " not installed")
		}
	}
	dir := t.TempDir()
	aliceKey, aliceLine := opensshKey(t, dir, "alice")
	strangerKey, _ := opensshKey(t, dir, "stranger")
	r := newLiveRoom(t, newModel(t, "Payments API"), Config{}, aliceLine+" alice")
	r.drain()
	_, port, _ := net.SplitHostPort(r.s.Addr().String())

	// ssh as a participant types it, plus what keeps the test hermetic:
	// no user config, no known_hosts, this key only.
	ssh := func(key string) string {
		return "ssh -F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes" +
			" -i " + key + " -p " + port + " alice@127.0.0.1"
	}
	// The pane outlives ssh so its last words and exit status can be read.
	wrap := func(cmd string) string {
		return "env TERM=xterm-256color sh -c '" + cmd + `; echo "ssh exited $?"; sleep 30'`
	}

	t.Run("participant", func(t *testing.T) {
		p := newPane(t, 100, 30, wrap(ssh(aliceKey)))
		// The live host's workbook, resumed on the model's Threats step.
		p.waitFor("Payments API", "Threats")
		p.press("1")
		p.waitFor("Overview", "Owner")
		p.press("?")
		p.waitFor("quit")
		p.press("?")
		p.waitFor("q quit")
		p.press("q")
		p.waitFor("ssh exited 0")
	})
	t.Run("resize", func(t *testing.T) {
		p := newPane(t, 80, 24, wrap(ssh(aliceKey)))
		p.waitFor("Opened Payments API")
		if out, err := p.tmux("resize-window", "-t", "p", "-x", "120", "-y", "40"); err != nil {
			t.Fatalf("resize: %v\n%s", err, out)
		}
		// The TUI redraws at the new size: its help bar moves to the last
		// of 40 rows.
		deadline := time.Now().Add(10 * time.Second)
		for {
			lines := strings.Split(strings.TrimRight(p.screen(), "\n"), "\n")
			if len(lines) >= 39 && strings.TrimSpace(lines[len(lines)-1]) != "" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no redraw at 120x40:\n%s", p.screen())
			}
			time.Sleep(20 * time.Millisecond)
		}
		p.press("q")
		p.waitFor("ssh exited 0")
	})
	t.Run("unknown key", func(t *testing.T) {
		p := newPane(t, 100, 30, wrap(ssh(strangerKey)))
		p.waitFor(strings.TrimSpace(unknownKeyBanner), "Permission denied (publickey)", "ssh exited 255")
	})
	t.Run("no PTY", func(t *testing.T) {
		p := newPane(t, 100, 30, wrap(strings.Replace(ssh(aliceKey), "ssh ", "ssh -T ", 1)))
		p.waitFor("Requires an active PTY", "ssh exited 1")
	})
}
