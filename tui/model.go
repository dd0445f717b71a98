package tui

import (
	"math"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/rnnscope/rnnscope/nets"
	"github.com/rnnscope/rnnscope/probe"
	"github.com/rnnscope/rnnscope/themes"
	"github.com/rnnscope/rnnscope/tui/cells"
)

// selection is what the user has chosen to look at.
type selection struct {
	label   string     // the label the leaderboard ranks, the band shows, follow tracks
	chosen  bool       // the user chose the label (else an unmeasurable one gives way)
	pinned  probe.Unit // the unit colouring the text
	row     int        // leaderboard cursor
	follow  bool       // keep the label's best unit pinned
	centre  bool       // centre the colour map at the unit's threshold instead of 0
	readout bool       // the trace shows the all-unit readout instead of the unit
	clamp   int        // 0 off, then +1, −1, 0 (ablate)
}

// clampValues are what the clamp key cycles through after "off".
var clampValues = [...]float64{1, -1, 0}

// look is what the styles are built from; they are rebuilt only when it changes.
type look struct {
	profile colorprofile.Profile
	dark    bool
	theme   string
}

// textView is the Scope text panel's own state.
type textView struct {
	cursor int // step under the cursor
	top    int // first line shown
	// Filled by the last render, for mouse hits: the step at each cell of the
	// panel (−1 for none).
	hit [][]int
}

// Model is the TUI's one tea.Model: it owns every choice the user made and routes
// every message.
type Model struct {
	cfg      Config
	cat      *catalog // the interface's language
	keys     keyMap
	help     help.Model
	look     look
	st       *themes.Styles
	w, h     int
	lay      layout
	screen   int
	snap     *probe.Snapshot
	trio     *probe.Trio
	sel      selection
	text     *textView
	cache    *frameCache
	raster   rasterView
	showHelp bool
	captions bool
	typing   bool
	input    textinput.Model
	status   string // a transient message, shown until the next one
	// clampSent records that a clamp was sent, so that "off" is sent even before
	// a snapshot shows it.
	clampSent bool
	// pausedForTrio: the main run was paused by showing the Gradients screen and
	// resumes when it is left.
	pausedForTrio bool
	// pausedForLesson: the same, for the Lessons screen.
	pausedForLesson bool
	lesson          *lessonView
	frames          int
	adopted         time.Time // when the live snapshot was last taken up
	steps0          int64     // the run's step when the session started, for --steps
	script          *scriptPlayer
	started         time.Time
	quitting        bool
}

type tickMsg struct{}

// snapMsg carries a snapshot a lockstep advance produced.
type snapMsg struct{ s *probe.Snapshot }

// timeUpMsg ends a session bounded by --seconds.
type timeUpMsg struct{}

// New builds the model for a session.
func New(cfg Config) Model {
	if cfg.Classroom && cfg.Theme == "" {
		cfg.Theme = "high-contrast"
	}
	cat := newCatalog(cfg.Lang)
	m := Model{cfg: cfg, cat: cat, keys: newKeyMap(cat, cfg.Classroom), help: help.New(),
		captions: cfg.Captions || cfg.Classroom,
		look:     look{profile: colorprofile.TrueColor, dark: true, theme: cfg.Theme},
		text:     &textView{}, cache: &frameCache{}, sel: selection{follow: true, label: "quote"}}
	m.st = themes.New(cfg.Theme, themes.TrueColor, true)
	m.applyStyles()
	for i, n := range ScreenNames() {
		if n == cfg.View {
			m.screen = i
		}
	}
	m.input = textinput.New()
	m.input.Prompt = cat.tr("unit: ")
	m.input.Placeholder = cat.tr("c17, h3 or 17")
	m.input.CharLimit = 12
	if cfg.Live != nil {
		m.snap = cfg.Live.Latest()
		m.steps0 = m.snap.Step
		m.adopt(m.snap)
	}
	if len(cfg.Script) > 0 {
		m.script = &scriptPlayer{actions: cfg.Script}
	}
	if m.screen == screenGradients || m.screen == screenLessons {
		m.setScreen(m.screen) // start the comparison or the lesson; the main run pauses
	}
	return m
}

