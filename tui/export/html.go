package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"math"
	"slices"
	"strconv"
	"strings"
)

// PageUnit is one unit the page can colour the text by.
type PageUnit struct {
	Name   string    // "c17"
	Values []float64 // the unit at each character of the text
}

// PageScore is a unit's standing for one label.
type PageScore struct {
	Unit string  // a PageUnit's Name
	R    float64 // Pearson r (signed)
	AUC  float64 // binary labels; NaN otherwise
}

// PageLabel is one ground-truth label with its best units.
type PageLabel struct {
	Name, Phrase, Doc, Verdict string
	Binary                     bool
	Values                     []float64   // the label at each character (NaN: not applicable)
	Top                        []PageScore // best first
}

// PageData is everything units.html shows.
type PageData struct {
	Title, Subtitle string
	Text            []rune
	Units           []PageUnit
	Labels          []PageLabel
	Unit            string // the unit the text is coloured by at first
	Label           string // the label whose ground truth is underlined at first
}

// pageScale is the percentile of |value| that maps to the strongest colour: a
// few outliers (cell states can run far past 1) do not wash out the rest.
const pageScale = 0.99

// scaleOf is the colour scale of a unit: the pageScale quantile of |v| (1 when
// the unit is flat at zero).
func scaleOf(v []float64) float64 {
	a := make([]float64, 0, len(v))
	for _, x := range v {
		if !math.IsNaN(x) {
			a = append(a, math.Abs(x))
		}
	}
	if len(a) == 0 {
		return 1
	}
	slices.Sort(a)
	s := a[min(len(a)-1, int(pageScale*float64(len(a))))]
	if !(s > 0) {
		s = a[len(a)-1]
	}
	if !(s > 0) {
		return 1
	}
	return s
}

// round3 rounds to 3 decimals, the precision the page shows.
func round3(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	r := math.Round(x*1000) / 1000
	if r == 0 {
		return 0 // no "-0"
	}
	return r
}

// levelClass is the CSS class of a value's colour level: "p3", "n8", or "" near
// zero. It quantises as themes.Map.Level does, and the page's script likewise.
func levelClass(th *Theme, v, scale float64) string {
	k := th.Div.Level(v, scale)
	switch {
	case k > 0:
		return "p" + strconv.Itoa(k)
	case k < 0:
		return "n" + strconv.Itoa(-k)
	}
	return ""
}

// charName describes a character in a tooltip.
func charName(r rune) string {
	switch r {
	case '\n':
		return "newline"
	case '\t':
		return "tab"
	case ' ':
		return "space"
	case '\r':
		return "carriage return"
	}
	if r < ' ' || r == 0x7f {
		return fmt.Sprintf("U+%04X", r)
	}
	return "‘" + string(r) + "’"
}

// textChar writes a character of the text as HTML: escaped, and with the
// characters an HTML parser would rewrite (carriage return, NUL) as references
// that survive parsing.
func textChar(r rune) string {
	switch r {
	case '\r':
		return "&#13;"
	case 0:
		return "&#xFFFD;"
	}
	return html.EscapeString(string(r))
}

// pageJSON is the data the page's script reads. Field names are part of the
// page, not a stable format.
type pageJSON struct {
	Unit   string               `json:"unit"`
	Label  string               `json:"label"`
	Units  map[string][]float64 `json:"units"`
	Scale  map[string]float64   `json:"scale"`
	Truth  map[string]string    `json:"truth"`  // binary labels: "0", "1" or "-" (not applicable) per character
	Values map[string][]float64 `json:"values"` // numeric labels per character (NaN written as 0)
	Levels int                  `json:"levels"`
}

