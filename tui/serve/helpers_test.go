package serve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	mrand "math/rand/v2"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
	"github.com/rnnscope/rnnscope/tui"
)

// tinyRun starts a run of an LSTM with 16 units on the code corpus (4 streams of
// 16 characters), free-running or in lockstep; it stops with ctx.
func tinyRun(t testing.TB, ctx context.Context, lockstep int) *probe.Live {
	t.Helper()
	c, err := corpora.Load("code", corpora.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	cfg := nets.Config{Cell: nets.LSTM, Vocab: c.Vocab.Size(), Hidden: 16, Layers: 1}
	p := nets.NewParams[float64](cfg)
	nets.Init(cfg, p, mrand.New(mrand.NewPCG(1, 1)), 0)
	const batch = 4
	streams := make([]nets.Stream, batch)
	for b := range streams {
		streams[b] = c.Stream(b, batch, 0)
	}
	tr, err := nets.NewTrainer(cfg, p, nets.TrainConfig{Seq: 16, Batch: batch, Optimizer: "adam", LR: 1e-2, Clip: 5}, streams)
	if err != nil {
		t.Fatal(err)
	}
	ids, text := c.Held()
	w, err := probe.NewWindow(ids, text, 50, 600)
	if err != nil {
		t.Fatal(err)
	}
	return probe.StartLive(ctx, probe.LiveConfig{Name: "code", Trainer: tr, Corpus: c, Vocab: c.Vocab.Runes(),
		Window: w, Options: probe.Options{Top: 10}, Rand: mrand.New(mrand.NewPCG(2, 2)), Lockstep: lockstep,
		ProbeSteps: 10, SampleLen: 80})
}

func testKey(t testing.TB) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// server is a class server on a loopback port, for one test.
type server struct {
	*Server
	addr   string
	cancel context.CancelFunc // the host's Ctrl-C
	done   chan error         // Serve's result
	live   *probe.Live
}

// startServer serves a watch-mode class of a tiny free-running run, with cfg's
// limits (its Mode, Session and HostKey are filled in when empty).
func startServer(t testing.TB, cfg Config, tweak ...func(*Server)) *server {
	t.Helper()
	runCtx, stopRun := context.WithCancel(context.Background())
	s := &server{}
	if cfg.Mode == "" {
		cfg.Mode = Watch
	}
	if cfg.Mode == Watch && cfg.Session.Live == nil {
		s.live = tinyRun(t, runCtx, 0)
		cfg.Session = tui.Config{Live: s.live, FPS: loadSessionFPS, Captions: true, Lang: "en"}
	}
	if cfg.HostKey == nil {
		cfg.HostKey = testKey(t)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range tweak {
		f(srv)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.Server, s.addr, s.cancel, s.done = srv, ln.Addr().String(), cancel, make(chan error, 1)
	go func() { s.done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(20 * time.Second):
			t.Error("the server did not stop within 20 s of its context")
		}
		stopRun()
		if s.live != nil {
			s.live.Wait()
		}
	})
	return s
}

// stop cancels the server's context (the host's Ctrl-C) and returns Serve's
// result.
func (s *server) stop(t testing.TB) error {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		return err
	case <-time.After(20 * time.Second):
		t.Fatal("the server did not stop within 20 s")
		return nil
	}
}

// dial connects a client. With no signer it offers no authentication.
func dial(t testing.TB, addr string, key gossh.Signer) (*gossh.Client, error) {
	t.Helper()
	cc := &gossh.ClientConfig{User: "student", HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second}
	if key != nil {
		cc.Auth = []gossh.AuthMethod{gossh.PublicKeys(key)}
	}
	return gossh.Dial("tcp", addr, cc)
}

// viewer is one student's session with a pseudo-terminal.
type viewer struct {
	t      testing.TB
	client *gossh.Client
	sess   *gossh.Session
	stdin  io.WriteCloser
	emu    *vt.SafeEmulator // nil: the output is only counted

	bytes  atomic.Int64
	reads  atomic.Int64
	mu     sync.Mutex
	tail   []byte // the last output, for lines
	ended  chan struct{}
	status atomic.Int32 // exit status, once ended (-1: no status)
}