// Init starts the frame tick and asks the terminal about its background.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, m.tick()}
	if m.cfg.Seconds > 0 {
		cmds = append(cmds, tea.Tick(time.Duration(m.cfg.Seconds*float64(time.Second)), func(time.Time) tea.Msg { return timeUpMsg{} }))
	}
	return tea.Batch(cmds...)
}

// tick schedules the next frame. In lockstep mode the frame first trains its
// steps, so that equal seeds and keys give equal frames on any machine.
func (m Model) tick() tea.Cmd {
	if m.cfg.Lockstep > 0 && m.cfg.Live != nil {
		live, trio := m.cfg.Live, m.trio
		return tea.Tick(frameEvery(m.cfg.FPS), func(time.Time) tea.Msg {
			if trio != nil {
				trio.Advance() // trains only while the Gradients screen is up
			}
			return snapMsg{live.Advance()}
		})
	}
	return tea.Tick(frameEvery(m.cfg.FPS), func(time.Time) tea.Msg { return tickMsg{} })
}

// applyStyles rebuilds what depends on the styles.
func (m *Model) applyStyles() {
	st := m.st
	m.help.Styles.ShortKey = st.HelpKey
	m.help.Styles.ShortDesc = st.HelpDesc
	m.help.Styles.ShortSeparator = st.HelpSep
	m.help.Styles.FullKey = st.HelpKey
	m.help.Styles.FullDesc = st.HelpDesc
	m.help.Styles.FullSeparator = st.HelpSep
	m.help.Styles.Ellipsis = st.HelpSep
}

func (m *Model) restyle(l look) {
	if l == m.look && m.st != nil {
		return
	}
	m.look = l
	m.st = themes.New(l.theme, themes.DepthOf(l.profile), l.dark)
	m.applyStyles()
}

// adopt takes a new snapshot: follow mode re-pins the best unit, the cursor stays
// inside the text.
func (m *Model) adopt(s *probe.Snapshot) {
	m.snap = s
	if s == nil || s.Report == nil {
		return
	}
	if _, ok := s.Report.Label(m.sel.label); !ok && len(s.Report.Labels) > 0 {
		m.sel.label = s.Report.Labels[0].Name
	}
	// A label that this text never varies (quotes in "hellohello…") ranks
	// nothing: until the user picks one, show the first that does.
	if lr, ok := s.Report.Label(m.sel.label); ok && !m.sel.chosen && lr.Claim.Kind == probe.ClaimUnmeasurable {
		for _, l := range s.Report.Labels {
			if l.Claim.Kind != probe.ClaimUnmeasurable {
				m.sel.label = l.Name
				break
			}
		}
	}
	if m.sel.follow {
		if lr, ok := s.Report.Label(m.sel.label); ok {
			if best, ok := lr.Best(); ok {
				m.sel.pinned = best.Unit
			}
		}
	}
	if s.Rec != nil && m.text.cursor >= s.Rec.T {
		m.text.cursor = s.Rec.T - 1
	}
}

// counterEvery is how often the live screen follows training when all that
// changed is the counters (step, characters, speed, loss and its curve): a frame
// in which nothing else changed is then the same as the last, which the renderer
// skips, so drawing takes less of the CPU that training shares.
const counterEvery = 200 * time.Millisecond

// beyondCounters reports whether b differs from a in more than the counters.
func beyondCounters(a, b *probe.Snapshot) bool {
	if a == nil || b == nil {
		return true
	}
	last := func(s *probe.Snapshot) (probe.Sample, probe.Event) {
		var sm probe.Sample
		var ev probe.Event
		if n := len(s.Samples); n > 0 {
			sm = s.Samples[n-1]
		}
		if n := len(s.Events); n > 0 {
			ev = s.Events[n-1]
		}
		return sm, ev
	}
	as, ae := last(a)
	bs, be := last(b)
	return a.Rec != b.Rec || a.Report != b.Report || a.Paused != b.Paused || a.LR != b.LR ||
		a.Temp != b.Temp || a.Override != b.Override || a.Err != b.Err || a.Window != b.Window ||
		math.Float64bits(a.AblatedLoss) != math.Float64bits(b.AblatedLoss) ||
		len(a.Samples) != len(b.Samples) || as.Chars != bs.Chars || as.Text != bs.Text ||
		len(a.Events) != len(b.Events) || ae.Chars != be.Chars || ae.Text != be.Text
}