// UnitsHTML writes one self-contained HTML page (inline CSS and script, no
// network): the text with every character in a span coloured by a unit on the
// theme's diverging map, a tooltip with the character's index and the unit's
// value, a side list of labels with their verdicts and top units (clicking one
// recolours the text by it), the ground truth underlined, and a legend.
func UnitsHTML(th *Theme, d PageData) ([]byte, error) {
	n := len(d.Text)
	if n == 0 {
		return nil, errors.New("units page: no text")
	}
	units := map[string][]float64{}
	var first []float64
	for _, u := range d.Units {
		if len(u.Values) != n {
			return nil, fmt.Errorf("units page: %s has %d values for %d characters", u.Name, len(u.Values), n)
		}
		units[u.Name] = u.Values
		if u.Name == d.Unit {
			first = u.Values
		}
	}
	if first == nil {
		return nil, fmt.Errorf("units page: the unit %q is not among the units", d.Unit)
	}
	js := pageJSON{Unit: d.Unit, Label: d.Label, Units: map[string][]float64{}, Scale: map[string]float64{},
		Truth: map[string]string{}, Values: map[string][]float64{}, Levels: th.Div.Levels()}
	for name, v := range units {
		r := make([]float64, n)
		for i, x := range v {
			r[i] = round3(x)
		}
		js.Units[name] = r
		js.Scale[name] = scaleOf(v)
	}
	truth := map[string][]float64{}
	for _, l := range d.Labels {
		if len(l.Values) != n {
			continue
		}
		if !l.Binary {
			v := make([]float64, n)
			for i, x := range l.Values {
				v[i] = round3(x)
			}
			js.Values[l.Name] = v
			continue
		}
		truth[l.Name] = l.Values
		var b strings.Builder
		for _, v := range l.Values {
			switch {
			case math.IsNaN(v):
				b.WriteByte('-')
			case v == 1:
				b.WriteByte('1')
			default:
				b.WriteByte('0')
			}
		}
		js.Truth[l.Name] = b.String()
	}
	data, err := json.Marshal(js) // escapes <, > and &: safe inside <script>
	if err != nil {
		return nil, err
	}

	var w bytes.Buffer
	p := th.Pal
	fmt.Fprintf(&w, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"+
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>%s</title>\n<style>\n",
		html.EscapeString(d.Title))
	fmt.Fprintf(&w, ":root{--bg:%s;--fg:%s;--muted:%s;--panel:%s;--accent:%s;--grid:%s;--sel:%s}\n",
		hexOf(p.Bg), hexOf(p.Fg), hexOf(p.Muted), hexOf(p.Panel), hexOf(p.Accent), hexOf(p.Grid), hexOf(p.Selected))
	w.WriteString(pageCSS)
	for k := 1; k <= th.Div.Levels(); k++ {
		for _, sign := range []int{-1, 1} {
			lv := sign * k
			cls := levelClass(th, float64(lv), float64(th.Div.Levels()))
			fmt.Fprintf(&w, "#text .%s,.sw.%s{background:%s;color:%s}\n", cls, cls, hexOf(th.Div.Color(lv)), hexOf(th.Div.Ink(lv)))
		}
	}
	w.WriteString("</style>\n</head>\n<body>\n<header>\n")
	fmt.Fprintf(&w, "<h1>%s</h1>\n", html.EscapeString(d.Title))
	if d.Subtitle != "" {
		fmt.Fprintf(&w, "<p class=\"sub\">%s</p>\n", html.EscapeString(d.Subtitle))
	}
	w.WriteString("</header>\n<main>\n<aside id=\"side\">\n<h2>Labels and their best units</h2>\n" +
		"<p class=\"hint\">Click a unit to colour the text by it; its label is underlined.</p>\n")
	for _, l := range d.Labels {
		open := ""
		if l.Name == d.Label {
			open = " open"
		}
		fmt.Fprintf(&w, "<details%s data-label=\"%s\">\n<summary title=\"%s\"><b>%s</b> <span class=\"phrase\">%s</span></summary>\n",
			open, html.EscapeString(l.Name), html.EscapeString(l.Doc), html.EscapeString(l.Name), html.EscapeString(l.Phrase))
		if l.Verdict != "" {
			fmt.Fprintf(&w, "<p class=\"verdict\">%s</p>\n", html.EscapeString(l.Verdict))
		}
		w.WriteString("<ol>\n")
		for _, s := range l.Top {
			if _, ok := units[s.Unit]; !ok {
				continue
			}
			stat := "r " + fmtSigned(s.R)
			if !math.IsNaN(s.AUC) {
				stat += " · AUC " + strconv.FormatFloat(s.AUC, 'f', 2, 64)
			}
			fmt.Fprintf(&w, "<li><button type=\"button\" class=\"unit\" data-unit=\"%s\" data-label=\"%s\">%s <small>%s</small></button></li>\n",
				html.EscapeString(s.Unit), html.EscapeString(l.Name), html.EscapeString(s.Unit), stat)
		}
		w.WriteString("</ol>\n</details>\n")
	}
	w.WriteString("</aside>\n<section id=\"view\">\n<div id=\"bar\">\n")
	scale := scaleOf(first)
	fmt.Fprintf(&w, "<div>Colour: <b id=\"cur\">%s</b> <span class=\"muted\">(strongest colour at |value| ≥ <span id=\"scale\">%s</span>)</span></div>\n",
		html.EscapeString(d.Unit), strconv.FormatFloat(round3(scale), 'f', -1, 64))
	w.WriteString("<div class=\"legend\" aria-label=\"colour legend\"><span class=\"muted\">below zero</span> ")
	for lv := -th.Div.Levels(); lv <= th.Div.Levels(); lv++ {
		fmt.Fprintf(&w, "<span class=\"sw %s\"></span>", levelClass(th, float64(lv), float64(th.Div.Levels())))
	}
	w.WriteString(" <span class=\"muted\">above zero</span></div>\n")
	label := d.Label
	if _, ok := truth[label]; !ok {
		label = ""
	}
	check := " checked"
	if label == "" {
		check = " disabled"
	}
	fmt.Fprintf(&w, "<label class=\"truthbox\"><input type=\"checkbox\" id=\"truth\"%s> underline <span id=\"truthname\">%s</span></label>\n",
		check, html.EscapeString(truthName(d.Labels, d.Label, label != "")))
	w.WriteString("</div>\n<div id=\"info\" aria-live=\"polite\">Point at a character to see its value.</div>\n")
	cls := "truth"
	if label == "" {
		cls = ""
	}
	fmt.Fprintf(&w, "<pre id=\"text\" class=\"%s\">", cls)
	var tv []float64
	if label != "" {
		tv = truth[label]
	}
	for i, r := range d.Text {
		c := levelClass(th, first[i], scale)
		if tv != nil && tv[i] == 1 {
			c = strings.TrimSpace(c + " in")
		}
		w.WriteString("<span")
		if c != "" {
			fmt.Fprintf(&w, " class=\"%s\"", c)
		}
		if r == '\n' {
			w.WriteString(" data-nl=\"\"")
		}
		fmt.Fprintf(&w, " title=\"#%d %s · %s = %s\">%s</span>", i, html.EscapeString(charName(r)),
			html.EscapeString(d.Unit), fmtSigned(round3(first[i])), textChar(r))
	}
	w.WriteString("</pre>\n</section>\n</main>\n<script type=\"application/json\" id=\"data\">")
	w.Write(data)
	w.WriteString("</script>\n<script>\n")
	w.WriteString(pageJS)
	w.WriteString("</script>\n</body>\n</html>\n")
	return w.Bytes(), nil
}

