package tui

import tea "charm.land/bubbletea/v2"

// gradientsView draws the three cells' comparison.
func (m Model) gradientsView(r rect) string {
	return fit([]string{m.st.Muted.Render("Gradients: coming up")}, r.w, r.h)
}

// gradientsKey handles the Gradients screen's own keys; false when the key is not
// one of them.
func (m *Model) gradientsKey(msg tea.KeyPressMsg) bool { return false }
