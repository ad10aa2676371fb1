package sshd

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// The benchmarks' participants run in a process of their own: this test
// binary started again with benchClientsEnv set. Their SSH clients and
// terminal emulators then cost the host process nothing, so its heap
// growth is the host's own, and a CPU profile of the benchmark is the
// host's alone.
//
// The parent drives the clients with one command a line on their stdin:
//
//	connect ADDR W H TEXT   dial every key, open a W×H terminal each, wait
//	                        until every screen shows TEXT; answers
//	                        "ready" and the first screen, quoted
//	expect 0|1 TEXT         watch for TEXT appearing (1) or going (0) on
//	                        every screen; answers "armed", then "seen" and
//	                        each screen's time (Unix ns), or "timeout"
//	press KEYS              type KEYS (quoted) on every terminal at once
//
// At start the clients print "key LINE" for each of their keys (the
// authorized_keys lines to admit), then "keys".
const benchClientsEnv = "THREATDECK_BENCH_CLIENTS"

func TestMain(m *testing.M) {
	if n := os.Getenv(benchClientsEnv); n != "" {
		if err := runBenchClients(os.Stdin, os.Stdout, n); err != nil {
			fmt.Fprintln(os.Stderr, "bench clients:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runBenchClients is the client process: n participants' keys and, once
// connected, their terminals.
func runBenchClients(in io.Reader, out io.Writer, count string) error {
	n, err := strconv.Atoi(count)
	if err != nil || n < 1 {
		return fmt.Errorf("%s=%q is not a number of clients", benchClientsEnv, count)
	}
	var mu sync.Mutex
	say := func(line string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(out, line)
	}
	keys := make([]clientKey, n)
	for i := range keys {
		if keys[i], err = genClientKey(); err != nil {
			return err
		}
		say("key " + keys[i].line)
	}
	say("keys")
	var terms []*term
	defer func() {
		for _, tm := range terms {
			tm.sess.Close()
		}
	}()
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		cmd, rest, _ := strings.Cut(sc.Text(), " ")
		switch cmd {
		case "connect":
			f := strings.SplitN(rest, " ", 4)
			if len(f) != 4 {
				return fmt.Errorf("connect wants ADDR W H TEXT, got %q", rest)
			}
			w, _ := strconv.Atoi(f[1])
			h, _ := strconv.Atoi(f[2])
			for _, k := range keys {
				c, err := dial(f[0], nil, gossh.PublicKeys(k.signer))
				if err != nil {
					return err
				}
				tm, err := newTerm(c, "xterm-256color", nil, w, h)
				if err != nil {
					return err
				}
				terms = append(terms, tm)
			}
			for _, tm := range terms {
				if err := tm.waitText(f[3], 15*time.Second); err != nil {
					return err
				}
			}
			say("ready " + strconv.Quote(terms[0].screen()))
		case "expect":
			present, text, _ := strings.Cut(rest, " ")
			for _, tm := range terms {
				tm.expect(text, present == "1")
			}
			say("armed")
			go func() {
				seen := make([]string, len(terms))
				timeout := time.After(10 * time.Second)
				for i, tm := range terms {
					select {
					case at := <-tm.seen:
						seen[i] = strconv.FormatInt(at.UnixNano(), 10)
					case <-timeout:
						say("timeout " + strconv.Quote(tm.screen()))
						return
					}
				}
				say("seen " + strings.Join(seen, " "))
			}()
		case "press":
			keys, err := strconv.Unquote(rest)
			if err != nil {
				return fmt.Errorf("press wants quoted keys: %w", err)
			}
			var wg sync.WaitGroup
			for _, tm := range terms {
				wg.Go(func() { _, _ = tm.stdin.Write([]byte(keys)) })
			}
			wg.Wait()
		default:
			return fmt.Errorf("unknown command %q", cmd)
		}
	}
	return sc.Err()
}

// waitText is waitFor without a test.
func (tm *term) waitText(text string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for !strings.Contains(tm.screen(), text) {
		if time.Now().After(deadline) {
			return fmt.Errorf("the screen never showed %q; it shows:\n%s", text, tm.screen())
		}
		time.Sleep(5 * time.Millisecond)
	}
	return nil
}

// benchClients is the parent's handle on the client process.
type benchClients struct {
	in  io.WriteCloser
	out *bufio.Scanner
	// lines are the clients' authorized_keys lines.
	lines []string
}

// startBenchClients starts n participants in a client process and reads
// their keys.
func startBenchClients(b *testing.B, n int) *benchClients {
	b.Helper()
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), benchClientsEnv+"="+strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	c := &benchClients{}
	if c.in, err = cmd.StdinPipe(); err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	c.out = bufio.NewScanner(stdout)
	c.out.Buffer(make([]byte, 64<<10), 1<<20)
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		c.in.Close()
		_ = cmd.Wait()
	})
	for {
		line := c.read(b)
		if line == "keys" {
			break
		}
		key, ok := strings.CutPrefix(line, "key ")
		if !ok {
			b.Fatalf("the client process said %q, not a key", line)
		}
		c.lines = append(c.lines, key)
	}
	return c
}

func (c *benchClients) read(b *testing.B) string {
	b.Helper()
	if !c.out.Scan() {
		b.Fatalf("the client process stopped: %v", c.out.Err())
	}
	return c.out.Text()
}

func (c *benchClients) send(b *testing.B, line string) {
	b.Helper()
	if _, err := io.WriteString(c.in, line+"\n"); err != nil {
		b.Fatal(err)
	}
}

// connect puts every client on the server at addr and returns the first
// screen once every screen shows text.
func (c *benchClients) connect(b *testing.B, addr string, w, h int, text string) string {
	b.Helper()
	c.send(b, fmt.Sprintf("connect %s %d %d %s", addr, w, h, text))
	screen, err := strconv.Unquote(strings.TrimPrefix(c.read(b), "ready "))
	if err != nil {
		b.Fatalf("the clients did not get ready: %v", err)
	}
	return screen
}

// expect arms every screen's watch for text appearing (present) or going.
func (c *benchClients) expect(b *testing.B, text string, present bool) {
	b.Helper()
	c.send(b, "expect "+strconv.Itoa(btoi(present))+" "+text)
	if line := c.read(b); line != "armed" {
		b.Fatalf("the clients said %q, not armed", line)
	}
}

// press types keys on every terminal.
func (c *benchClients) press(b *testing.B, keys string) { c.send(b, "press "+strconv.Quote(keys)) }

// seen waits for every screen to show what expect watches for, and
// returns when each did.
func (c *benchClients) seen(b *testing.B) ([]time.Time, error) {
	b.Helper()
	line := c.read(b)
	if rest, ok := strings.CutPrefix(line, "timeout "); ok {
		screen, _ := strconv.Unquote(rest)
		return nil, errors.New("a screen did not change within 10 s; it shows:\n" + screen)
	}
	f := strings.Fields(strings.TrimPrefix(line, "seen "))
	out := make([]time.Time, len(f))
	for i, s := range f {
		ns, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("the clients said %q", line)
		}
		out[i] = time.Unix(0, ns)
	}
	return out, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