// truthName says what the underline shows: a binary label's phrase, or why a
// numeric label shows none.
func truthName(labels []PageLabel, name string, binary bool) string {
	if !binary {
		return "nothing: " + name + " is not a yes/no label"
	}
	for _, l := range labels {
		if l.Name == name {
			return l.Phrase
		}
	}
	return name
}

// fmtSigned writes a value with its sign: +0.532, −0.5, 0.
func fmtSigned(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	s := strconv.FormatFloat(math.Abs(x), 'f', 3, 64)
	switch {
	case x > 0:
		return "+" + s
	case x < 0:
		return "−" + s
	}
	return s
}

const pageCSS = `*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",Arial,sans-serif}
header{padding:14px 24px 10px;border-bottom:1px solid var(--grid)}
h1{font-size:22px;margin:0}
h2{font-size:17px;margin:0 0 4px}
.sub,.muted,.hint,.phrase{color:var(--muted)}
.sub{margin:4px 0 0}
.hint{margin:0 0 10px;font-size:14px}
main{display:flex;gap:24px;padding:14px 24px;align-items:flex-start}
aside{flex:0 0 330px;max-height:calc(100vh - 110px);overflow:auto;position:sticky;top:10px}
details{border:1px solid var(--grid);border-radius:6px;margin:0 0 8px;padding:6px 10px;background:var(--panel)}
summary{cursor:pointer}
.verdict{font-size:14px;margin:6px 0}
ol{margin:4px 0 2px;padding-left:24px}
li{margin:2px 0}
button.unit{font:inherit;font-family:"DejaVu Sans Mono",Menlo,Consolas,"Liberation Mono",monospace;background:none;color:var(--fg);border:1px solid transparent;border-radius:4px;padding:1px 6px;cursor:pointer;text-align:left}
button.unit small{font-family:system-ui,sans-serif;color:var(--muted)}
button.unit:hover{border-color:var(--grid)}
button.unit.on{border-color:var(--accent);background:var(--sel)}
#view{flex:1;min-width:0}
#bar{display:flex;flex-wrap:wrap;gap:8px 24px;align-items:center;margin-bottom:6px}
.legend{display:flex;align-items:center;gap:0}
.legend .muted{margin:0 6px;font-size:14px}
.sw{display:inline-block;width:16px;height:18px}
#info{font-family:"DejaVu Sans Mono",Menlo,Consolas,"Liberation Mono",monospace;font-size:14px;min-height:1.6em;color:var(--muted);margin-bottom:6px}
#text{font:15px/1.55 "DejaVu Sans Mono",Menlo,Consolas,"Liberation Mono",monospace;white-space:pre-wrap;word-break:break-all;tab-size:4;margin:0;padding:10px;border:1px solid var(--grid);border-radius:6px}
#text span{border-radius:2px}
#text span[data-nl]::before{content:"\21B5";color:var(--muted);opacity:.55}
#text.truth span.in{box-shadow:inset 0 -3px 0 var(--accent)}
#text span:hover{outline:2px solid var(--accent)}
`

