// Package sshd serves a live threatdeck session over SSH: each participant
// runs `ssh -p 2222 HOST` and gets the workbook TUI in their own terminal,
// at their own size and colour profile. The server authenticates by public
// key only, against an authorized_keys file whose comments name the
// participants and whose role= option marks observers and facilitators; it
// then joins each one to the live host through an injected function, so the
// package knows nothing of how the host is built.
package sshd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/log/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	"charm.land/wish/v2/activeterm"
	"charm.land/wish/v2/bubbletea"
	"charm.land/wish/v2/ratelimiter"
	"charm.land/wish/v2/recover"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"

	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/tui"
)

// Defaults for a Config's zero fields.
const (
	DefaultListen      = "127.0.0.1:2222"
	DefaultMaxSessions = 32
	DefaultIdleTimeout = 30 * time.Minute
	// DefaultInputRate is far above typing or mouse motion (a few hundred
	// bytes a second) and still keeps a flood from costing the host much.
	DefaultInputRate    = 8 << 10
	DefaultInputBurst   = 64 << 10
	DefaultFloodTimeout = 5 * time.Second
	// handshakeTimeout bounds a connection that never finishes logging in.
	handshakeTimeout = 20 * time.Second
	// quitGrace is how long a session that was asked to end may take to
	// draw its last frame before it is killed.
	quitGrace = 2 * time.Second
)

// Config configures the SSH server. Only WorkbookPath (or both key paths) is
// required.
type Config struct {
	// Listen is the TCP address; "" means DefaultListen (loopback only).
	// Anything else is the user's explicit choice.
	Listen string
	// HostKeyPath is the server's private key, created on first use;
	// "" means HostKeyFile beside the workbook.
	HostKeyPath string
	// AuthorizedKeysPath lists who may join; "" means AuthorizedKeysFile
	// beside the workbook.
	AuthorizedKeysPath string
	// WorkbookPath locates the default key files.
	WorkbookPath string
	// Facilitators and Observers give keys those roles, overriding the
	// file's role= option: each a SHA256 fingerprint of a listed key, a
	// public key line, or a .pub file (whose key may then join even if the
	// file does not list it).
	Facilitators, Observers []string
	// MaxSessions is how many may be connected at once.
	MaxSessions int
	// IdleTimeout ends a session after this long without input.
	IdleTimeout time.Duration
	// InputRate (bytes a second) and InputBurst limit one session's input:
	// bytes beyond them are held back. FloodTimeout is how far behind the
	// rate a session's input may fall before it is disconnected.
	InputRate    float64
	InputBurst   int
	FloodTimeout time.Duration
	// SessionRate and SessionBurst limit how fast sessions may be started
	// from one address (wish's ratelimiter); zero means 2 a second with
	// bursts of twice MaxSessions.
	SessionRate  float64
	SessionBurst int
	// Logf receives the server's own messages (a skipped authorized_keys
	// line, a recovered panic). They never hold keys or model text. nil
	// discards them.
	Logf func(format string, args ...any)
}

// JoinFunc joins a participant to the live session: the returned Live is
// that participant's workbook, and leave is called once when their session
// ends, however it ends.
type JoinFunc func(p model.Participant) (live tui.Live, leave func(), err error)

// OptionsFunc builds the TUI options for a participant's session (render,
// library…). The server sets Workbook to the participant's Live and drops
// Import and WriteFile, which would reach the host's files.
type OptionsFunc func(live tui.Live) tui.Options

// Server is the SSH front of a live session.
type Server struct {
	cfg  Config
	join JoinFunc
	opts OptionsFunc
	keys *keyring
	srv  *ssh.Server

	mu       sync.Mutex
	ln       net.Listener
	sessions map[*session]struct{}
	// running counts the sessions in s.sessions, for Shutdown to wait on;
	// none is added once closing is set.
	running sync.WaitGroup
	closing bool
	// conns counts open connections, logged in or not.
	conns atomic.Int64
}

