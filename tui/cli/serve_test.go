package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeFlagsAreCheckedBeforeAnything(t *testing.T) {
	dir := t.TempDir()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := gossh.NewSignerFromKey(priv)
	keys := writeFile(t, dir, "class.pub", gossh.MarshalAuthorizedKey(signer.PublicKey()))
	badKeys := writeFile(t, dir, "bad.pub", []byte("ssh-ed25519 AAAA-not-a-key\n"))
	hk := []string{"--host-key", filepath.Join(dir, "hk")}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"another address without keys", []string{"serve", "--listen", "0.0.0.0:2222"},
			"--listen 0.0.0.0:2222: anyone who can reach it could join; give --authorized-keys FILE, or --allow-anyone to mean it"},
		{"every address without keys", []string{"serve", "--listen", ":2222"}, "--listen :2222: anyone who can reach it could join"},
		{"a listen address without a port", []string{"serve", "--listen", "localhost"}, `--listen "localhost": want HOST:PORT`},
		{"an unknown mode", []string{"serve", "--mode", "lecture"}, `--mode "lecture": want watch or own`},
		{"no sessions", []string{"serve", "--max-sessions", "0"}, "--max-sessions 0: want 1 to 1000"},
		{"a tiny idle timeout", []string{"serve", "--idle-timeout", "10ms"}, "--idle-timeout 10ms: want 0 (never) or at least 1s"},
		{"an idle timeout that is not a duration", []string{"serve", "--idle-timeout", "soon"}, `--idle-timeout "soon": want a duration`},
		{"no own steps", []string{"serve", "--mode", "own", "--own-steps", "0"}, "--own-steps 0: want 1 to 1000"},
		{"a missing keys file", []string{"serve", "--authorized-keys", filepath.Join(dir, "nope")}, "--authorized-keys " + filepath.Join(dir, "nope") + ": no such file or directory"},
		{"a keys file with a bad line", []string{"serve", "--authorized-keys", badKeys}, "--authorized-keys " + badKeys + ": line 1:"},
		{"keys and anyone at once", []string{"serve", "--authorized-keys", keys, "--allow-anyone"}, "--allow-anyone: contradicts --authorized-keys"},
		{"lockstep", []string{"serve", "--lockstep", "2"}, "--lockstep: not for serve"},
		{"saving own runs", []string{"serve", "--mode", "own", "--save", filepath.Join(dir, "m.safetensors")}, "--save: in --mode own"},
		{"a bad cell", []string{"serve", "--cell", "gru2"}, `--cell "gru2": want rnn, lstm or gru`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := run(t, "", append(tc.args, hk...)...)
			if code != ExitUsage || stdout != "" || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
				t.Fatalf("status %d, stdout %q, stderr %q; want status 2 and one line with %q", code, stdout, stderr, tc.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "hk")); err == nil {
		t.Fatal("a refused command line made a host key")
	}
}