const pageJS = `(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("data").textContent);
  var text = document.getElementById("text");
  var spans = text.children;
  var cur = D.unit, label = D.label;
  var L = D.levels;
  function level(v, s) {
    var k = Math.abs(v) / s * L + 0.5;
    k = k < L ? Math.floor(k) : L;
    return k === 0 ? "" : (v < 0 ? "n" : "p") + k;
  }
  function describe(i) {
    var ch = spans[i].textContent;
    var name = {"\n": "newline", "\t": "tab", " ": "space", "\r": "carriage return"}[ch] || ("\u2018" + ch + "\u2019");
    return "#" + i + " " + name;
  }
  function fmt(v) {
    var s = Math.abs(v).toFixed(3);
    return v > 0 ? "+" + s : v < 0 ? "\u2212" + s : s;
  }
  function paint() {
    var vs = D.units[cur], s = D.scale[cur], t = D.truth[label];
    var box = document.getElementById("truth");
    if (!t) box.disabled = true; else if (box.disabled) { box.disabled = false; box.checked = true; }
    var on = box.checked && t;
    text.className = on ? "truth" : "";
    for (var i = 0; i < spans.length; i++) {
      var c = level(vs[i], s);
      if (t && t.charAt(i) === "1") c = c ? c + " in" : "in";
      spans[i].className = c;
      spans[i].title = describe(i) + " \u00b7 " + cur + " = " + fmt(vs[i]);
    }
    document.getElementById("cur").textContent = cur;
    document.getElementById("scale").textContent = String(Math.round(s * 1000) / 1000);
    var ph = document.querySelector('details[data-label="' + label + '"] .phrase');
    document.getElementById("truthname").textContent = t && ph ? ph.textContent : "nothing: " + label + " is not a yes/no label";
    var bs = document.querySelectorAll("button.unit");
    for (var j = 0; j < bs.length; j++) {
      bs[j].classList.toggle("on", bs[j].dataset.unit === cur && bs[j].dataset.label === label);
    }
  }
  document.getElementById("side").addEventListener("click", function (e) {
    var b = e.target.closest("button.unit");
    if (!b) return;
    cur = b.dataset.unit;
    label = b.dataset.label;
    paint();
  });
  document.getElementById("truth").addEventListener("change", paint);
  text.addEventListener("mouseover", function (e) {
    var sp = e.target;
    if (sp.parentNode !== text) return;
    var i = Array.prototype.indexOf.call(spans, sp);
    var msg = describe(i) + "   " + cur + " = " + fmt(D.units[cur][i]);
    var t = D.truth[label];
    if (t) msg += "   " + label + ": " + ({"1": "yes", "0": "no", "-": "n/a"}[t.charAt(i)]);
    else if (D.values[label]) msg += "   " + label + " = " + D.values[label][i];
    document.getElementById("info").textContent = msg;
  });
  paint();
})();
`
