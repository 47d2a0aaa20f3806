// Package assets embeds the files the app ships with: its icon now, drawings and fonts later.
// It holds bytes only, so every package can use it without pulling in Fyne.
package assets

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"sync"
)

// IconPNG is the app icon, 512×512, drawn from icon.svg (rsvg-convert -w 512 -h 512 icon.svg -o icon.png).
//
//go:embed icon.png
var IconPNG []byte

// The fonts for scripts the Go fonts lack, gzip-compressed: see fonts/README.md.
var (
	//go:embed fonts/DejaVuSans.ttf.gz
	dejaVuSansGz []byte
	//go:embed fonts/DroidSansFallbackFull.ttf.gz
	droidSansFallbackGz []byte
	//go:embed fonts/NanumSquareR.ttf.gz
	nanumSquareGz []byte
	//go:embed fonts/Symbola.ttf.gz
	symbolaGz []byte
)

// DejaVuSans is DejaVu Sans (TrueType): Arabic with its presentation forms, Hebrew, Armenian,
// Georgian and many symbols. Unpacked on first use.
var DejaVuSans = sync.OnceValue(func() []byte { return gunzip(dejaVuSansGz) })

// DroidSansFallback is Droid Sans Fallback (TrueType): Chinese and Japanese (Han and kana); it
// lacks precomposed Hangul. Unpacked on first use.
var DroidSansFallback = sync.OnceValue(func() []byte { return gunzip(droidSansFallbackGz) })

// NanumSquare is NanumSquare Regular (TrueType): every Hangul syllable. Unpacked on first use.
var NanumSquare = sync.OnceValue(func() []byte { return gunzip(nanumSquareGz) })

// Symbola is Symbola (TrueType): symbols and monochrome emoji of Unicode 9. Unpacked on first use.
var Symbola = sync.OnceValue(func() []byte { return gunzip(symbolaGz) })

func gunzip(b []byte) []byte {
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		panic("assets: " + err.Error()) // compiled in: cannot happen in a built program
	}
	out, err := io.ReadAll(r)
	if err != nil {
		panic("assets: " + err.Error())
	}
	return out
}