// maxConnections is how many connections may be open at once: every
// session's, and room for as many again logging in or reconnecting.
func maxConnections(maxSessions int) int { return 2*maxSessions + 8 }

// New checks the configuration, loads (or creates) the host key and reads
// the authorized keys. It does not listen yet: see Start and Serve.
func New(cfg Config, join JoinFunc, opts OptionsFunc) (*Server, error) {
	if join == nil || opts == nil {
		return nil, errors.New("sshd: join and opts are required")
	}
	cfg = withDefaults(cfg)
	if cfg.HostKeyPath == "" || cfg.AuthorizedKeysPath == "" {
		return nil, errors.New("sshd: no workbook path to put the host key and authorized keys beside")
	}
	signer, err := LoadHostKey(cfg.HostKeyPath)
	if err != nil {
		return nil, err
	}
	keys, err := newKeyring(cfg.AuthorizedKeysPath, cfg.Facilitators, cfg.Observers, cfg.Logf)
	if err != nil {
		return nil, err
	}
	// wish's middleware logs through charm's global logger to stderr, which
	// would draw over a host's own TUI; what it says (a killed program's
	// exit) is not worth showing, and panics come to Logf through recover.
	log.SetOutput(io.Discard)
	s := &Server{cfg: cfg, join: join, opts: opts, keys: keys, sessions: map[*session]struct{}{}}
	// Middlewares run last to first: refuse a command, then sessions
	// started too fast from one address, then sessions without a terminal,
	// then join (refusing one past MaxSessions) and run the TUI. recover
	// wraps them all, so a panic ends one session only.
	limiter := ratelimiter.NewRateLimiter(rate.Limit(cfg.SessionRate), cfg.SessionBurst, 1024)
	s.srv = &ssh.Server{
		Addr:             cfg.Listen,
		HostSigners:      []ssh.Signer{signer},
		Version:          "threatdeck",
		HandshakeTimeout: handshakeTimeout,
		// The connection-level idle timeout catches a client that logs in
		// and opens no session; a session's own timeout counts only input,
		// since the TUI's clock redraws keep the connection busy.
		// Twice the session's, so that one is the one a participant meets.
		IdleTimeout:          2 * cfg.IdleTimeout,
		ServerConfigCallback: s.serverConfig,
		// Like OpenSSH's MaxStartups: connections beyond the cap are
		// closed at once, so a flood of half-open logins cannot grow the
		// host without bound (each lasts at most handshakeTimeout).
		ConnCallback: func(_ ssh.Context, c net.Conn) net.Conn {
			if s.conns.Add(1) > int64(maxConnections(cfg.MaxSessions)) {
				s.conns.Add(-1)
				return nil
			}
			return c
		},
		ConnectionCloseCallback: func(net.Conn) { s.conns.Add(-1) },
	}
	err = s.srv.SetOption(wish.WithMiddleware(
		recover.MiddlewareWithLogger(panicLogger{cfg.Logf},
			bubbletea.MiddlewareWithProgramHandler(s.program),
			s.joinMiddleware,
			activeterm.Middleware(),
			ratelimiter.Middleware(limiter),
			s.admit,
		),
	))
	if err != nil {
		return nil, err
	}
	return s, nil
}

func withDefaults(cfg Config) Config {
	if cfg.Listen == "" {
		cfg.Listen = DefaultListen
	}
	dir := ""
	if cfg.WorkbookPath != "" {
		dir = filepath.Dir(cfg.WorkbookPath)
	}
	if cfg.HostKeyPath == "" && dir != "" {
		cfg.HostKeyPath = filepath.Join(dir, HostKeyFile)
	}
	if cfg.AuthorizedKeysPath == "" && dir != "" {
		cfg.AuthorizedKeysPath = filepath.Join(dir, AuthorizedKeysFile)
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = DefaultMaxSessions
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.InputRate <= 0 {
		cfg.InputRate = DefaultInputRate
	}
	if cfg.InputBurst <= 0 {
		cfg.InputBurst = DefaultInputBurst
	}
	if cfg.FloodTimeout <= 0 {
		cfg.FloodTimeout = DefaultFloodTimeout
	}
	if cfg.SessionRate <= 0 {
		cfg.SessionRate = 2
	}
	if cfg.SessionBurst <= 0 {
		// Room for a full room to reconnect at once from one address (a
		// shared NAT) after a network blip.
		cfg.SessionBurst = 2 * cfg.MaxSessions
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	return cfg
}

// Start listens on the configured address and serves in the background; it
// returns once the address is bound, or why it could not be.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("cannot listen for SSH on %s: %w", s.cfg.Listen, err)
	}
	if !s.setListener(ln) {
		ln.Close()
		return errors.New("sshd: the server is closed")
	}
	go func() { _ = s.serve(ln) }()
	return nil
}

