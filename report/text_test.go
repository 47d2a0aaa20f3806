package report

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// readable is a document's extracted text as compared with what was typed: Arabic presentation
// forms back to letters (NFKC), pdftotext's bidi marks dropped, runs of spaces folded.
func readable(text string) string {
	text = strings.Map(func(r rune) rune {
		if (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F {
			return -1
		}
		return r
	}, norm.NFKC.String(text))
	return strings.Join(strings.Fields(text), " ")
}

// Names and notes in Chinese, Japanese, Korean, Hebrew and Arabic print as typed, in the title,
// the record and the footer, in reading order.
func TestNamesInEveryScriptPrint(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := sqlitetest.OpenStoreNow(t, testkit.Fixed(testkit.LocalNow))
	for _, c := range []struct{ first, last, notes string }{
		{"王", "小明", "对利多卡因过敏。"},
		{"山田", "さくら", "ヒアルロン酸にアレルギー"},
		{"김", "민준", "리도카인 알레르기"},
		{"שרה", "כהן", "רגישות ללידוקאין וליוד"}, // pdftotext misplaces punctuation in Hebrew
		{"علاء", "الدين", "حساسية من الليدوكائين"},
		{"Zoë", "Ångström", "☺ ✓ ★ — notes with symbols"},
	} {
		client := data.Client{FirstName: c.first, LastName: c.last, MedicalNotes: c.notes}
		if err := s.CreateClient(ctx, &client); err != nil {
			t.Fatal(err)
		}
		h, err := LoadClientHistory(ctx, s, client.ID)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WriteClientHistory(&buf, h); err != nil {
			t.Fatal(err)
		}
		raw := pdfText(t, buf.Bytes())
		text := readable(raw)
		name := client.Name()
		// The subtitle, the Name field and the footer.
		if n := strings.Count(text, name); n < 3 {
			t.Errorf("%s: the name is printed %d times, want 3 (title, record, footer):\n%s", name, n, raw)
		}
		requireText(t, name, text, "Name "+name, "Medical notes "+c.notes)
		for _, bad := range []string{"?", "□", notDrawnNote} {
			if strings.Contains(text, bad) {
				t.Errorf("%s: the history shows %q:\n%s", name, bad, raw)
			}
		}
	}
}

// What no embedded font draws (here an emoji newer than Symbola) shows as □, and the document
// says so once, at its end.
func TestUnprintableCharactersAreNoted(t *testing.T) {
	t.Parallel()
	r := SessionRecord{Client: data.Client{FirstName: "Ana", LastName: "🩺"}, Printed: testkit.LocalNow,
		Session: data.Session{ID: "s1", StartedAt: testkit.LocalNow, Status: data.StatusDraft, Notes: "Smiled 🩺🩺 at the end"}}
	var buf bytes.Buffer
	if err := WriteSessionRecord(&buf, r); err != nil {
		t.Fatal(err)
	}
	text := readable(pdfText(t, buf.Bytes()))
	requireText(t, "session record", text, "Name Ana □", "Smiled □□ at the end")
	if n := strings.Count(text, notDrawnNote); n != 1 {
		t.Errorf("the note on unprintable characters is there %d times, want once", n)
	}
	if i := strings.Index(text, notDrawnNote); i >= 0 && strings.Contains(text[i:], "Signature") {
		t.Error("the note on unprintable characters is not at the end")
	}
	if strings.Contains(text, "?") {
		t.Errorf("a character was replaced by \"?\":\n%s", text)
	}
}

// darkPixels renders a PDF's first page in grey and counts its dark pixels.
func darkPixels(t *testing.T, pdf []byte) int {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "page.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-png", "-gray", "-r", "60", "-f", "1", "-l", "1", path, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "page-1.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			if g, _, _, _ := img.At(x, y).RGBA(); g < 0x8000 {
				n++
			}
		}
	}
	return n
}

