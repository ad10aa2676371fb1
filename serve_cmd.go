package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/threatdeck/threatdeck/live"
	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/store"
	"github.com/threatdeck/threatdeck/tui"
)

// serveCmd is `threatdeck serve`: host the workbook without a TUI, so
// other threatdecks (a TUI joining, CLI commands) work on it together.
func (c *cli) serveCmd() *cobra.Command {
	var (
		name string
		sshf *sshFlags
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Host the workbook for a live session, without a TUI, until interrupted",
		Long: "Host the workbook for a live session: other threatdecks on this machine (a TUI run by a\n" +
			"participant, and every command) work through this one, and see each other's changes live.\n" +
			"With authorized_keys beside the workbook, or any SSH flag, participants also join over SSH\n" +
			"(ssh -p 2222 HOST), by public key only, each in their own terminal.\n" +
			"Runs until Ctrl+C or SIGTERM, then tells everyone, removes its socket and closes the workbook.",
		Args: args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := c.path()
			if err != nil {
				return err
			}
			if name == "" {
				name = userName()
			}
			stderr := cmd.ErrOrStderr()
			h, err := live.Open(p, live.Options{Name: name, Log: func(line string) { fmt.Fprintln(stderr, "threatdeck: "+oneLine(line)) }})
			if _, locked := errors.AsType[*store.LockedError](err); locked {
				if cl, found, derr := dialHost(p, live.DialOptions{}); found && derr == nil {
					path := cl.Path()
					cl.Close()
					return fmt.Errorf("workbook %s is already hosted by another threatdeck; join it with: threatdeck --db %s", path, path)
				}
			}
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), stopSignals()...)
			defer stop()
			var startSSH func() (func() error, error)
			if sshf.enabled(cmd, h.Path()) {
				startSSH = func() (func() error, error) {
					stopSSH, _, err := sshf.start(ctx, h.Path(), joiner(h), sshTUIOptions(), c.stdout, stderr)
					return stopSSH, err
				}
			}
			err = serve(ctx, h, c.stdout, startSSH)
			if cerr := h.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("cannot close workbook %s: %w", h.Path(), cerr)
			}
			if err == nil {
				_, err = fmt.Fprintln(c.stdout, "Stopped hosting; the workbook is closed.")
			}
			return err
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the host's `name` in the session (default the OS user name)")
	sshf = addSSHFlags(cmd)
	return cmd
}

// joiner is how a server outside package live (the SSH server) adds a
// session to the host: it gets the session's workbook and its leave.
func joiner(h *live.Host) func(model.Participant) (tui.Live, func(), error) {
	return func(p model.Participant) (tui.Live, func(), error) {
		m, err := h.Join(p)
		if err != nil {
			return nil, nil, err
		}
		return remoteMember{m}, m.Leave, nil
	}
}

// remoteMember is a session joined from another machine. It is the host's
// member in every way but one: the workbook is named by its file name
// alone, because where the facilitator keeps threat models on this machine
// (the directories often name the client or the project) is not the
// participant's to see.
type remoteMember struct{ *live.Member }

// Path is the workbook's file name, without its directory.
func (r remoteMember) Path() string { return filepath.Base(r.Member.Path()) }

// serve runs the session until ctx ends. Everything that serves the
// workbook beyond the local socket (the SSH server, given joiner(h))
// starts here, through startSSH when it is not nil, and stops when ctx
// ends, before the host closes.
func serve(ctx context.Context, h *live.Host, out io.Writer, startSSH func() (stop func() error, err error)) error {
	if _, err := fmt.Fprintf(out, "Hosting workbook %s for a live session (socket %s); stop with Ctrl+C.\n", h.Path(), h.Socket()); err != nil {
		return err
	}
	if startSSH != nil {
		stop, err := startSSH()
		if err != nil {
			return err
		}
		defer stop()
	}
	<-ctx.Done()
	return nil
}

// stopSignals end `serve` cleanly: ctrl+c, kill, and the hang-up of the
// terminal it runs in (without it SIGHUP kills the host where it stands and
// leaves its socket behind). Under nohup SIGHUP stays ignored, as asked.
func stopSignals() []os.Signal {
	sigs := []os.Signal{os.Interrupt, syscall.SIGTERM}
	if !signal.Ignored(syscall.SIGHUP) {
		sigs = append(sigs, syscall.SIGHUP)
	}
	return sigs
}
