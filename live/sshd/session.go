package sshd

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	// Bubble Tea is imported only for the program the wish middleware
	// runs (tea.Program and its options); all drawing stays in package tui.
	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	"charm.land/wish/v2/bubbletea"

	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/tui"
)

// session is one participant's SSH session while its TUI runs.
type session struct {
	srv  *Server
	sess ssh.Session
	live tui.Live
	in   *input
	done chan struct{}

	mu   sync.Mutex
	prog *tea.Program
	wait func()
	// ending is set by the first end; reason is what it said, if anything.
	ending bool
	reason string
	ended  bool
}

type sessionKey struct{}

// shuttingDown is the sentence for a session refused or ended by Shutdown.
const shuttingDown = "threatdeck: the host has ended the session."

// admit refuses a command before anything else runs: threatdeck over SSH
// only runs the workbook.
func (s *Server) admit(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if len(sess.Command()) > 0 {
			wish.Fatalln(sess, "threatdeck: this server only runs the workbook; connect without a command (ssh -p PORT HOST).")
			return
		}
		next(sess)
	}
}

// joinMiddleware joins the participant to the live session, runs the rest
// of the chain (the TUI) and leaves when it returns or panics.
func (s *Server) joinMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		st := &session{srv: s, sess: sess, done: make(chan struct{})}
		// Counted before joining, so two sessions arriving together cannot
		// both take the last place.
		if refused := s.track(st); refused != "" {
			wish.Fatalln(sess, refused)
			return
		}
		defer s.untrack(st)
		live, leave, err := s.join(participant(sess))
		if err != nil {
			wish.Fatalln(sess, "threatdeck: cannot join the session: "+model.CleanLine(err.Error()))
			return
		}
		if leave != nil {
			defer leave()
		}
		st.live = live
		st.in = newInput(sess, s.cfg.InputRate, s.cfg.InputBurst, s.cfg.FloodTimeout, st.done, func() {
			st.end(fmt.Sprintf("threatdeck: input arrived faster than %.0f bytes a second for %s; the session was closed.", s.cfg.InputRate, s.cfg.FloodTimeout))
		}, func() { st.end("") })
		sess.Context().SetValue(sessionKey{}, st)
		go st.watchIdle(s.cfg.IdleTimeout)
		defer close(st.done)
		next(sess)
		st.mu.Lock()
		wait, reason := st.wait, st.reason
		st.ended = true
		st.mu.Unlock()
		if wait != nil {
			// Every edit queued by this session is written before it leaves.
			wait()
		}
		if reason != "" {
			wish.Fatalln(sess, reason)
		}
	}
}

// participant builds who the session is from the key's identity.
func participant(sess ssh.Session) model.Participant {
	ext := sess.Permissions().Extensions
	name := ext[extName]
	if name == "" {
		name = cleanName(sess.User())
	}
	if name == "" {
		name = "guest"
	}
	role, ok := parseRole(ext[extRole])
	if !ok {
		role = model.RoleParticipant
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	return model.Participant{Name: name, Role: role, Session: "ssh-" + hex.EncodeToString(b[:])}
}

// program builds the participant's TUI for the bubbletea middleware: the
// session's size, colour profile and environment from wish, input through
// the session's rate limit.
func (s *Server) program(sess ssh.Session) *tea.Program {
	st, _ := sess.Context().Value(sessionKey{}).(*session)
	if st == nil {
		return nil
	}
	opts := s.opts(st.live)
	opts.Workbook = st.live
	opts.Input, opts.Output = nil, nil
	// A participant types paths on the host's machine, not their own:
	// importing would let them read the host's files and exporting write
	// them. Over SSH the TUI offers neither (both nil hide the choice).
	opts.Import, opts.WriteFile = nil, nil
	if envSet(sess.Environ(), "NO_COLOR") {
		opts.NoColor = true
	}
	m, popts, wait, err := tui.NewProgramModel(opts)
	if err != nil {
		st.end("threatdeck: " + model.CleanLine(err.Error()))
		return nil
	}
	popts = append(popts, bubbletea.MakeOptions(sess)...)
	popts = append(popts, tea.WithInput(st.in))
	p := tea.NewProgram(m, popts...)
	st.mu.Lock()
	defer st.mu.Unlock()
	st.prog, st.wait = p, wait
	if st.ending {
		// Ended (idle, shutdown) before the program existed.
		return nil
	}
	return p
}

// envSet reports whether name is set to a non-empty value in env.
func envSet(env []string, name string) bool {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name && v != "" {
			return true
		}
	}
	return false
}

// end stops the session's TUI, to be told reason (if any) once the
// terminal is restored. The TUI quits normally (its last frame drawn, its
// edits written); one that does not within quitGrace is killed. Only the
// first call counts.
func (st *session) end(reason string) {
	st.mu.Lock()
	if st.ended || st.ending {
		st.mu.Unlock()
		return
	}
	st.ending, st.reason = true, reason
	p := st.prog
	st.mu.Unlock()
	if p == nil {
		return
	}
	// Quit waits for the program's event loop to take the message, so it
	// runs on its own goroutine: Shutdown ends many sessions in turn and
	// must not wait behind a stuck one.
	go p.Quit()
	go func() {
		t := time.NewTimer(quitGrace)
		defer t.Stop()
		select {
		case <-st.done:
		case <-t.C:
			p.Kill()
		}
	}()
}

// watchIdle ends the session after timeout without input.
func (st *session) watchIdle(timeout time.Duration) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		select {
		case <-st.done:
			return
		case now := <-t.C:
			idle := st.in.idleFor(now)
			if idle >= timeout {
				st.end(fmt.Sprintf("threatdeck: closed after %s without input.", timeout))
				return
			}
			t.Reset(timeout - idle)
		}
	}
}

// track counts st in, or says why not: the server is full or closing.
func (s *Server) track(st *session) (refused string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closing:
		return shuttingDown
	case len(s.sessions) >= s.cfg.MaxSessions:
		return fmt.Sprintf("threatdeck: the session is full (%d connected); try again when someone leaves.", s.cfg.MaxSessions)
	}
	s.sessions[st] = struct{}{}
	s.running.Add(1)
	return ""
}

func (s *Server) untrack(st *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, st)
	s.running.Done()
}