// Update routes every message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.lay = computeLayout(m.w, m.h, m.captions, m.cfg.Classroom)
		m.help.SetWidth(m.w)
		return m, nil
	case tea.ColorProfileMsg:
		l := m.look
		l.profile = msg.Profile
		m.restyle(l)
		return m, nil
	case tea.BackgroundColorMsg:
		l := m.look
		l.dark = msg.IsDark()
		m.restyle(l)
		return m, nil
	case tickMsg:
		m.frames++
		m.stepLesson()
		if m.cfg.Live != nil {
			if s := m.cfg.Live.Latest(); s != m.snap && (s.Paused || beyondCounters(m.snap, s) || time.Since(m.adopted) >= counterEvery) {
				m.adopt(s)
				m.adopted = time.Now()
			}
		}
		if cmd := m.afterFrame(); cmd != nil {
			return m, cmd
		}
		return m, m.tick()
	case snapMsg:
		m.frames++
		m.stepLesson()
		if msg.s == nil {
			return m, tea.Quit
		}
		m.adopt(msg.s)
		if cmd := m.afterFrame(); cmd != nil {
			return m, cmd
		}
		return m, m.tick()
	case timeUpMsg:
		m.quitting = true
		return m, tea.Quit
	case tea.MouseClickMsg:
		return m.click(msg.Mouse())
	case tea.MouseWheelMsg:
		mm := msg.Mouse()
		switch mm.Button {
		case tea.MouseWheelUp:
			m.scroll(-3)
		case tea.MouseWheelDown:
			m.scroll(3)
		}
		return m, nil
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m, nil
}

// afterFrame plays the script and ends a session that reached --steps; it returns
// a command only to quit.
func (m *Model) afterFrame() tea.Cmd {
	if m.script != nil {
		for _, a := range m.script.due(m.frames, m.elapsed()) {
			if cmd := m.perform(a); cmd != nil {
				return cmd
			}
		}
	}
	if m.cfg.Steps > 0 && m.snap != nil && m.snap.Step-m.steps0 >= m.cfg.Steps {
		m.quitting = true
		return tea.Quit
	}
	return nil
}

// elapsed is the session's time: wall time, or in lockstep the frames' nominal time,
// so that scripts replay identically.
func (m *Model) elapsed() time.Duration {
	if m.cfg.Lockstep > 0 {
		return time.Duration(m.frames) * frameEvery(m.cfg.FPS)
	}
	if m.started.IsZero() {
		m.started = time.Now()
	}
	return time.Since(m.started)
}

func (m *Model) send(c probe.Control) {
	if m.cfg.ReadOnly {
		m.status = m.tr("this session watches the host's run: it cannot change training")
		return
	}
	if m.cfg.Live != nil {
		m.cfg.Live.Send(c)
	}
}

