package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"github.com/charmbracelet/colorprofile"
	gossh "golang.org/x/crypto/ssh"

	"github.com/rnnscope/rnnscope/tui"
)

// session is one student's connection.
type session struct {
	sess    ssh.Session
	user    string
	remote  string
	started time.Time
	cancel  context.CancelCauseFunc
	out     *outQueue
	in      *inputClock
}

// Lines sessions get. They end with \r\n: the client's terminal is in raw mode.
const (
	lineNoPty    = "rnnscope serve needs a terminal: ssh -t … (the class is a full-screen program)\r\n"
	lineFull     = "rnnscope: the class is full (%d sessions); try again later\r\n"
	lineHostEnd  = "rnnscope: the host ended the class. Goodbye!\r\n"
	lineIdle     = "rnnscope: closed after %s without a key press\r\n"
	lineNoRun    = "rnnscope: could not start a run for this session: %v\r\n"
	finishWait   = 3 * time.Second // how long a closing session's last output may take
	statusOK     = 0
	statusRefuse = 1
)

// handle runs one SSH session: the TUI on the client's terminal.
func (s *Server) handle(sess ssh.Session) {
	if c := connOf(sess); c != nil {
		c.sessionStarted()
		defer c.sessionEnded()
	}
	ptyReq, winCh, ok := sess.Pty()
	if !ok {
		s.refused.Add(1)
		s.logf("%s@%s refused: no terminal", sess.User(), sess.RemoteAddr())
		_, _ = io.WriteString(sess, lineNoPty)
		_ = sess.Exit(statusRefuse)
		return
	}
	if !s.enter() {
		s.refused.Add(1)
		line := fmt.Sprintf(lineFull, s.cfg.MaxSessions)
		if s.ctx.Err() != nil {
			line = lineHostEnd
		}
		s.logf("%s@%s refused: %s", sess.User(), sess.RemoteAddr(), line[len("rnnscope: "):len(line)-2])
		_, _ = io.WriteString(sess, line)
		_ = sess.Exit(statusRefuse)
		drain(winCh)
		return
	}
	defer s.leave()

	ctx, cancel := context.WithCancelCause(s.ctx)
	defer cancel(nil)
	stop := context.AfterFunc(sess.Context(), func() { cancel(errClientGone) })
	defer stop()

	env := append(sess.Environ(), "TERM="+ptyReq.Term)
	cfg, wait, err := s.sessionConfig(ctx, env)
	if err != nil {
		s.logf("%s@%s: no run: %v", sess.User(), sess.RemoteAddr(), err)
		_, _ = fmt.Fprintf(sess, lineNoRun, err)
		_ = sess.Exit(statusRefuse)
		drain(winCh)
		return
	}
	defer func() { cancel(nil); wait() }()

	ss := &session{sess: sess, user: sess.User(), remote: sess.RemoteAddr().String(), started: time.Now(),
		cancel: cancel, in: &inputClock{r: sess}}
	ss.in.touch()
	ss.out = newOutQueue(s.cfg.MaxBacklog, func() { cancel(errBacklog) })
	go ss.out.pump(sess)

	s.mu.Lock()
	s.sessions[ss] = struct{}{}
	n := len(s.sessions)
	s.mu.Unlock()
	w, h := clampSize(ptyReq.Window.Width, ptyReq.Window.Height)
	s.logf("%s@%s joined (%d×%d, %s); %d in class", ss.user, ss.remote, w, h, ptyReq.Term, n)

	p := tea.NewProgram(tui.New(cfg),
		tea.WithContext(ctx),
		tea.WithInput(ss.in),
		tea.WithOutput(ss.out),
		tea.WithEnvironment(env),
		tea.WithColorProfile(colorprofile.Env(env)),
		tea.WithWindowSize(w, h),
		tea.WithFPS(max(cfg.FPS, 30)),
		tea.WithoutSignals(), // the host's Ctrl-C is the server's, not a session's
		// Suspending would stop the whole server: resume at once instead (as
		// wish's bubbletea middleware does).
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			if _, ok := msg.(tea.SuspendMsg); ok {
				return tea.ResumeMsg{}
			}
			return msg
		}),
	)
	// Window changes become WindowSizeMsg, at most one per resizeEvery (the
	// last one wins). The channel is drained until the session's requests end,
	// so a client resizing after its program quit never blocks the connection.
	go forwardResizes(winCh, func(w ssh.Window) {
		w.Width, w.Height = clampSize(w.Width, w.Height)
		p.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height}) // returns at once once the program ended
	})
	_, runErr := p.Run()
	cause := context.Cause(ctx)
	if ctx.Err() == nil {
		cause = nil // the student quit
	}
	cancel(nil)

	s.mu.Lock()
	delete(s.sessions, ss)
	s.mu.Unlock()

	// The program has restored the terminal (alternate screen left, cursor
	// shown) into the queue; add the last line and let the queue drain.
	status := statusOK
	switch {
	case errors.Is(cause, errHostEnded), errors.Is(cause, context.Canceled) && s.ctx.Err() != nil:
		cause = errHostEnded
		_, _ = io.WriteString(ss.out, lineHostEnd)
	case errors.Is(cause, errIdle):
		s.idled.Add(1)
		_, _ = fmt.Fprintf(ss.out, lineIdle, s.cfg.IdleTimeout)
	case errors.Is(cause, errStalled), errors.Is(cause, errBacklog):
		s.dropped.Add(1)
	case runErr != nil && !errors.Is(runErr, tea.ErrProgramKilled):
		status = statusRefuse
		_, _ = fmt.Fprintf(ss.out, "rnnscope: %v\r\n", runErr)
	}
	dropped := errors.Is(cause, errStalled) || errors.Is(cause, errBacklog)
	if dropped || !ss.out.finish(finishWait) {
		closeConn(sess) // the client does not read: cut the connection
	} else {
		_ = sess.Exit(status)
	}
	why := "left"
	if cause != nil {
		why = "closed: " + cause.Error()
	}
	s.logf("%s@%s %s after %s (%d frames, %s sent)", ss.user, ss.remote, why,
		time.Since(ss.started).Round(time.Second), ss.out.frames.Load(), bytesHuman(ss.out.sent.Load()))
}

