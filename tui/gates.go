package tui

// gatesView draws gate saturation and activation histograms.
func (m Model) gatesView(r rect) string {
	return fit([]string{m.st.Muted.Render("Gates: coming up")}, r.w, r.h)
}