// key handles a key press.
func (m Model) key(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.typing {
		switch msg.String() {
		case "enter":
			m.typing = false
			m.pinTyped(m.input.Value())
			m.input.Reset()
			m.input.Blur()
			return m, nil
		case "esc":
			m.typing = false
			m.input.Blur()
			return m, nil
		}
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return m, cmd
	}
	k := m.keys
	if m.screen == screenLessons && !m.showHelp && m.lessonKey(msg) {
		return m, nil
	}
	switch {
	case key.Matches(msg, k.Quit):
		m.quitting = true
		return m, tea.Quit
	case key.Matches(msg, k.Help):
		m.showHelp = !m.showHelp
	case key.Matches(msg, k.Esc):
		m.showHelp = false
	case key.Matches(msg, k.NextScreen):
		m.setScreen((m.screen + 1) % numScreens)
	case key.Matches(msg, k.PrevScreen):
		m.setScreen((m.screen + numScreens - 1) % numScreens)
	case key.Matches(msg, k.Scope):
		m.setScreen(screenScope)
	case key.Matches(msg, k.Raster):
		m.setScreen(screenRaster)
	case key.Matches(msg, k.Gradients):
		m.setScreen(screenGradients)
	case key.Matches(msg, k.Gates):
		m.setScreen(screenGates)
	case key.Matches(msg, k.Lessons):
		m.setScreen(screenLessons)
	case key.Matches(msg, k.Captions):
		m.captions = !m.captions
		m.lay = computeLayout(m.w, m.h, m.captions, m.cfg.Classroom)
	case m.screen == screenGradients && m.gradientsKey(msg):
	case key.Matches(msg, k.TogglePause):
		m.send(probe.Control{TogglePause: true})
	case key.Matches(msg, k.Step):
		m.send(probe.Control{Steps: 1})
	case key.Matches(msg, k.LRUp):
		m.send(probe.Control{LRFactor: 2})
	case key.Matches(msg, k.LRDown):
		m.send(probe.Control{LRFactor: 0.5})
	case key.Matches(msg, k.TempUp):
		m.send(probe.Control{Temp: min(m.temp()*1.25, 5)})
	case key.Matches(msg, k.TempDown):
		m.send(probe.Control{Temp: max(m.temp()/1.25, 0.05)})
	case key.Matches(msg, k.Reset):
		m.send(probe.Control{Reset: true})
		m.status = m.tr("reset to the initial weights")
	case key.Matches(msg, k.Save):
		if m.cfg.Save == "" {
			m.status = m.tr("no checkpoint path: start with --save FILE")
		} else {
			m.send(probe.Control{Save: m.cfg.Save})
			m.status = m.tr("saving %s…", m.cfg.Save)
		}
	case key.Matches(msg, k.Up):
		m.moveRow(-1)
	case key.Matches(msg, k.Down):
		m.moveRow(1)
	case key.Matches(msg, k.Pin):
		m.pinRow()
	case key.Matches(msg, k.Follow):
		m.sel.follow = !m.sel.follow
		m.adopt(m.snap)
	case key.Matches(msg, k.TypeUnit):
		m.typing = true
		m.input.Focus()
	case key.Matches(msg, k.ToggleState):
		m.toggleState()
	case key.Matches(msg, k.NextLayer):
		if m.snap != nil {
			m.sel.follow = false
			m.sel.pinned.Layer = (m.sel.pinned.Layer + 1) % m.snap.Config.Layers
			m.reclamp()
		}
	case key.Matches(msg, k.NextLabel):
		m.nextLabel()
	case key.Matches(msg, k.Centre):
		m.sel.centre = !m.sel.centre
	case key.Matches(msg, k.Readout):
		m.sel.readout = !m.sel.readout
	case key.Matches(msg, k.Clamp):
		m.sel.clamp = (m.sel.clamp + 1) % (len(clampValues) + 1)
		m.reclamp()
	case key.Matches(msg, k.Sort):
		m.raster.sorted = !m.raster.sorted
	case key.Matches(msg, k.Left):
		m.moveCursor(-1)
	case key.Matches(msg, k.Right):
		m.moveCursor(1)
	case key.Matches(msg, k.PageUp):
		m.scroll(-m.lay.text.h)
	case key.Matches(msg, k.PageDn):
		m.scroll(m.lay.text.h)
	}
	return m, nil
}

func (m *Model) temp() float64 {
	if m.snap == nil || m.snap.Temp <= 0 {
		return 1
	}
	return m.snap.Temp
}

