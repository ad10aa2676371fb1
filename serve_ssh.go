package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/live/sshd"
	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/tui"
)

// sshFlags are the SSH options of threatdeck serve.
type sshFlags struct {
	listen         string
	authorizedKeys string
	hostKey        string
	maxSessions    int
	idleTimeout    time.Duration
	facilitators   []string
	observers      []string
}

// sshStopTimeout is how long stop waits for sessions to draw their last
// frame and write their edits before closing the connections.
const sshStopTimeout = 5 * time.Second

// addSSHFlags defines the SSH flags on cmd.
func addSSHFlags(cmd *cobra.Command) *sshFlags {
	f := &sshFlags{}
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", sshd.DefaultListen, "serve SSH on this `address`; anything but loopback is reachable from the network")
	fl.StringVar(&f.authorizedKeys, "authorized-keys", "", "`file` of the public keys that may join, one a line, the comment naming the person;\n"+
		"role=observer or role=facilitator before a key gives that role (default: "+sshd.AuthorizedKeysFile+" beside the workbook)")
	fl.StringVar(&f.hostKey, "host-key", "", "the server's private key `file`, created on first use (default: "+sshd.HostKeyFile+" beside the workbook)")
	fl.IntVar(&f.maxSessions, "max-sessions", sshd.DefaultMaxSessions, "most SSH sessions at once")
	fl.DurationVar(&f.idleTimeout, "idle-timeout", sshd.DefaultIdleTimeout, "end an SSH session after this long without input")
	fl.StringArrayVar(&f.facilitators, "facilitator", nil, "make this `key` a facilitator: a SHA256: fingerprint, a public key or a .pub file (repeatable)")
	fl.StringArrayVar(&f.observers, "observer", nil, "make this `key` an observer, who reads and adds to the parking lot only (repeatable)")
	return f
}

// sshFlagNames are the flags addSSHFlags defines.
var sshFlagNames = []string{"listen", "authorized-keys", "host-key", "max-sessions", "idle-timeout", "facilitator", "observer"}

// enabled reports whether serve should start SSH: an SSH flag was given,
// or the default authorized_keys file exists beside the workbook. Without
// either, serve hosts the local socket only.
func (f *sshFlags) enabled(cmd *cobra.Command, workbookPath string) bool {
	for _, name := range sshFlagNames {
		if cmd.Flags().Changed(name) {
			return true
		}
	}
	_, err := os.Stat(filepath.Join(filepath.Dir(workbookPath), sshd.AuthorizedKeysFile))
	return err == nil
}

// start serves SSH for the workbook at workbookPath until stop is called or
// ctx is done, joining each participant with join. It says on w where it
// listens and how a participant connects, and on logw what the server
// reports while it runs. stop may be called more than once.
func (f *sshFlags) start(ctx context.Context, workbookPath string, join sshd.JoinFunc, opts sshd.OptionsFunc, w, logw io.Writer) (stop func() error, addr net.Addr, err error) {
	if _, _, err := net.SplitHostPort(f.listen); err != nil {
		return nil, nil, usagef("--listen %q is not host:port", f.listen)
	}
	if f.maxSessions < 1 {
		return nil, nil, usagef("--max-sessions must be at least 1")
	}
	if f.idleTimeout <= 0 {
		return nil, nil, usagef("--idle-timeout must be positive")
	}
	srv, err := sshd.New(sshd.Config{
		Listen: f.listen, HostKeyPath: f.hostKey, AuthorizedKeysPath: f.authorizedKeys, WorkbookPath: workbookPath,
		Facilitators: f.facilitators, Observers: f.observers, MaxSessions: f.maxSessions, IdleTimeout: f.idleTimeout,
		Logf: func(format string, args ...any) { fmt.Fprintf(logw, "threatdeck: ssh: "+format+"\n", args...) },
	}, join, opts)
	if err != nil {
		return nil, nil, err
	}
	if err := srv.Start(); err != nil {
		return nil, nil, err
	}
	addr = srv.Addr()
	_, port, _ := net.SplitHostPort(addr.String())
	fmt.Fprintf(w, "Serving SSH on %s (host key %s); participants join with: ssh -p %s HOST\n", addr, srv.HostKeyFingerprint(), port)
	if tcp, ok := addr.(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		fmt.Fprintln(logw, "threatdeck: ssh: listening beyond this machine: anyone who can reach it may try to log in; only the listed keys get in")
	}
	var (
		once    sync.Once
		stopErr error
		done    = make(chan struct{})
	)
	stop = func() error {
		once.Do(func() {
			close(done)
			sctx, cancel := context.WithTimeout(context.Background(), sshStopTimeout)
			defer cancel()
			stopErr = srv.Shutdown(sctx)
		})
		return stopErr
	}
	go func() {
		select {
		case <-ctx.Done():
			_ = stop()
		case <-done:
		}
	}()
	return stop, addr, nil
}

// sshTUIOptions are the TUI options of an SSH participant's session: the
// report, the example and the workbook's team libraries, as locally (a
// library that cannot be read leaves the built-in one); the server itself
// leaves out import and export to a file, which would reach the host's
// files.
func sshTUIOptions() sshd.OptionsFunc {
	return func(l tui.Live) tui.Options {
		opts := tui.Options{Render: export.Markdown, Example: model.Example, User: l.Me().Name}
		if lw, ok := l.(interface {
			ActiveLibraries() ([]model.Library, error)
		}); ok {
			if team, err := lw.ActiveLibraries(); err == nil {
				opts.Library = model.SuggestionLibraries(team)
			}
		}
		return opts
	}
}
