package export

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/rnnscope/rnnscope/corpora"
	"github.com/rnnscope/rnnscope/probe"
)

// StatesFormat is how WriteStates lays out a recording.
type StatesFormat int

const (
	// CSV: a header "t,char,<labels…>,<units…>", then one row per scored step;
	// the character is written as a Go-quoted string, a label that does not
	// apply is empty, and unit values have 8 significant digits.
	CSV StatesFormat = iota
	// JSONL: one object per step, {"t", "char", "labels": {name: value or null},
	// "units": {name: value}}, keys in sorted order.
	JSONL
)

// FormatOf picks the format from a file name: .csv or .jsonl.
func FormatOf(path string) (StatesFormat, bool) {
	switch {
	case strings.HasSuffix(path, ".csv"):
		return CSV, true
	case strings.HasSuffix(path, ".jsonl"):
		return JSONL, true
	}
	return 0, false
}

// WriteStates writes every scored step of a recording to path atomically: its
// character, its labels (one value per scored step, such as probe.Window.Labels)
// and every unit, in the format its name ends with (.csv or .jsonl). This is
// the format of `rnnscope probe --dump`.
func WriteStates(path string, rec *probe.Recording, labels []corpora.Feature) error {
	f, ok := FormatOf(path)
	if !ok {
		return fmt.Errorf("%s: want a FILE.csv or FILE.jsonl", path)
	}
	return writeAtomic(path, func(w *bufio.Writer) error { return States(w, f, rec, labels) })
}

// States writes a recording as WriteStates does, to w.
func States(w io.Writer, f StatesFormat, rec *probe.Recording, labels []corpora.Feature) error {
	units := rec.Units()
	names := make([]string, len(units))
	series := make([][]float64, len(units))
	for i, u := range units {
		names[i] = strings.ReplaceAll(u.Name(rec.Config.Layers), " ", "_")
		series[i] = rec.Series(u)
	}
	if f == CSV {
		head := []string{"t", "char"}
		for _, l := range labels {
			head = append(head, l.Name)
		}
		head = append(head, names...)
		if _, err := fmt.Fprintln(w, strings.Join(head, ",")); err != nil {
			return err
		}
		row := make([]string, 0, len(head))
		for t := range rec.T {
			row = append(row[:0], strconv.Itoa(t), strconv.Quote(string(rec.Text[t])))
			for _, l := range labels {
				row = append(row, csvLabel(l.Values[t]))
			}
			for _, s := range series {
				row = append(row, strconv.FormatFloat(s[t], 'g', 8, 64))
			}
			if _, err := fmt.Fprintln(w, strings.Join(row, ",")); err != nil {
				return err
			}
		}
		return nil
	}
	enc := json.NewEncoder(w)
	for t := range rec.T {
		lab := map[string]any{}
		for _, l := range labels {
			lab[l.Name] = jsonNum(l.Values[t])
		}
		st := map[string]float64{}
		for i, s := range series {
			st[names[i]] = s[t]
		}
		if err := enc.Encode(map[string]any{"t": t, "char": string(rec.Text[t]), "labels": lab, "units": st}); err != nil {
			return err
		}
	}
	return nil
}

// csvLabel writes a label value, empty where it does not apply.
func csvLabel(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// jsonNum is a JSON number, or null for NaN and infinities.
func jsonNum(x float64) any {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return x
}