func (m *Model) setScreen(s int) {
	m.screen = s
	if s == screenLessons {
		m.openLesson()
		if m.snap != nil && !m.snap.Paused && !m.pausedForLesson && !m.cfg.ReadOnly {
			m.send(probe.Control{TogglePause: true})
			m.pausedForLesson = true
		}
	} else if m.pausedForLesson {
		m.send(probe.Control{TogglePause: true})
		m.pausedForLesson = false
	}
	if s == screenGradients && m.trio == nil && m.cfg.Trio != nil {
		m.trio = m.cfg.Trio()
	}
	if m.trio != nil {
		// Only one model trains at a time: the comparison while its screen is up.
		if s == screenGradients {
			m.trio.Send(probe.TrioControl{Resume: true})
			if m.snap != nil && !m.snap.Paused && !m.pausedForTrio {
				m.send(probe.Control{TogglePause: true})
				m.pausedForTrio = true
				m.status = m.tr("main run paused while the three cells train")
			}
		} else {
			m.trio.Send(probe.TrioControl{Pause: true})
			if m.pausedForTrio {
				m.send(probe.Control{TogglePause: true})
				m.pausedForTrio = false
				m.status = m.tr("main run resumed")
			}
		}
	}
}

// tr writes the interface's text in the session's language (see catalog.tr).
func (m Model) tr(format string, args ...any) string { return m.cat.tr(format, args...) }

// board is the current leaderboard.
func (m *Model) board() *probe.LabelReport {
	if m.snap == nil || m.snap.Report == nil {
		return nil
	}
	lr, _ := m.snap.Report.Label(m.sel.label)
	return lr
}

func (m *Model) moveRow(d int) {
	lr := m.board()
	if lr == nil || len(lr.Top) == 0 {
		return
	}
	m.sel.row = min(max(m.sel.row+d, 0), len(lr.Top)-1)
}

func (m *Model) pinRow() {
	lr := m.board()
	if lr == nil || m.sel.row >= len(lr.Top) {
		return
	}
	m.pin(lr.Top[m.sel.row].Unit)
}

func (m *Model) pin(u probe.Unit) {
	m.sel.pinned = u
	m.sel.follow = false
	m.status = m.tr("pinned %s", u.Name(m.layers()))
	m.reclamp()
}

func (m *Model) layers() int {
	if m.snap == nil {
		return 1
	}
	return m.snap.Config.Layers
}

// pinTyped pins a unit typed as "c17", "h3", "L2 c5" or "17" (the current state).
func (m *Model) pinTyped(s string) {
	if m.snap == nil {
		return
	}
	cfg := m.snap.Config
	u := m.sel.pinned
	s = strings.ToLower(strings.TrimSpace(s))
	if strings.HasPrefix(s, "l") {
		if i := strings.IndexAny(s, " hc"); i > 1 {
			if n, err := strconv.Atoi(strings.TrimSpace(s[1:i])); err == nil {
				u.Layer = n - 1
			}
			s = strings.TrimSpace(s[i:])
		}
	}
	switch {
	case strings.HasPrefix(s, "c"):
		u.Cell, s = true, s[1:]
	case strings.HasPrefix(s, "h"):
		u.Cell, s = false, s[1:]
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil || n < 0 || n >= cfg.Hidden:
		m.status = m.tr("no unit %q: want c0…c%d, h0…h%d or a number", s, cfg.Hidden-1, cfg.Hidden-1)
		return
	case u.Layer < 0 || u.Layer >= cfg.Layers:
		m.status = m.tr("no layer %d: the network has %d", u.Layer+1, cfg.Layers)
		return
	case u.Cell && cfg.Cell != nets.LSTM:
		m.status = m.tr("only an LSTM has a cell state c")
		return
	}
	u.Index = n
	m.pin(u)
}

func (m *Model) toggleState() {
	if m.snap == nil || m.snap.Config.Cell != nets.LSTM {
		m.status = m.tr("only an LSTM has a cell state c to switch to")
		return
	}
	m.sel.follow = false
	m.sel.pinned.Cell = !m.sel.pinned.Cell
	m.reclamp()
}

func (m *Model) nextLabel() {
	if m.snap == nil || m.snap.Report == nil {
		return
	}
	ls := m.snap.Report.Labels
	for i, lr := range ls {
		if lr.Name == m.sel.label {
			m.sel.label, m.sel.chosen = ls[(i+1)%len(ls)].Name, true
			break
		}
	}
	m.sel.row = 0
	m.adopt(m.snap)
}

