package assets

import (
	"testing"

	"golang.org/x/image/font/sfnt"
)

// The embedded fonts unpack to TrueType fonts that have the scripts they are there for.
func TestFonts(t *testing.T) {
	for name, c := range map[string]struct {
		ttf   []byte
		runes string
	}{
		"DejaVu Sans":         {DejaVuSans(), "שלום\u0639\uFECB\uFEFB"},
		"Droid Sans Fallback": {DroidSansFallback(), "王小明さくら"},
		"NanumSquare":         {NanumSquare(), "김민준"},
		"Symbola":             {Symbola(), "☺❤✓😀👍"},
	} {
		f, err := sfnt.Parse(c.ttf)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if string(c.ttf[:4]) != "\x00\x01\x00\x00" {
			t.Errorf("%s is not a TrueType (glyf) font: starts %q", name, c.ttf[:4])
		}
		var buf sfnt.Buffer
		for _, r := range c.runes {
			if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
				t.Errorf("%s has no glyph for %q", name, r)
			}
		}
	}
}
