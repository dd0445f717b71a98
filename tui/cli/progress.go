package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"charm.land/bubbles/v2/progress"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// meter reports progress on stderr: redrawn in place at most ten times a second on
// a terminal, a plain line every few seconds otherwise (logs, CI).
type meter struct {
	w       io.Writer
	tty     bool
	width   int
	bar     progress.Model
	last    time.Time
	every   time.Duration
	printed bool
}

func newMeter(stdio IO) *meter {
	m := &meter{w: stdio.Err, tty: stdio.ErrTTY, width: 80, every: 5 * time.Second}
	if m.tty {
		m.every = 100 * time.Millisecond
		m.w = colorprofile.NewWriter(stdio.Err, stdio.Env)
	}
	m.bar = progress.New(progress.WithWidth(16), progress.WithoutPercentage(), progress.WithDefaultBlend())
	return m
}

// show draws one status line; frac < 0 means the end is unknown. force skips the
// rate limit (the first and last lines).
func (m *meter) show(frac float64, status string, force bool) {
	now := time.Now()
	if !force && now.Sub(m.last) < m.every {
		return
	}
	m.last = now
	if !m.tty {
		if frac >= 0 {
			status = fmt.Sprintf("%3.0f%%  %s", 100*frac, status)
		}
		fmt.Fprintln(m.w, status)
		return
	}
	line := status
	if frac >= 0 {
		line = m.bar.ViewAs(min(frac, 1)) + fmt.Sprintf(" %3.0f%%  ", 100*frac) + status
	}
	fmt.Fprint(m.w, "\r"+ansi.Truncate(line, m.width-1, "…")+"\x1b[K")
	m.printed = true
}

// done ends the redrawn line so that later output starts on a fresh one.
func (m *meter) done() {
	if m.tty && m.printed {
		fmt.Fprint(m.w, "\r\x1b[K")
		m.printed = false
	}
}

// duration writes d briefly: 42s, 3m05s, 1h02m.
func duration(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	switch {
	case d < 10*time.Second:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	return fmt.Sprintf("%dh%02dm", s/3600, s/60%60)
}

// sentence joins non-empty parts with two spaces.
func sentence(parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, "  ")
}