// Serve serves SSH on ln until Shutdown or Close; it returns nil then.
func (s *Server) Serve(ln net.Listener) error {
	if !s.setListener(ln) {
		ln.Close()
		return nil
	}
	return s.serve(ln)
}

func (s *Server) setListener(ln net.Listener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.ln = ln
	return true
}

func (s *Server) serve(ln net.Listener) error {
	err := s.srv.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Addr is the address the server listens on (useful with port 0), or nil
// before Start or Serve.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Shutdown stops accepting connections, ends every session (each
// participant sees why, their queued edits written first), waits for them
// until ctx is done, then closes every connection.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	open := make([]*session, 0, len(s.sessions))
	for st := range s.sessions {
		open = append(open, st)
	}
	s.mu.Unlock()
	for _, st := range open {
		st.end(shuttingDown)
	}
	ended := make(chan struct{})
	go func() {
		s.running.Wait()
		close(ended)
	}()
	var err error
	select {
	case <-ended:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	return err
}

// Close ends every connection at once.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	err := s.srv.Close()
	if errors.Is(err, ssh.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// HostKeyFingerprint is the host key's SHA256 fingerprint, for
// participants to check the first time they connect.
func (s *Server) HostKeyFingerprint() string {
	return gossh.FingerprintSHA256(s.srv.HostSigners[0].PublicKey())
}

// Sessions is how many participants are connected now.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Permissions extensions carrying the accepted key's identity from
// authentication to the session. gossh keeps the permissions of the key
// that actually authenticated, so a client that offers several keys gets
// the identity of the one it proved.
const (
	extName = "threatdeck-name"
	extRole = "threatdeck-role"
	extFP   = "threatdeck-fingerprint"
)

// unknownKeyBanner is shown to a client whose key is not authorized.
const unknownKeyBanner = "threatdeck: this key may not join this session; ask the facilitator to add your public key.\n"

var errUnknownKey = errors.New("key not authorized")

// serverConfig is called once per connection: public-key authentication
// only (no password or keyboard-interactive callback is set, so the server
// never offers them), with the refusal banner sent once per connection.
func (s *Server) serverConfig(ssh.Context) *gossh.ServerConfig {
	bannerSent := false
	return &gossh.ServerConfig{
		PublicKeyCallback: func(_ gossh.ConnMetadata, key gossh.PublicKey) (*gossh.Permissions, error) {
			id, ok := s.keys.lookup(key)
			if !ok {
				if bannerSent {
					return nil, errUnknownKey
				}
				bannerSent = true
				return nil, &gossh.BannerError{Err: errUnknownKey, Message: unknownKeyBanner}
			}
			return &gossh.Permissions{Extensions: map[string]string{
				extName: id.Name, extRole: string(id.Role), extFP: id.Fingerprint,
			}}, nil
		},
	}
}

// panicLogger hands a recovered panic to Logf. recover passes the panic
// value and the stack; only the stack is kept, since the value may quote
// model text.
type panicLogger struct{ logf func(string, ...any) }

func (l panicLogger) Printf(_ string, v ...any) {
	stack := ""
	if len(v) >= 2 {
		stack, _ = v[1].(string)
	}
	l.logf("a session failed and was closed; the others carry on\n%s", stack)
}