// startServe runs `rnnscope serve ARGS` in-process on a free loopback port
// and returns its address; stop is the host's Ctrl-C and returns the exit
// status and stderr.
func startServe(t *testing.T, args ...string) (addr string, stop func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	code := make(chan int, 1)
	all := append([]string{"serve", "--listen", "127.0.0.1:0", "--host-key", filepath.Join(t.TempDir(), "hk")}, args...)
	go func() {
		code <- Main(ctx, all, IO{In: strings.NewReader(""), Out: io.Discard, Err: &stderr})
	}()
	re := regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)`)
	deadline := time.Now().Add(60 * time.Second)
	for {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			addr = m[1]
			break
		}
		select {
		case c := <-code:
			t.Fatalf("serve exited with status %d:\n%s", c, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	var once sync.Once
	var status int
	stop = func() (int, string) {
		once.Do(func() {
			cancel()
			select {
			case status = <-code:
			case <-time.After(30 * time.Second):
				t.Fatalf("serve did not stop:\n%s", stderr.String())
			}
		})
		return status, stderr.String()
	}
	t.Cleanup(func() { stop() })
	return addr, stop
}

// student is an SSH session with a terminal emulator, in-process.
type student struct {
	sess  *gossh.Session
	stdin io.Writer
	emu   *vt.SafeEmulator
	mu    sync.Mutex
	raw   bytes.Buffer
	done  chan error
}

func connect(t *testing.T, addr string, w, h int) *student {
	t.Helper()
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "student", HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	s := &student{sess: sess, emu: vt.NewSafeEmulator(w, h), done: make(chan error, 1)}
	go func() { _, _ = io.Copy(io.Discard, s.emu) }()
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	out, _ := sess.StdoutPipe()
	s.stdin, _ = sess.StdinPipe()
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := out.Read(buf)
			s.emu.Write(buf[:n])
			s.mu.Lock()
			s.raw.Write(buf[:n])
			s.mu.Unlock()
			if err != nil {
				break
			}
		}
		s.done <- sess.Wait()
	}()
	return s
}

func (s *student) waitScreen(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(ansi.Strip(s.emu.Render()), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q on the student's screen:\n%s", want, ansi.Strip(s.emu.Render()))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *student) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.raw.String()
}

// TestServeWatchEndsWithCtrlC starts a class, lets a student in, and ends it
// as the host's Ctrl-C would: the student gets the last line, serve exits 130
// and says what happened.
func TestServeWatchEndsWithCtrlC(t *testing.T) {
	addr, stop := startServe(t, args(tiny, []string{"--fps", "10"})...)
	s := connect(t, addr, 100, 30)
	s.waitScreen(t, "Scope")
	s.stdin.Write([]byte(" "))
	s.waitScreen(t, "cannot change training")
	code, stderr := stop()
	if code != ExitInterrupted {
		t.Fatalf("status %d, want 130:\n%s", code, stderr)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("the session ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the session did not end")
	}
	if out := s.output(); !strings.HasSuffix(out, "rnnscope: the host ended the class. Goodbye!\r\n") {
		t.Fatalf("the student's output ends %q", tail(out, 200))
	}
	for _, want := range []string{"everyone watches one", "students connect with: ssh -p", "host key SHA256:",
		"student@127.0.0.1", "joined (100×30, xterm-256color)", "class over: 1 session", "rnnscope: interrupted"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// TestServeOwnGivesEachStudentARun: two students, each trains; the first one's
// pause leaves the second's run going.
func TestServeOwnGivesEachStudentARun(t *testing.T) {
	addr, stop := startServe(t, "--mode", "own", "--seq", "16", "--batch", "4", "--fps", "10", "--seconds", "60")
	a, b := connect(t, addr, 100, 30), connect(t, addr, 100, 30)
	a.waitScreen(t, "step")
	b.waitScreen(t, "step")
	a.stdin.Write([]byte(" "))
	a.waitScreen(t, "paused")
	time.Sleep(300 * time.Millisecond)
	if strings.Contains(ansi.Strip(b.emu.Render()), "paused") {
		t.Fatal("one student's pause paused another's run")
	}
	_, stderr := stop()
	if !strings.Contains(stderr, "each student trains their own lstm H=64 L=1") || !strings.Contains(stderr, "1 step per frame") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

// TestServeMakesTheHostKeyInTheConfigFolder starts serve without --host-key:
// the key appears in $XDG_CONFIG_HOME/rnnscope with mode 0600, and a second
// start presents the same one.
func TestServeMakesTheHostKeyInTheConfigFolder(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	fp := regexp.MustCompile(`host key (SHA256:\S+), `)
	var prints []string
	for range 2 {
		ctx, cancel := context.WithCancel(context.Background())
		var stderr syncBuffer
		done := make(chan int, 1)
		go func() {
			done <- Main(ctx, args([]string{"serve", "--listen", "127.0.0.1:0", "--seconds", "0.5"}, tiny), IO{In: strings.NewReader(""), Out: io.Discard, Err: &stderr})
		}()
		select {
		case code := <-done:
			if code != 0 {
				t.Fatalf("status %d:\n%s", code, stderr.String())
			}
		case <-time.After(60 * time.Second):
			t.Fatal("serve --seconds 0.5 did not stop")
		}
		cancel()
		m := fp.FindStringSubmatch(stderr.String())
		if m == nil {
			t.Fatalf("no fingerprint:\n%s", stderr.String())
		}
		prints = append(prints, m[1])
	}
	if prints[0] != prints[1] {
		t.Fatalf("two starts, two host keys: %v", prints)
	}
	path := filepath.Join(cfg, "rnnscope", "host_ed25519")
	for p, want := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm() != want {
			t.Fatalf("%s: %v, mode %v, want %04o", p, err, fi.Mode().Perm(), want)
		}
	}
}

// TestServeWithOpenSSHInTmux is the real thing: the built binary serves, and
// OpenSSH's ssh connects from a tmux pane, shows the TUI, follows a resize,
// and returns to the shell on q.
func TestServeWithOpenSSHInTmux(t *testing.T) {
	needTmux(t)
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("no OpenSSH client")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	var stderr syncBuffer
	port := freePort(t)
	srv := exec.Command(bin, "serve", "--listen", "127.0.0.1:"+port, "--host-key", filepath.Join(dir, "hk"),
		"--hidden", "16", "--seq", "16", "--batch", "4", "--seconds", "120")
	srv.Stderr = &stderr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })
	waitFor(t, "serve to listen", 60*time.Second, func() bool { return strings.Contains(stderr.String(), "listening on") })
	ssh := fmt.Sprintf("env TERM=xterm-256color ssh -tt -p %s -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR student@127.0.0.1", port)
	s := startTmux(t, 100, 30, ssh)
	s.waitFor(`Scope`, 30*time.Second)
	s.waitFor(`step [0-9]`, 30*time.Second)
	s.resize(140, 40)
	waitFor(t, "a frame 140 wide", 30*time.Second, func() bool {
		for _, l := range strings.Split(s.screen(), "\n") {
			if len([]rune(strings.TrimRight(l, " "))) > 110 {
				return true
			}
		}
		return false
	})
	s.keys("q")
	s.waitFor(`(?m)^EXIT=0$`, 30*time.Second)
	if !strings.Contains(stderr.String(), "joined (100×30") {
		t.Errorf("the server log:\n%s", stderr.String())
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strings.TrimPrefix(l.Addr().String(), "127.0.0.1:")
}

func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeHelpExamplesRun runs each example of `rnnscope serve --help` as
// written, with a class of a third of a second on a free loopback port (the
// examples' --listen is overridden) and a class.pub in the working folder.
func TestServeHelpExamplesRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three classes")
	}
	dir := t.TempDir()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := gossh.NewSignerFromKey(priv)
	writeFile(t, dir, "class.pub", gossh.MarshalAuthorizedKey(signer.PublicKey()))
	t.Chdir(dir)
	cmd := newServeCmd(IO{})
	for _, ex := range strings.Split(strings.TrimSpace(cmd.Example), "\n") {
		if i := strings.Index(ex, "#"); i >= 0 {
			ex = ex[:i]
		}
		fields := strings.Fields(ex)
		if fields[0] != "rnnscope" {
			t.Fatalf("example %q does not start with rnnscope", ex)
		}
		a := append(fields[1:], "--listen", "127.0.0.1:0", "--seconds", "0.3", "--host-key", filepath.Join(dir, "hk"))
		_, errs, code := run(t, "", a...)
		if code != 0 || !strings.Contains(errs, "class over: 0 sessions") {
			t.Errorf("%s: exit %d; stderr %q", ex, code, errs)
		}
	}
}