// reclamp tells the trainer which unit the clamp key holds, if any.
func (m *Model) reclamp() {
	if m.sel.clamp == 0 {
		if m.snap != nil && m.snap.Override != nil || m.clampSent {
			m.send(probe.Control{SetOverride: true})
			m.clampSent = false
		}
		return
	}
	m.clampSent = true
	u := m.sel.pinned
	o := &nets.Override{Layer: u.Layer, Cell: u.Cell, Unit: u.Index, Value: clampValues[m.sel.clamp-1]}
	m.send(probe.Control{SetOverride: true, Override: o})
}

func (m *Model) moveCursor(d int) {
	if m.snap == nil || m.snap.Rec == nil {
		return
	}
	m.text.cursor = min(max(m.text.cursor+d, 0), m.snap.Rec.T-1)
}

func (m *Model) scroll(d int) {
	m.text.top = max(m.text.top+d, 0)
}

// click moves the cursor to a clicked character, pins a clicked leaderboard row,
// or switches to a clicked tab.
func (m Model) click(mm tea.Mouse) (tea.Model, tea.Cmd) {
	l := m.lay
	if l.tooSmall {
		return m, nil
	}
	switch {
	case l.tabs.contains(mm.X, mm.Y):
		x := 0
		for i := range numScreens {
			w := ansi.StringWidth(m.tabLabel(i))
			if mm.X >= x && mm.X < x+w {
				m.setScreen(i)
			}
			x += w
		}
	case m.screen == screenScope && l.text.contains(mm.X, mm.Y):
		y, x := mm.Y-l.text.y, mm.X-l.text.x
		if y < len(m.text.hit) && x < len(m.text.hit[y]) && m.text.hit[y][x] >= 0 {
			m.text.cursor = m.text.hit[y][x]
		}
	case m.screen == screenRaster && l.body.contains(mm.X, mm.Y):
		if u, ok := m.rasterHit(mm.X, mm.Y); ok {
			m.pin(u)
		}
	case m.screen == screenScope && l.board.contains(mm.X, mm.Y):
		row := mm.Y - l.board.y - m.boardFirstRow()
		if lr := m.board(); lr != nil && row >= 0 && row < len(lr.Top) {
			m.sel.row = row
			m.pin(lr.Top[row].Unit)
		}
	}
	return m, nil
}

// View draws the screen.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "rnnscope"
	if m.st.PaintBg {
		v.BackgroundColor = m.st.Palette.Bg
	}
	return v
}

func (m Model) render() string {
	if m.w == 0 || m.h == 0 {
		return ""
	}
	l := m.lay
	if l.tooSmall {
		return tooSmall(m.cat, m.w, m.h)
	}
	tabs, header, help := m.tabsView(), m.headerView(), m.helpLine()
	raster := m.screen == screenRaster && !m.showHelp // written straight into the frame
	var body string
	switch {
	case m.showHelp:
		body = m.helpView(l.body)
	case raster:
	case m.screen == screenScope:
		body = m.scopeView()
	case m.screen == screenGradients:
		body = m.gradientsView(l.body)
	case m.screen == screenGates:
		body = m.gatesView(l.body)
	case m.screen == screenLessons:
		body = m.lessonsView(l.body)
	}
	var b strings.Builder
	b.Grow(len(tabs) + len(header) + len(body) + len(help) + 3)
	b.WriteString(tabs)
	b.WriteByte('\n')
	b.WriteString(header)
	b.WriteByte('\n')
	if raster {
		m.rasterInto(&b, l.body)
	} else {
		b.WriteString(body)
	}
	b.WriteByte('\n')
	b.WriteString(help)
	return b.String()
}

// tooSmall says what size is needed, fitted to the terminal.
func tooSmall(c *catalog, w, h int) string {
	lines := []string{
		c.tr("rnnscope needs at least %d×%d;", minW, minH),
		c.tr("this terminal is %d×%d.", w, h),
		c.tr("Enlarge it, or press q to quit."),
	}
	top := max((h-len(lines))/2, 0)
	out := make([]string, 0, h)
	for range top {
		out = append(out, "")
	}
	for _, s := range lines {
		out = append(out, strings.Repeat(" ", max((w-ansi.StringWidth(s))/2, 0))+s)
	}
	return cells.Fit(out, w, h)
}