// openViewer connects, asks for a w×h terminal and a shell, and reads the
// output as a terminal would (into an emulator when emulate is set).
func openViewer(t testing.TB, addr string, w, h int, emulate bool) *viewer {
	t.Helper()
	v, err := tryViewer(t, addr, w, h, emulate, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// openNonReader is a viewer that never reads its output.
func openNonReader(t testing.TB, addr string, w, h int) *viewer {
	t.Helper()
	v, err := tryViewer(t, addr, w, h, false, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func tryViewer(t testing.TB, addr string, w, h int, emulate bool, key gossh.Signer, read bool) (*viewer, error) {
	c, err := dial(t, addr, key)
	if err != nil {
		return nil, err
	}
	sess, err := c.NewSession()
	if err != nil {
		c.Close()
		return nil, err
	}
	v := &viewer{t: t, client: c, sess: sess, ended: make(chan struct{})}
	t.Cleanup(v.close)
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		return nil, err
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if v.stdin, err = sess.StdinPipe(); err != nil {
		return nil, err
	}
	if emulate {
		v.emu = vt.NewSafeEmulator(w, h)
		go func() { _, _ = io.Copy(io.Discard, v.emu) }() // the emulator's answers to queries
	}
	if err := sess.Shell(); err != nil {
		return nil, err
	}
	if read {
		go v.read(out)
	} else {
		go func() { v.status.Store(-1); _ = sess.Wait(); close(v.ended) }()
	}
	return v, nil
}

func (v *viewer) read(out io.Reader) {
	buf := make([]byte, 32<<10)
	for {
		n, err := out.Read(buf)
		if n > 0 {
			v.bytes.Add(int64(n))
			v.reads.Add(1)
			if v.emu != nil {
				_, _ = v.emu.Write(buf[:n])
			}
			v.mu.Lock()
			v.tail = append(v.tail, buf[:n]...)
			if len(v.tail) > 64<<10 {
				v.tail = append(v.tail[:0], v.tail[len(v.tail)-32<<10:]...)
			}
			v.mu.Unlock()
		}
		if err != nil {
			break
		}
	}
	v.status.Store(-1)
	if err := v.sess.Wait(); err == nil {
		v.status.Store(0)
	} else if ee, ok := err.(*gossh.ExitError); ok {
		v.status.Store(int32(ee.ExitStatus()))
	}
	close(v.ended)
}

func (v *viewer) close() {
	_ = v.sess.Close()
	_ = v.client.Close()
}

// output is the last output received, as text without escape sequences.
func (v *viewer) output() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return ansi.Strip(string(v.tail))
}

// screen is what the viewer's terminal shows.
func (v *viewer) screen() string {
	return ansi.Strip(v.emu.Render())
}

// waitScreen waits until the screen shows want.
func (v *viewer) waitScreen(want string, d time.Duration) {
	v.t.Helper()
	deadline := time.Now().Add(d)
	for !strings.Contains(v.screen(), want) {
		if time.Now().After(deadline) {
			v.t.Fatalf("no %q on screen after %s:\n%s", want, d, v.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitEnd waits for the session to end and returns its exit status.
func (v *viewer) waitEnd(d time.Duration) int {
	v.t.Helper()
	select {
	case <-v.ended:
		return int(v.status.Load())
	case <-time.After(d):
		v.t.Fatalf("the session did not end within %s; output ends %q", d, tail(v.output(), 300))
		return 0
	}
}

// waitBytes waits until the viewer has received more than n bytes.
func (v *viewer) waitBytes(n int64, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for v.bytes.Load() <= n {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// waitFor polls cond until it holds or d passes.
func waitFor(t testing.TB, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, d)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

var _ = bytes.Contains
