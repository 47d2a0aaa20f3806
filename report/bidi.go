package report

import "golang.org/x/text/unicode/bidi"

// The Unicode bidi algorithm (UAX #9) for one paragraph of plain text, without explicit
// embeddings (their controls are dropped before) or bracket pairs: enough to put a Hebrew or
// Arabic name, with its numbers and any Latin words, in the order a reader reads it.

// bidiLevels resolves the embedding level of each character and the paragraph's base level.
// The documents are in English, so a paragraph runs left to right, with any right-to-left words
// as islands in it, unless it has no left-to-right letter at all: a note wholly in Arabic or
// Hebrew runs right to left. The documents join separate values with " · " (a name, a count, a
// date): in a left-to-right paragraph each such part is ordered on its own, as if isolated, so
// that the 3 of "name · 3 sessions" stays with "sessions" after a Hebrew name.
func bidiLevels(rs []rune) ([]uint8, uint8) {
	t := bidiClasses(rs)
	base := paragraphBase(t)
	if base == 1 {
		return resolveLevels(t, 1), 1
	}
	lv := make([]uint8, 0, len(rs))
	start := 0
	for i := 1; i+1 < len(rs); i++ {
		if rs[i] == '·' && rs[i-1] == ' ' && rs[i+1] == ' ' && i-1 >= start {
			lv = append(lv, resolveLevels(t[start:i-1], paragraphBase(t[start:i-1]))...)
			lv = append(lv, 0, 0, 0)
			start = i + 2
			i++
		}
	}
	return append(lv, resolveLevels(t[start:], paragraphBase(t[start:]))...), 0
}

// bidiClasses gives each character its bidi class, those this algorithm leaves out as ON.
func bidiClasses(rs []rune) []bidi.Class {
	t := make([]bidi.Class, len(rs))
	for i, r := range rs {
		p, _ := bidi.LookupRune(r)
		t[i] = p.Class()
		switch t[i] {
		case bidi.L, bidi.R, bidi.AL, bidi.EN, bidi.ES, bidi.ET, bidi.AN, bidi.CS, bidi.NSM, bidi.WS, bidi.S, bidi.B:
		default:
			t[i] = bidi.ON
		}
	}
	return t
}

// paragraphBase is 1 for text with right-to-left letters and no left-to-right ones, else 0.
func paragraphBase(t []bidi.Class) uint8 {
	base := uint8(0)
	for _, c := range t {
		if c == bidi.L {
			return 0
		}
		if c == bidi.R || c == bidi.AL {
			base = 1
		}
	}
	return base
}

// resolveLevels applies rules W1–W7, N1, N2, I1 and I2 to text of classes t (changed in place)
// at base level base.
func resolveLevels(t []bidi.Class, base uint8) []uint8 {
	sos := bidi.L // the type before the text's start (and after its end)
	if base == 1 {
		sos = bidi.R
	}
	marksFollow(t, sos)
	arabicNumbers(t, sos)
	joinNumbers(t)
	terminatorsJoinDigits(t)
	neutraliseSeparators(t, sos)
	resolveNeutrals(t, sos)
	return implicitLevels(t, base)
}

// marksFollow is W1: a mark takes the type of what it follows.
func marksFollow(t []bidi.Class, sos bidi.Class) {
	for i := range t {
		if t[i] == bidi.NSM {
			if i == 0 {
				t[i] = sos
			} else {
				t[i] = t[i-1]
			}
		}
	}
}

// arabicNumbers is W2 and W3: European digits after Arabic letters are Arabic numbers; Arabic
// letters are R.
func arabicNumbers(t []bidi.Class, sos bidi.Class) {
	last := sos
	for i, c := range t {
		switch c {
		case bidi.L, bidi.R, bidi.AL:
			last = c
		case bidi.EN:
			if last == bidi.AL {
				t[i] = bidi.AN
			}
		}
	}
	for i := range t {
		if t[i] == bidi.AL {
			t[i] = bidi.R
		}
	}
}

// joinNumbers is W4: one separator between two numbers of a kind joins them.
func joinNumbers(t []bidi.Class) {
	for i := 1; i+1 < len(t); i++ {
		if t[i-1] == t[i+1] && ((t[i] == bidi.ES && t[i-1] == bidi.EN) || (t[i] == bidi.CS && (t[i-1] == bidi.EN || t[i-1] == bidi.AN))) {
			t[i] = t[i-1]
		}
	}
}