// Emoji beyond the Basic Multilingual Plane, which fpdf's fonts cannot hold, are drawn as
// shapes from Symbola's outlines: on the page, and without □ or the note.
func TestEmojiAreDrawn(t *testing.T) {
	t.Parallel()
	ls, missed := layout("😀👍", 100, "", bodySize)
	if missed || len(ls) != 1 || len(ls[0].runs) != 1 || ls[0].runs[0].face != outlineFace || ls[0].w < 5 {
		t.Fatalf("emoji laid out as %+v (missed %v)", ls, missed)
	}
	write := func(notes string) []byte {
		r := SessionRecord{Client: data.Client{FirstName: "Ana"}, Printed: testkit.LocalNow,
			Session: data.Session{ID: "s1", StartedAt: testkit.LocalNow, Status: data.StatusDraft, Notes: notes}}
		var buf bytes.Buffer
		if err := WriteSessionRecord(&buf, r); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	plain, with := write("Smiled"), write("Smiled 😀😀😀👍👍👍")
	text := readable(pdfText(t, with))
	requireText(t, "session record", text, "Notes Smiled")
	if strings.Contains(text, "?") || strings.Contains(text, "□") || strings.Contains(text, notDrawnNote) {
		t.Errorf("emoji were not printed:\n%s", text)
	}
	if p, w := darkPixels(t, plain), darkPixels(t, with); w < p+40 {
		t.Errorf("%d dark pixels with six emoji, %d without: the emoji are not drawn", w, p)
	}
}

func TestArabicShaping(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want []rune
	}{
		{"علاء", []rune{0xFECB, 0xFEFC, 0xFE80}},                  // initial ain, lam-alef joined to it, hamza
		{"لا", []rune{0xFEFB}},                                    // lam-alef alone
		{"بيت", []rune{0xFE91, 0xFEF4, 0xFE96}},                   // initial, medial, final
		{"محمد", []rune{0xFEE3, 0xFEA4, 0xFEE4, 0xFEAA}},          // dal joins only what is before it
		{"مُحمد", []rune{0xFEE3, 0x064F, 0xFEA4, 0xFEE4, 0xFEAA}}, // a vowel sign parts nothing
		{"دار", []rune{0xFEA9, 0xFE8D, 0xFEAD}},                   // no letter joins the next
		{"ب ب", []rune{0xFE8F, ' ', 0xFE8F}},
		{"پیک", []rune{0xFB58, 0xFBFF, 0xFB8F}}, // Persian
		{"abc", []rune("abc")},
	} {
		if got := shapeArabic([]rune(c.in)); string(got) != string(c.want) {
			t.Errorf("%s: got %U, want %U", c.in, got, c.want)
		}
	}
	// DejaVu Sans draws every form given.
	for r, forms := range arabicForms {
		for _, f := range forms {
			if f != 0 && faceFor(f) < 0 {
				t.Errorf("no font draws %U, a form of %U", f, r)
			}
		}
	}
	for _, lig := range lamAlef {
		for _, f := range lig {
			if faceFor(f) < 0 {
				t.Errorf("no font draws %U", f)
			}
		}
	}
}

// drawn is a text's single line as drawn, left to right.
func drawn(t *testing.T, text string) string {
	t.Helper()
	ls, _ := layout(text, 1000, "", 10)
	if len(ls) != 1 {
		t.Fatalf("%q: %d lines", text, len(ls))
	}
	var b strings.Builder
	for _, r := range ls[0].runs {
		b.WriteString(r.text)
	}
	return b.String()
}

func TestBidiVisualOrder(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"abc def", "abc def"},
		{"שלום", "םולש"},
		{"abc שלום עולם def", "abc םלוע םולש def"},
		{"שרה כהן · 3 sessions", "ןהכ הרש · 3 sessions"}, // parts between " · " are ordered apart
		{"שרה כהן 3 sessions", "3 ןהכ הרש sessions"},     // else digits after Hebrew go with it
		{"שלום 123", "123 םולש"},                         // wholly Hebrew: right to left, digits left to right
		{"שלום 2024.", ".2024 םולש"},
		{"(שלום) ok", "(םולש) ok"},
		{"(שלום)", "(םולש)"}, // brackets mirrored in right-to-left text
		{"Room 12 שלום 34", "Room 12 34 םולש"},
		{"علاء", "\uFE80\uFEFC\uFECB"},
	} {
		if got := drawn(t, c.in); got != c.want {
			t.Errorf("%q drawn as %q, want %q", c.in, got, c.want)
		}
	}
	// A mark stays after its letter, to be drawn on it.
	rs := []rune("שָל")
	lv, base := bidiLevels(rs)
	if got := fmt.Sprint(visualOrder(rs, lv, base)); got != "[2 0 1]" {
		t.Errorf("mark order %s, want [2 0 1]", got)
	}
}

// longWord is n characters without a space: a name or note nothing can break but its width.
func longWord(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteByte("Abcdefghij"[i%10])
	}
	return b.String()
}