// enter admits a session if the class has room and is not ending.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing || int(s.active.Load()) >= s.cfg.MaxSessions {
		return false
	}
	s.active.Add(1)
	s.total.Add(1)
	s.wg.Add(1)
	return true
}

func (s *Server) leave() {
	s.active.Add(-1)
	s.wg.Done()
}

// sessionConfig is a session's TUI configuration and what to call when it ends.
// Without a --lang, each student gets the language of their own environment
// (ssh sends LANG and LC_* by default).
func (s *Server) sessionConfig(ctx context.Context, env []string) (tui.Config, func(), error) {
	cfg := s.cfg.Session
	cfg.Save, cfg.Script, cfg.Seconds, cfg.Steps = "", nil, 0, 0
	if cfg.Lang == "" {
		cfg.Lang = tui.LangFromEnv(env)
	}
	if s.cfg.Mode == Watch {
		cfg.ReadOnly, cfg.Trio, cfg.Lockstep = true, nil, 0
		return cfg, func() {}, nil
	}
	run, err := s.cfg.NewRun(ctx)
	if err != nil {
		return cfg, nil, err
	}
	cfg.Live, cfg.Trio, cfg.Lockstep, cfg.ReadOnly = run.Live, run.Trio, run.Lockstep, false
	return cfg, func() { run.Live.Wait() }, nil
}

// check runs on the watchdog: idle sessions are closed, stalled ones dropped.
func (ss *session) check(now time.Time, idle, stall time.Duration) {
	if idle > 0 && now.Sub(ss.in.last()) > idle {
		ss.cancel(errIdle)
	}
	if since := ss.out.writingSince(); !since.IsZero() && now.Sub(since) > stall {
		ss.cancel(errStalled)
		closeConn(ss.sess) // unblocks the write the queue is stuck in
	}
}

func (ss *session) stats() SessionStats {
	return SessionStats{User: ss.user, Remote: ss.remote, Started: ss.started,
		Frames: ss.out.frames.Load(), Bytes: ss.out.sent.Load(), Backlog: ss.out.backlog()}
}

