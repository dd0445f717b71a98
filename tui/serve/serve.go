// Package serve runs rnnscope's TUI for a class over SSH: each student who
// connects with `ssh -p PORT host` gets their own tui.Model in their own
// terminal. In watch mode every session shows the host's one training run,
// read-only; in own mode each session trains its own small model at a fixed
// budget of steps per frame.
//
// The server offers a terminal and nothing else: no shell, no commands, no
// subsystems (sftp, scp), no port or agent forwarding, no files beyond the text
// the host chose. A session's output goes through its own queue, so a client
// that stops reading holds up nobody but itself, and is dropped once its
// backlog or its stall passes a bound.
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/ssh"
	"charm.land/wish/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/rnnscope/rnnscope/tui"
)

// Mode is what sessions show.
type Mode string

// Modes.
const (
	// Watch: one run, started by the host, shown to every session read-only.
	Watch Mode = "watch"
	// Own: each session trains its own model.
	Own Mode = "own"
)

// Defaults.
const (
	DefaultMaxSessions  = 40
	DefaultIdleTimeout  = 30 * time.Minute
	DefaultStallTimeout = 20 * time.Second
	DefaultMaxBacklog   = 2 << 20 // bytes of output a session may have unsent
	// MaxWidth and MaxHeight bound the window a client may claim: the TUI
	// allocates and draws per cell, and a hostile 100000×100000 must not cost
	// gigabytes. A larger terminal shows the frame in its top-left corner.
	MaxWidth, MaxHeight = 400, 120
	// resizeEvery is the fastest a session follows window changes: a client
	// that resizes in a loop gets a full redraw ten times a second, no more.
	resizeEvery = 100 * time.Millisecond
)

// Config is a class server.
type Config struct {
	Mode Mode
	// Session is the TUI configuration every session starts from (screen,
	// theme, captions, language, frame rate). In watch mode its Live is the
	// shared run; sessions get ReadOnly set and no Trio or Save.
	Session tui.Config
	// NewRun (own mode) starts a run for one session; it stops when ctx is done
	// (the server then waits for its Live). The returned config's Live, Trio
	// and Lockstep are used; the rest comes from Session.
	NewRun func(ctx context.Context) (tui.Config, error)

	HostKey gossh.Signer
	// Authorized, when not nil, are the only keys that may connect; nil lets
	// anyone in (the command line allows that only on loopback unless told).
	Authorized []gossh.PublicKey

	MaxSessions  int           // 0: DefaultMaxSessions
	IdleTimeout  time.Duration // no key for this long closes a session (0: default, < 0: never)
	StallTimeout time.Duration // output stuck for this long drops a session (0: default)
	MaxBacklog   int           // unsent output that drops a session (0: default)
	// Log gets one line per session joining, leaving or being refused (nil: none).
	Log io.Writer
}

// Server serves the TUI over SSH.
type Server struct {
	cfg Config
	srv *ssh.Server
	ctx context.Context // the host's: cancelled on Ctrl-C

	mu       sync.Mutex
	sessions map[*session]struct{}
	closing  bool           // the host ended the class: no new sessions
	wg       sync.WaitGroup // running session handlers (Add under mu, while not closing)
	logMu    sync.Mutex

	active   atomic.Int32
	conns    atomic.Int32
	total    atomic.Int64
	refused  atomic.Int64
	dropped  atomic.Int64
	idled    atomic.Int64
	maxConns int32
	// bareTimeout closes connections without a session (bareConnTimeout;
	// tests shorten it).
	bareTimeout time.Duration
}

// Errors a session ends with (context.Cause of its context).
var (
	errHostEnded  = errors.New("the host ended the class")
	errIdle       = errors.New("idle")
	errStalled    = errors.New("output stalled")
	errBacklog    = errors.New("output backlog")
	errClientGone = errors.New("client gone")
)

