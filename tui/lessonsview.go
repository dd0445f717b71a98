package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/rnnscope/rnnscope/tui/cells"
	"github.com/rnnscope/rnnscope/tui/lessons"
)

// lessonView is the Lessons screen's state: which lesson, its running
// demonstration, and how much of its text shows.
type lessonView struct {
	idx      int // into lessons.All()
	all      []lessons.Lesson
	demo     lessons.Demo
	textRows int // −1 as much as fits, 0 none, else that many rows
}

// lang is the lessons' language for the session's.
func (m *Model) lessonLang() lessons.Lang {
	if l, err := lessons.ParseLang(m.cfg.Lang); err == nil {
		return l
	}
	return lessons.EN
}

// openLesson makes sure a lesson and its demonstration exist.
func (m *Model) openLesson() {
	if m.lesson == nil {
		m.lesson = &lessonView{all: lessons.All(), textRows: -1}
		if n := m.cfg.Lesson; n >= 1 && n <= len(m.lesson.all) {
			m.lesson.idx = n - 1
		}
	}
	if m.lesson.demo == nil {
		m.lesson.demo = m.lesson.all[m.lesson.idx].New(m.cfg.Seed)
	}
}

// stepLesson advances the demonstration by one frame when its screen is up.
func (m *Model) stepLesson() {
	if m.screen == screenLessons && m.lesson != nil && m.lesson.demo != nil {
		m.lesson.demo.Step()
	}
}

// goLesson moves to another lesson and starts its demonstration.
func (m *Model) goLesson(i int) {
	lv := m.lesson
	if i < 0 || i >= len(lv.all) || i == lv.idx {
		return
	}
	lv.idx, lv.demo = i, nil
	m.openLesson()
	m.status = ""
}

// lessonKey takes the Lessons screen's keys: the demonstration's own first, then
// moving between lessons; false for keys the rest of the TUI handles.
func (m *Model) lessonKey(msg tea.KeyPressMsg) bool {
	m.openLesson()
	lv := m.lesson
	k := m.keys
	switch {
	case key.Matches(msg, k.NextLesson):
		m.goLesson(lv.idx + 1)
		return true
	case key.Matches(msg, k.PrevLesson):
		m.goLesson(lv.idx - 1)
		return true
	case key.Matches(msg, k.LessonText):
		switch lv.textRows {
		case -1:
			lv.textRows = 0
		case 0:
			lv.textRows = 1000
		default:
			lv.textRows = -1
		}
		return true
	case key.Matches(msg, k.OpenLesson):
		l := lv.all[lv.idx]
		for i, n := range ScreenNames() {
			if n == l.Screen {
				m.setScreen(i)
			}
		}
		m.status = m.tr("for this lesson's own run: rnnscope --preset %s", l.Preset)
		return true
	}
	return lv.demo.Key(msg.String())
}

// lessonsView draws the current lesson and its demonstration.
func (m Model) lessonsView(r rect) string {
	lv := m.lesson
	if lv == nil || lv.demo == nil { // setScreen opens the lesson before it shows
		return cells.Fit(nil, r.w, r.h)
	}
	return lessons.Page(lv.all[lv.idx], lv.demo, r.w, r.h, m.st, m.lessonLang(), lv.textRows)
}

// lessonHelp is the Lessons screen's help line: moving between lessons and the
// demonstration's own keys.
func (m Model) lessonHelp() string {
	lv := m.lesson
	parts := []string{m.st.HelpKey.Render("] [") + " " + m.st.HelpDesc.Render(m.tr("next lesson")),
		m.st.HelpKey.Render("enter") + " " + m.st.HelpDesc.Render(m.tr("open its screen"))}
	if lv != nil && lv.demo != nil {
		for _, dk := range lv.demo.Keys(m.lessonLang()) {
			parts = append(parts, m.st.HelpKey.Render(dk.Key)+" "+m.st.HelpDesc.Render(dk.Help))
		}
	}
	parts = append(parts, m.st.HelpKey.Render("tab")+" "+m.st.HelpDesc.Render(m.tr("next screen")),
		m.st.HelpKey.Render("q")+" "+m.st.HelpDesc.Render(m.tr("quit")))
	return cells.Pad(strings.Join(parts, m.st.HelpSep.Render(" • ")), m.w)
}