// closeConn closes a session's whole connection.
func closeConn(sess ssh.Session) {
	if c, ok := sess.Context().Value(ssh.ContextKeyConn).(*gossh.ServerConn); ok {
		_ = c.Close()
	}
	_ = sess.Close()
}

// forwardResizes calls send with each window size from c, at most once per
// resizeEvery, always ending on the latest; it returns when c is closed.
func forwardResizes(c <-chan ssh.Window, send func(ssh.Window)) {
	var last time.Time
	var pending *ssh.Window
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case w, ok := <-c:
			if !ok {
				return
			}
			if wait := resizeEvery - time.Since(last); wait > 0 {
				if pending == nil {
					timer.Reset(wait)
				}
				pending = &w
				continue
			}
			send(w)
			last = time.Now()
		case <-timer.C:
			if pending != nil {
				send(*pending)
				pending = nil
				last = time.Now()
			}
		}
	}
}

// drain empties a window-change channel until it is closed.
func drain(c <-chan ssh.Window) {
	go func() {
		for range c {
		}
	}()
}

func clampSize(w, h int) (int, int) {
	return min(max(w, 1), MaxWidth), min(max(h, 1), MaxHeight)
}

// inputClock reads a session's input and remembers when a key last came.
type inputClock struct {
	r    io.Reader
	nano atomic.Int64
}

func (c *inputClock) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.touch()
	}
	return n, err
}

func (c *inputClock) touch()          { c.nano.Store(time.Now().UnixNano()) }
func (c *inputClock) last() time.Time { return time.Unix(0, c.nano.Load()) }

// outQueue is a session's output: the program writes into it without ever
// waiting, and one goroutine sends it to the client as fast as the client
// reads. A client that does not read makes the backlog grow; past max bytes
// the session is dropped (overflow is called once).
type outQueue struct {
	mu       sync.Mutex
	pending  []byte
	spare    []byte
	max      int
	closed   bool // no more output is taken
	finished bool // the pump stops once pending is sent
	overflow func()
	wake     chan struct{}
	done     chan struct{}
	writing  atomic.Int64 // UnixNano when the current send began; 0 when none
	frames   atomic.Int64
	sent     atomic.Int64
}

func newOutQueue(max int, overflow func()) *outQueue {
	return &outQueue{max: max, overflow: overflow, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// Write queues p; it never blocks and never fails (output after the session
// ended is dropped).
func (q *outQueue) Write(p []byte) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return len(p), nil
	}
	if len(q.pending)+len(p) > q.max {
		q.closed = true
		q.pending = nil
		go q.overflow()
		return len(p), nil
	}
	q.pending = append(q.pending, p...)
	q.frames.Add(1)
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (q *outQueue) backlog() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending)
}

func (q *outQueue) writingSince() time.Time {
	if n := q.writing.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// pump sends queued output to w until finish, or until a send fails.
func (q *outQueue) pump(w io.Writer) {
	defer close(q.done)
	for range q.wake {
		for {
			q.mu.Lock()
			buf := q.pending
			q.pending = q.spare[:0]
			q.spare = nil
			finished := q.finished
			q.mu.Unlock()
			if len(buf) == 0 {
				if finished {
					return
				}
				break
			}
			q.writing.Store(time.Now().UnixNano())
			n, err := w.Write(buf)
			q.writing.Store(0)
			q.sent.Add(int64(n))
			q.mu.Lock()
			if cap(buf) <= 64<<10 { // keep a frame-sized buffer, not a backlog-sized one
				q.spare = buf[:0]
			}
			if err != nil {
				q.closed = true
				q.pending = nil
			}
			q.mu.Unlock()
			if err != nil {
				return
			}
		}
	}
}

// finish takes no more output, waits up to d for what is queued to be sent,
// and reports whether it was.
func (q *outQueue) finish(d time.Duration) bool {
	q.mu.Lock()
	q.closed, q.finished = true, true
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	select {
	case <-q.done:
		return true
	case <-time.After(d):
		return false
	}
}

// bytesHuman writes a byte count: 812 B, 14.2 kB, 1.31 MB.
func bytesHuman(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.2f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
