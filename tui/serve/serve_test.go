package serve

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/rnnscope/rnnscope/probe"
	"github.com/rnnscope/rnnscope/tui"
)

func TestHostKeyIsCreatedOnceAndKeptPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "config", "rnnscope")
	path := filepath.Join(dir, "host_ed25519")
	k1, err := HostKey(path)
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %04o, want %04o", p, fi.Mode().Perm(), want)
		}
	}
	k2, err := HostKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if gossh.FingerprintSHA256(k1.PublicKey()) != gossh.FingerprintSHA256(k2.PublicKey()) {
		t.Fatal("the second start made a new host key")
	}
	if k1.PublicKey().Type() != gossh.KeyAlgoED25519 {
		t.Fatalf("host key type %s", k1.PublicKey().Type())
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := HostKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a world-readable host key: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("the folder holds %d files, want only the key", len(entries))
	}
}

func TestAuthorizedKeysFileMustParse(t *testing.T) {
	dir := t.TempDir()
	a := testKey(t)
	good := filepath.Join(dir, "good")
	os.WriteFile(good, []byte("# the class\n\n"+string(gossh.MarshalAuthorizedKey(a.PublicKey()))), 0o600)
	keys, err := AuthorizedKeys(good)
	if err != nil || len(keys) != 1 {
		t.Fatalf("%d keys, %v", len(keys), err)
	}
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte(string(gossh.MarshalAuthorizedKey(a.PublicKey()))+"ssh-ed25519 not-base64\n"), 0o600)
	if _, err := AuthorizedKeys(bad); err == nil || !strings.HasPrefix(err.Error(), "line 2:") {
		t.Fatalf("a bad line: %v", err)
	}
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("# nobody\n"), 0o600)
	if _, err := AuthorizedKeys(empty); err == nil {
		t.Fatal("a file without keys was accepted")
	}
}

func TestLoopbackAddresses(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:2222": true, "127.8.9.10:22": true, "[::1]:2222": true, "localhost:2222": true,
		":2222": false, "0.0.0.0:2222": false, "[::]:2222": false, "192.168.1.5:2222": false,
		"example.com:2222": false, "2222": false,
	} {
		if got := IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v", addr, got)
		}
	}
}

// TestWatchSessionShowsTheRunReadOnly connects a student: the TUI appears in
// their terminal, follows a window resize, refuses to pause the host's run, and
// q ends the session with status 0.
func TestWatchSessionShowsTheRunReadOnly(t *testing.T) {
	s := startServer(t, Config{})
	v := openViewer(t, s.addr, 100, 30, true)
	v.waitScreen("Scope", 20*time.Second)
	v.waitScreen("step", 20*time.Second)
	if err := v.sess.WindowChange(40, 120); err != nil {
		t.Fatal(err)
	}
	v.emu.Resize(120, 40)
	waitFor(t, "a frame 120 wide", 20*time.Second, func() bool {
		for _, l := range strings.Split(v.screen(), "\n") {
			if len(strings.TrimRight(l, " ")) > 100 {
				return true
			}
		}
		return false
	})
	v.stdin.Write([]byte(" ")) // pause: refused
	v.waitScreen("cannot change training", 20*time.Second)
	if s.live.Latest().Paused {
		t.Fatal("a read-only viewer paused the host's run")
	}
	if st := s.Stats(); st.Active != 1 || len(st.Sessions) != 1 || st.Sessions[0].Frames == 0 {
		t.Fatalf("stats %+v", st)
	}
	v.stdin.Write([]byte("q"))
	if code := v.waitEnd(20 * time.Second); code != 0 {
		t.Fatalf("q ended the session with status %d", code)
	}
	waitFor(t, "the session to be counted out", 5*time.Second, func() bool { return s.Stats().Active == 0 })
}