// terminatorsJoinDigits is W5: terminators (%, currency signs) next to European digits are digits.
func terminatorsJoinDigits(t []bidi.Class) {
	n := len(t)
	for i := 0; i < n; {
		if t[i] != bidi.ET {
			i++
			continue
		}
		j := i
		for j < n && t[j] == bidi.ET {
			j++
		}
		if (i > 0 && t[i-1] == bidi.EN) || (j < n && t[j] == bidi.EN) {
			for k := i; k < j; k++ {
				t[k] = bidi.EN
			}
		}
		i = j
	}
}

// neutraliseSeparators is W6 and W7: other separators and terminators are neutral; digits in
// left-to-right text are L.
func neutraliseSeparators(t []bidi.Class, sos bidi.Class) {
	last := sos
	for i, c := range t {
		switch c {
		case bidi.ES, bidi.ET, bidi.CS:
			t[i] = bidi.ON
		case bidi.L, bidi.R:
			last = c
		case bidi.EN:
			if last == bidi.L {
				t[i] = bidi.L
			}
		}
	}
}

// strongDirection is the direction a class counts as for N1 (numbers count as R), or ok=false
// for a neutral.
func strongDirection(c bidi.Class) (dir bidi.Class, ok bool) {
	switch c {
	case bidi.L:
		return bidi.L, true
	case bidi.R, bidi.EN, bidi.AN:
		return bidi.R, true
	}
	return 0, false
}

// resolveNeutrals is N1 and N2: neutrals between two of the same direction take it, others the
// paragraph's.
func resolveNeutrals(t []bidi.Class, sos bidi.Class) {
	n := len(t)
	for i := 0; i < n; {
		if _, ok := strongDirection(t[i]); ok {
			i++
			continue
		}
		j := i
		for j < n {
			if _, ok := strongDirection(t[j]); ok {
				break
			}
			j++
		}
		before, after := sos, sos
		if i > 0 {
			before, _ = strongDirection(t[i-1])
		}
		if j < n {
			after, _ = strongDirection(t[j])
		}
		dir := sos
		if before == after {
			dir = before
		}
		for k := i; k < j; k++ {
			t[k] = dir
		}
		i = j
	}
}

// implicitLevels is I1 and I2: the level of each character from its resolved type.
func implicitLevels(t []bidi.Class, base uint8) []uint8 {
	lv := make([]uint8, len(t))
	for i, c := range t {
		switch {
		case base == 0 && c == bidi.R:
			lv[i] = 1
		case base == 0 && (c == bidi.AN || c == bidi.EN):
			lv[i] = 2
		case base == 1 && c == bidi.R:
			lv[i] = 1
		case base == 1:
			lv[i] = 2
		}
	}
	return lv
}

// visualOrder gives the indices of a line's characters in the order they are drawn, left to
// right (rules L1 and L2). A mark stays after the letter it belongs to, so that it is drawn on
// it.
func visualOrder(rs []rune, levels []uint8, base uint8) []int {
	n := len(rs)
	lv := append([]uint8(nil), levels...)
	// L1: spaces at the end of the line take the paragraph's level.
	for i := n - 1; i >= 0 && (rs[i] == ' '); i-- {
		lv[i] = base
	}
	// Clusters: a character with the marks that follow it.
	var starts []int
	for i, r := range rs {
		if i == 0 || !isMark(r) {
			starts = append(starts, i)
		}
	}
	order := make([]int, len(starts))
	hi, lowOdd := uint8(0), uint8(255)
	for k, s := range starts {
		order[k] = k
		hi = max(hi, lv[s])
		if lv[s]%2 == 1 {
			lowOdd = min(lowOdd, lv[s])
		}
	}
	// L2: from the highest level down to the lowest odd one, reverse every run at that level or
	// higher.
	for l := hi; l >= lowOdd && l > 0; l-- {
		for k := 0; k < len(order); {
			if lv[starts[order[k]]] < l {
				k++
				continue
			}
			j := k
			for j < len(order) && lv[starts[order[j]]] >= l {
				j++
			}
			for a, b := k, j-1; a < b; a, b = a+1, b-1 {
				order[a], order[b] = order[b], order[a]
			}
			k = j
		}
	}
	out := make([]int, 0, n)
	for _, k := range order {
		end := n
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		for i := starts[k]; i < end; i++ {
			out = append(out, i)
		}
	}
	return out
}
