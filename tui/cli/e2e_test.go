package cli

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rnnscope/rnnscope/nets"
)

// binary builds rnnscope once per test binary run, into a temporary folder.
var binary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "rnnscope-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "rnnscope")
	out, err := exec.Command("go", "build", "-o", bin, "../..").CombinedOutput()
	if err != nil {
		return "", errors.New(string(out))
	}
	return bin, nil
})

func buildBinary(t *testing.T) string {
	t.Helper()
	bin, err := binary()
	if err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

// TestCtrlCSavesAndExits130 interrupts a real training process, once and then
// twice in quick succession (a second Ctrl-C lands during the save), and checks
// that it exits 130 leaving a checkpoint that loads.
func TestCtrlCSavesAndExits130(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	for _, presses := range []int{1, 2} {
		ck := filepath.Join(t.TempDir(), "m.safetensors")
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		cmd := exec.CommandContext(ctx, bin, "train", "--hidden", "32", "--save", ck)
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait until it reports training steps, then interrupt.
		sc := bufio.NewScanner(stderr)
		var seen []string
		for sc.Scan() {
			line := sc.Text()
			seen = append(seen, line)
			if strings.Contains(line, "step ") && !strings.Contains(line, "step 0 ") {
				break
			}
		}
		for range presses {
			if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
		}
		for sc.Scan() {
			seen = append(seen, sc.Text())
		}
		err = cmd.Wait()
		cancel()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != ExitInterrupted {
			t.Fatalf("%d Ctrl-C: exit %v, want %d; stderr:\n%s", presses, err, ExitInterrupted, strings.Join(seen, "\n"))
		}
		m, err := nets.Load(ck)
		if err != nil {
			t.Fatalf("%d Ctrl-C: checkpoint: %v", presses, err)
		}
		if m.Steps < 1 {
			t.Fatalf("%d Ctrl-C: checkpoint at step %d", presses, m.Steps)
		}
		if last := seen[len(seen)-1]; !strings.Contains(last, "interrupted; saved") {
			t.Fatalf("last stderr line %q", last)
		}
	}
}