func TestASessionWithoutATerminalGetsOneLine(t *testing.T) {
	s := startServer(t, Config{})
	c, err := dial(t, s.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sess2, _ := c.NewSession() // a shell request without a pty, as ssh -T sends
	defer sess2.Close()
	o, _ := sess2.StdoutPipe()
	if err := sess2.Shell(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	n, _ := o.Read(buf)
	err = sess2.Wait()
	_ = n
	if string(buf[:n]) != lineNoPty {
		t.Fatalf("got %q, want %q", buf[:n], lineNoPty)
	}
	if ee, ok := err.(*gossh.ExitError); !ok || ee.ExitStatus() != 1 {
		t.Fatalf("exit: %v", err)
	}
}

// TestNoCommandsNoSubsystemsNoForwarding tries what a shell account would allow.
func TestNoCommandsNoSubsystemsNoForwarding(t *testing.T) {
	s := startServer(t, Config{})
	c, err := dial(t, s.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sess, _ := c.NewSession()
	if out, err := sess.CombinedOutput("cat /etc/passwd"); err == nil || strings.Contains(string(out), "root") {
		t.Fatalf("exec ran: %v %q", err, out)
	}
	sess, _ = c.NewSession()
	if err := sess.RequestSubsystem("sftp"); err == nil {
		t.Fatal("the sftp subsystem was granted")
	}
	if conn, err := c.Dial("tcp", s.addr); err == nil {
		conn.Close()
		t.Fatal("local port forwarding (direct-tcpip) was allowed")
	}
	if ln, err := c.Listen("tcp", "127.0.0.1:0"); err == nil {
		ln.Close()
		t.Fatal("remote port forwarding (tcpip-forward) was allowed")
	}
	if ok, _, _ := c.SendRequest("no-more-sessions@openssh.com", true, nil); ok {
		t.Fatal("a global request was accepted")
	}
	if s.Stats().Total != 0 {
		t.Fatalf("%d sessions started", s.Stats().Total)
	}
}

func TestTheClassIsFull(t *testing.T) {
	s := startServer(t, Config{MaxSessions: 2})
	a := openViewer(t, s.addr, 80, 24, false)
	b := openViewer(t, s.addr, 80, 24, false)
	waitFor(t, "two sessions", 20*time.Second, func() bool { return s.Stats().Active == 2 })
	c := openViewer(t, s.addr, 80, 24, false)
	if code := c.waitEnd(20 * time.Second); code != 1 {
		t.Fatalf("the third session ended with status %d", code)
	}
	if got := c.output(); got != "rnnscope: the class is full (2 sessions); try again later\r\n" {
		t.Fatalf("the third session got %q", got)
	}
	if !a.waitBytes(0, 20*time.Second) || !b.waitBytes(0, 20*time.Second) {
		t.Fatal("the first two sessions got nothing")
	}
	a.stdin.Write([]byte("q"))
	a.waitEnd(20 * time.Second)
	waitFor(t, "a place freed", 5*time.Second, func() bool { return s.Stats().Active == 1 })
	d := openViewer(t, s.addr, 80, 24, false)
	if !d.waitBytes(1000, 20*time.Second) {
		t.Fatal("no place after one left")
	}
	if st := s.Stats(); st.Refused != 1 || st.Total != 3 {
		t.Fatalf("stats %+v", st)
	}
}

func TestAnIdleSessionIsClosedWithALine(t *testing.T) {
	s := startServer(t, Config{IdleTimeout: time.Second})
	busy := openViewer(t, s.addr, 80, 24, false)
	idle := openViewer(t, s.addr, 80, 24, false)
	stop := make(chan struct{})
	go func() { // one student keeps pressing a harmless key
		for {
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Millisecond):
				busy.stdin.Write([]byte("?"))
			}
		}
	}()
	defer close(stop)
	if code := idle.waitEnd(20 * time.Second); code != 0 {
		t.Fatalf("status %d", code)
	}
	if out := idle.output(); !strings.HasSuffix(out, "rnnscope: closed after 1s without a key press\r\n") {
		t.Fatalf("the idle session ends with %q", tail(out, 200))
	}
	select {
	case <-busy.ended:
		t.Fatal("the busy session was closed too")
	default:
	}
	if s.Stats().Idled != 1 {
		t.Fatalf("stats %+v", s.Stats())
	}
}

func TestOnlyAuthorizedKeysGetIn(t *testing.T) {
	alice, mallory := testKey(t), testKey(t)
	s := startServer(t, Config{Authorized: []gossh.PublicKey{alice.PublicKey()}})
	if _, err := tryViewer(t, s.addr, 80, 24, false, alice, true); err != nil {
		t.Fatalf("alice: %v", err)
	}
	if _, err := dial(t, s.addr, mallory); err == nil {
		t.Fatal("mallory's key was let in")
	}
	if _, err := dial(t, s.addr, nil); err == nil {
		t.Fatal("a client without a key was let in")
	}
}

// TestHostCtrlCClosesEverySession cancels the server's context with sessions
// open: each leaves the alternate screen, gets a last line and status 0, and
// Serve returns.
func TestHostCtrlCClosesEverySession(t *testing.T) {
	s := startServer(t, Config{})
	var vs []*viewer
	for range 5 {
		v := openViewer(t, s.addr, 80, 24, true)
		vs = append(vs, v)
	}
	for _, v := range vs {
		v.waitScreen("Scope", 20*time.Second)
	}
	start := time.Now()
	if err := s.stop(t); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	t.Logf("Serve returned %s after the host's Ctrl-C", time.Since(start))
	for i, v := range vs {
		if code := v.waitEnd(10 * time.Second); code != 0 {
			t.Errorf("viewer %d: status %d", i, code)
		}
		if !strings.HasSuffix(v.output(), lineHostEnd) {
			t.Errorf("viewer %d: output ends %q", i, tail(v.output(), 100))
		}
		v.mu.Lock()
		raw := string(v.tail)
		v.mu.Unlock()
		if !strings.Contains(raw, "\x1b[?1049l") {
			t.Errorf("viewer %d: the alternate screen was not left", i)
		}
	}
	if _, err := dial(t, s.addr, nil); err == nil {
		t.Error("the server still accepts connections")
	}
}

// TestOwnModeGivesEachSessionItsOwnRun: two students, two runs; one pauses
// theirs, the other keeps training.
func TestOwnModeGivesEachSessionItsOwnRun(t *testing.T) {
	var lives = make(chan *probe.Live, 4)
	s := startServer(t, Config{Mode: Own, Session: tui.Config{FPS: 20, Lang: "en"},
		NewRun: func(ctx context.Context) (tui.Config, error) {
			l := tinyRun(t, ctx, 1)
			lives <- l
			return tui.Config{Live: l, Lockstep: 1}, nil
		}})
	a := openViewer(t, s.addr, 100, 30, true)
	b := openViewer(t, s.addr, 100, 30, true)
	la, lb := <-lives, <-lives
	a.waitScreen("step", 20*time.Second)
	b.waitScreen("step", 20*time.Second)
	a.stdin.Write([]byte(" ")) // one of the two pauses
	waitFor(t, "a run paused", 20*time.Second, func() bool { return la.Latest().Paused || lb.Latest().Paused })
	paused, running := la, lb
	if lb.Latest().Paused {
		paused, running = lb, la
	}
	s1, r1 := paused.Latest().Step, running.Latest().Step
	time.Sleep(500 * time.Millisecond)
	if paused.Latest().Step != s1 {
		t.Fatal("the paused run kept training")
	}
	if running.Latest().Step <= r1 {
		t.Fatal("the other student's run stopped too")
	}
	a.stdin.Write([]byte("q"))
	a.waitEnd(20 * time.Second)
	b.stdin.Write([]byte("q"))
	b.waitEnd(20 * time.Second)
}

// TestResizesAreCoalesced feeds a burst of window changes: the first is sent
// at once, the rest become one, the last.
func TestResizesAreCoalesced(t *testing.T) {
	c := make(chan ssh.Window)
	var got []int
	var mu sync.Mutex
	done := make(chan struct{})
	go func() {
		forwardResizes(c, func(w ssh.Window) { mu.Lock(); got = append(got, w.Width); mu.Unlock() })
		close(done)
	}()
	for w := 1; w <= 50; w++ {
		c <- ssh.Window{Width: w, Height: 24}
	}
	time.Sleep(3 * resizeEvery)
	close(c)
	<-done
	mu.Lock()
	defer mu.Unlock()
	if len(got) < 2 || got[0] != 1 || got[len(got)-1] != 50 || len(got) > 5 {
		t.Fatalf("sent %v for 50 quick resizes; want the first, then few, ending on the last", got)
	}
}

// TestConnectionsWithoutASessionAreClosed: a client that connects and holds
// its place without starting a session, or stays after its session, is cut
// off, so that such clients cannot fill the server's connections.
func TestConnectionsWithoutASessionAreClosed(t *testing.T) {
	s := startServer(t, Config{}, func(srv *Server) { srv.bareTimeout = 300 * time.Millisecond })
	bare, err := dial(t, s.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	v := openViewer(t, s.addr, 80, 24, false)
	closed := make(chan struct{})
	go func() { _ = bare.Wait(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("a connection without a session stayed open")
	}
	time.Sleep(500 * time.Millisecond)
	select {
	case <-v.ended:
		t.Fatal("the connection with a session was closed")
	default:
	}
	v.stdin.Write([]byte("q"))
	v.waitEnd(20 * time.Second)
	left := make(chan struct{})
	go func() { _ = v.client.Wait(); close(left) }()
	select {
	case <-left:
	case <-time.After(10 * time.Second):
		t.Fatal("a connection whose session ended stayed open")
	}
	waitFor(t, "the places given back", 5*time.Second, func() bool { return s.conns.Load() == 0 })
}
