// Package assets embeds the files the app ships with: its icon now, drawings and fonts later.
// It holds bytes only, so every package can use it without pulling in Fyne.
package assets

import _ "embed"

// IconPNG is the app icon, 512×512, drawn from icon.svg (rsvg-convert -w 512 -h 512 icon.svg -o icon.png).
//
//go:embed icon.png
var IconPNG []byte