// New checks cfg and builds a server.
func New(cfg Config) (*Server, error) {
	switch cfg.Mode {
	case Watch:
		if cfg.Session.Live == nil {
			return nil, errors.New("watch mode needs the host's run")
		}
	case Own:
		if cfg.NewRun == nil {
			return nil, errors.New("own mode needs NewRun")
		}
	default:
		return nil, fmt.Errorf("mode %q: want watch or own", cfg.Mode)
	}
	if cfg.HostKey == nil {
		return nil, errors.New("no host key")
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = DefaultMaxSessions
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.StallTimeout <= 0 {
		cfg.StallTimeout = DefaultStallTimeout
	}
	if cfg.MaxBacklog <= 0 {
		cfg.MaxBacklog = DefaultMaxBacklog
	}
	s := &Server{cfg: cfg, sessions: map[*session]struct{}{}, maxConns: int32(cfg.MaxSessions + 16),
		bareTimeout: bareConnTimeout}
	opts := []ssh.Option{
		func(srv *ssh.Server) error {
			srv.Version = "rnnscope"
			srv.HandshakeTimeout = 20 * time.Second
			// Only a shell request starts a session: exec and subsystems
			// (sftp, scp) are refused.
			srv.SessionRequestCallback = func(_ ssh.Session, kind string) bool { return kind == "shell" }
			// No forwarding of any kind, no channel type but "session", no
			// global requests.
			srv.LocalPortForwardingCallback = func(ssh.Context, string, uint32) bool { return false }
			srv.ReversePortForwardingCallback = func(ssh.Context, string, uint32) bool { return false }
			srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": ssh.DefaultSessionHandler}
			srv.RequestHandlers = map[string]ssh.RequestHandler{}
			srv.SubsystemHandlers = map[string]ssh.SubsystemHandler{}
			// Bound connections, authenticated or not, so that a flood of
			// them costs little; MaxSessions sessions still fit.
			srv.ConnCallback = func(ctx ssh.Context, c net.Conn) net.Conn {
				if s.conns.Add(1) > s.maxConns {
					s.conns.Add(-1)
					_ = c.Close()
					return nil
				}
				cc := &countedConn{Conn: c, s: s}
				ctx.SetValue(connKey{}, cc)
				cc.closeIfBare() // a connection must start a session soon
				return cc
			}
			srv.AddHostKey(cfg.HostKey)
			return nil
		},
		// The pseudo-terminal is emulated: nothing is allocated on this machine,
		// and the program's bare newlines become CRLF on the way out.
		ssh.EmulatePty(),
		wish.WithMiddleware(func(ssh.Handler) ssh.Handler { return s.handle }),
	}
	if cfg.Authorized != nil {
		keys := cfg.Authorized
		opts = append(opts, wish.WithPublicKeyAuth(func(_ ssh.Context, key ssh.PublicKey) bool {
			for _, k := range keys {
				if ssh.KeysEqual(key, k) {
					return true
				}
			}
			return false
		}))
	}
	srv, err := wish.NewServer(opts...)
	if err != nil {
		return nil, err
	}
	s.srv = srv
	return s, nil
}

// bareConnTimeout is how long a connection may stay open without a session
// (before its first, or after its last): connections are few, and one that
// only holds a place is closed.
const bareConnTimeout = 30 * time.Second

type connKey struct{}

// countedConn gives its place back when closed, and closes itself when it
// holds no session for bareConnTimeout.
type countedConn struct {
	net.Conn
	s        *Server
	once     sync.Once
	sessions atomic.Int32
}

func (c *countedConn) Close() error {
	c.once.Do(func() { c.s.conns.Add(-1) })
	return c.Conn.Close()
}

func (c *countedConn) sessionStarted() { c.sessions.Add(1) }

func (c *countedConn) sessionEnded() {
	if c.sessions.Add(-1) == 0 {
		c.closeIfBare()
	}
}

// closeIfBare closes the connection after bareTimeout unless it holds a
// session by then.
func (c *countedConn) closeIfBare() {
	time.AfterFunc(c.s.bareTimeout, func() {
		if c.sessions.Load() == 0 {
			_ = c.Close()
		}
	})
}

// connOf is a session's connection.
func connOf(sess ssh.Session) *countedConn {
	c, _ := sess.Context().Value(connKey{}).(*countedConn)
	return c
}

// Fingerprint is the host key's SHA256 fingerprint, as ssh shows it.
func (s *Server) Fingerprint() string { return gossh.FingerprintSHA256(s.cfg.HostKey.PublicKey()) }

// Serve accepts connections on ln until ctx is done, then closes every
// session, each with a last line and its terminal restored, and returns nil.
// Sessions that do not finish within a few seconds (a client that stopped
// reading) are cut off.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.ctx = ctx
	watchdog := make(chan struct{})
	go func() {
		defer close(watchdog)
		s.watch(ctx)
	}()
	served := make(chan error, 1)
	go func() { served <- s.srv.Serve(ln) }()
	var err error
	select {
	case err = <-served: // the listener failed
	case <-ctx.Done():
	}
	// Stop accepting; the sessions see ctx and end themselves.
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	_ = ln.Close()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	_ = s.srv.Close() // cuts any connection still open
	<-watchdog
	s.wg.Wait()
	if err != nil && !errors.Is(err, ssh.ErrServerClosed) && ctx.Err() == nil {
		return err
	}
	return nil
}

// watch closes idle sessions and drops stalled ones.
func (s *Server) watch(ctx context.Context) {
	every := time.Second
	if t := s.cfg.IdleTimeout; t > 0 && t/4 < every {
		every = t / 4
	}
	if t := s.cfg.StallTimeout; t/4 < every {
		every = t / 4
	}
	tk := time.NewTicker(every)
	defer tk.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tk.C:
			s.mu.Lock()
			for ss := range s.sessions {
				ss.check(now, s.cfg.IdleTimeout, s.cfg.StallTimeout)
			}
			s.mu.Unlock()
		}
	}
}

func (s *Server) logf(format string, args ...any) {
	if s.cfg.Log == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.cfg.Log, "%s rnnscope serve: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// Stats is what the server has done so far.
type Stats struct {
	Active   int   // sessions running now
	Total    int64 // sessions started since the server started
	Refused  int64 // turned away: class full or no terminal
	Dropped  int64 // cut off: stalled output or too much backlog
	Idled    int64 // closed after the idle timeout
	Sessions []SessionStats
}

// SessionStats describes one running session.
type SessionStats struct {
	User, Remote string
	Started      time.Time
	Frames       int64 // writes the session's program made (one per frame drawn)
	Bytes        int64 // bytes sent to the client
	Backlog      int   // bytes waiting to be sent
}

// Stats reports the server's counters and its sessions, oldest first.
func (s *Server) Stats() Stats {
	st := Stats{Active: int(s.active.Load()), Total: s.total.Load(), Refused: s.refused.Load(),
		Dropped: s.dropped.Load(), Idled: s.idled.Load()}
	s.mu.Lock()
	for ss := range s.sessions {
		st.Sessions = append(st.Sessions, ss.stats())
	}
	s.mu.Unlock()
	sort.Slice(st.Sessions, func(i, j int) bool { return st.Sessions[i].Started.Before(st.Sessions[j].Started) })
	return st
}
