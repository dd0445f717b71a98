package tui

// rasterView is the Raster screen's own state.
type rasterView struct {
	sorted bool // rows ordered by |r| with the chosen label
}

// rasterView draws every unit over time as a heatmap.
func (m Model) rasterView(r rect) string {
	return fit([]string{m.st.Muted.Render("Raster: coming up")}, r.w, r.h)
}
