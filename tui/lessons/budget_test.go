package lessons

import (
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// threadCPU is the CPU time this OS thread has used: unlike the wall clock, it
// does not grow while other processes have the cores.
func threadCPU() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_THREAD, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestStepBudget reports the slowest Step of every lesson and the slowest
// reaction to each key (a key's work happens in Key, not Step). Timing a shared
// machine is noisy, so it only fails when LESSONS_STEP_BUDGET_MS is set and a
// step takes longer than that.
func TestStepBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("timing")
	}
	budget, _ := strconv.Atoi(os.Getenv("LESSONS_STEP_BUDGET_MS"))
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for _, l := range All() {
		start := time.Now()
		d := l.New(1)
		made := time.Since(start)
		var worst, worstKey, worstCPU time.Duration
		wk := ""
		step := func() {
			s, c := time.Now(), threadCPU()
			d.Step()
			worst = max(worst, time.Since(s))
			worstCPU = max(worstCPU, threadCPU()-c)
		}
		for range 120 {
			step()
		}
		for _, k := range d.Keys(EN) {
			s := time.Now()
			d.Key(k.Key)
			if e := time.Since(s); e > worstKey {
				worstKey, wk = e, k.Key
			}
			for range 60 {
				step()
			}
		}
		t.Logf("lesson %d: New %v, slowest Step %v (CPU of this thread %v), slowest key %q %v", l.N, made.Round(time.Millisecond),
			worst.Round(100*time.Microsecond), worstCPU.Round(100*time.Microsecond), wk, worstKey.Round(time.Millisecond))
		if budget > 0 && worstCPU > time.Duration(budget)*time.Millisecond {
			t.Errorf("lesson %d: a Step took %v of CPU, over %d ms", l.N, worstCPU, budget)
		}
	}
}
