package cells

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestFitMakesExactBlocks(t *testing.T) {
	out := Fit([]string{"short", "한국어 글자는 두 칸을 차지한다", strings.Repeat("x", 30)}, 12, 5)
	lines := strings.Split(out, "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines, want 5", len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != 12 {
			t.Errorf("line %d is %d cells: %q", i, w, l)
		}
	}
	if !strings.HasSuffix(lines[2], "…") {
		t.Errorf("a cut line should end in …: %q", lines[2])
	}
}

func TestWrapKeepsToWidthAndLines(t *testing.T) {
	got := Wrap("one two three four five six seven", 9, 3)
	want := []string{"one two", "three", "four fiv…"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, want %q", got, want)
	}
	if Wrap("anything", 0, 3) != nil || Wrap("anything", 5, 0) != nil {
		t.Fatal("no room should give no lines")
	}
}

func TestCanvasLayers(t *testing.T) {
	c := NewCanvas(4, 1)
	c.Dot(0, 0, 0)
	c.MarkCell(1, 0, "M")
	c.VRule(2)
	if c.Free(0, 0, 1) || c.Free(1, 0, 1) || !c.Free(2, 0, 2) || c.Free(3, 0, 2) {
		t.Fatal("Free disagrees with what was drawn")
	}
	got := c.Render(func(int) string { return "" }, "|")
	if len(got) != 1 || got[0] != "⠁M| " {
		t.Fatalf("rendered %q, want %q", got, "⠁M| ")
	}
}