// A 10,000-character name is printed whole, broken across lines at its cell's width, on a few
// pages.
func TestLongNameFitsItsCell(t *testing.T) {
	t.Parallel()
	name := longWord(10_000)
	for _, w := range []float64{contentW, contentW - 44} {
		ls, _ := layout(name, w, "", bodySize)
		var b strings.Builder
		for _, l := range ls {
			if l.w > w+1e-6 {
				t.Fatalf("a line is %.2f mm wide in a %.2f mm cell", l.w, w)
			}
			for _, r := range l.runs {
				b.WriteString(r.text)
			}
		}
		if b.String() != name {
			t.Fatalf("the lines do not make up the name")
		}
	}
	ctx := context.Background()
	s := sqlitetest.OpenStoreNow(t, testkit.Fixed(testkit.LocalNow))
	c := data.Client{FirstName: "First", LastName: "Last"}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	// Names this long are refused at entry now; a practice from before may still hold them.
	raw, err := sql.Open("sqlite", "file:"+s.Path())
	if err != nil {
		t.Fatal(err)
	}
	_, err = raw.Exec(`UPDATE clients SET first_name = ?, last_name = ? WHERE id = ?`, name, "王"+longWord(100), c.ID)
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	h, err := LoadClientHistory(ctx, s, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteClientHistory(&buf, h); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	var body []string // without the footers, which come between pages
	for _, l := range strings.Split(text, "\n") {
		if !strings.Contains(l, "Treatment history · ") {
			body = append(body, l)
		}
	}
	joined := strings.Join(strings.Fields(strings.Join(body, "\n")), "")
	// In the title and in the Name field, each broken over many lines.
	if n := strings.Count(joined, name); n < 2 {
		t.Errorf("the whole name is printed %d times, want 2", n)
	}
	if pages := pageCount(t, buf.Bytes()); pages > 7 {
		t.Errorf("%d pages for a 10,000-character name", pages)
	}
	requireText(t, "history", text, "Treatment history · Abcdefghij", "…", "No sessions recorded.")
}

// allocated is the memory writing a client history with an n-character name and notes takes:
// the least of three tries, as other goroutines may allocate meanwhile.
func allocated(t *testing.T, n int) float64 {
	t.Helper()
	h := ClientHistory{Client: data.Client{ID: "c1", FirstName: longWord(n), LastName: "Li", MedicalNotes: longWord(n)},
		Printed: testkit.LocalNow}
	least := math.Inf(1)
	for range 3 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if err := WriteClientHistory(&bytes.Buffer{}, h); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		least = min(least, float64(after.TotalAlloc-before.TotalAlloc))
	}
	return least
}

// Laying out a field takes work in proportion to its length: each further character costs
// about as much memory in a long field as in a short one, where measuring the rest of the text
// again for each character would cost four times as much from 20,000 to 40,000 characters as
// from 5,000 to 10,000. (Time is for BenchmarkFieldLength; memory is counted exactly.)
func TestLayoutIsLinear(t *testing.T) {
	allocated(t, 100) // the fonts' tables, made once
	a5, a10, a20, a40 := allocated(t, 5_000), allocated(t, 10_000), allocated(t, 20_000), allocated(t, 40_000)
	short, long := (a10-a5)/5_000, (a40-a20)/20_000
	t.Logf("%.0f bytes a character from 5,000 to 10,000, %.0f from 20,000 to 40,000", short, long)
	if long > 2*short {
		t.Errorf("each character costs %.1f times as much from 20,000 to 40,000 characters as from 5,000 to 10,000", long/short)
	}
}

// BenchmarkFieldLength writes a session record whose client's last name and notes are n
// characters each, the notes in words of every script and one unbroken run: the time per
// character must not grow with n.
func BenchmarkFieldLength(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			// Half words in every script the documents print, half one unbroken run.
			words := []string{"Abcdefghij", "שלום", "علاء", "王小明", "김민준", "😀", "Zoë"}
			var notes []rune
			for i := 0; len(notes) < n/2; i++ {
				notes = append(notes, []rune(words[i%len(words)]+" ")...)
			}
			notes = append(notes, []rune(longWord(n-len(notes)))...)
			r := SessionRecord{Client: data.Client{FirstName: "Ana", LastName: longWord(n)}, Printed: testkit.LocalNow,
				Session: data.Session{ID: "s1", StartedAt: testkit.LocalNow, Status: data.StatusDraft, Notes: string(notes)}}
			b.ResetTimer()
			for b.Loop() {
				if err := WriteSessionRecord(&bytes.Buffer{}, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkClientHistoryLongNames is a client named with two 9,999-character words.
func BenchmarkClientHistoryLongNames(b *testing.B) {
	h := ClientHistory{Client: data.Client{ID: "c1", FirstName: longWord(9_999), LastName: longWord(9_999)}, Printed: testkit.LocalNow}
	for b.Loop() {
		if err := WriteClientHistory(&bytes.Buffer{}, h); err != nil {
			b.Fatal(err)
		}
	}
}

// Any text lays out without failing: each line fits its width unless it is one character, and
// nothing typed is lost but what is never drawn (controls, joiners, variation selectors).
func FuzzLayout(f *testing.F) {
	for _, s := range []string{"", "\n\n", "abc def", "שלום (עולם) 123.", "علاء الدين، لا", "王小明。次回は4週間後", "😀\u200d👩\u200d👧 🩺",
		"a\u0301\u0308b", "\u202eevil\u202c", "ل", "\u064b\u064b", "(((", "a · b · שלום · 3", longWord(300), "\t\r\n\x00"} {
		f.Add(s, 20.0)
	}
	f.Fuzz(func(t *testing.T, s string, w float64) {
		if w < 1 || w > 500 || len(s) > 5000 {
			return
		}
		ls, _ := layout(s, w, "", bodySize)
		for _, l := range ls {
			n := 0
			for _, r := range l.runs {
				n += len([]rune(r.text))
			}
			if l.w > w+1e-6 && n > 1 {
				t.Fatalf("%q: a line of %d characters is %.2f mm wide in %.2f mm", s, n, l.w, w)
			}
		}
		fitLine(s, w, "B", smallSize)
	})
}
