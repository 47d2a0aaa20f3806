package photo

import (
	"bytes"
	"cmp"
	"compress/zlib"
	"encoding/binary"
	pngcrc "hash/crc32"
	"io"
	"slices"
)

// A position can also be kept in XMP, the XML packet beside EXIF that photo editors and phones
// write (JPEG APP1 "http://ns.adobe.com/xap/1.0/" and its extension segments, PNG iTXt
// "XML:com.adobe.xmp", WebP "XMP " chunk), as exif:GPSLatitude and its kin: an attribute
// (exif:GPSLatitude="52,22.386N") or an element (<exif:GPSLatitude>…</exif:GPSLatitude>, a list
// of rdf:li inside it too). They are taken out in place: overwritten with spaces, which XML
// allows between attributes and between elements, so the file keeps its length and every other
// byte. Every property whose local name starts with GPS goes, whatever its namespace prefix.

var (
	xmpJPEGHeader     = []byte("http://ns.adobe.com/xap/1.0/\x00")
	xmpJPEGExtHeader  = []byte("http://ns.adobe.com/xmp/extension/\x00")
	xmpPNGKeyword     = []byte("XML:com.adobe.xmp\x00")
	maxXMPInflated    = 16 << 20   // a compressed PNG packet is read up to this size
	xmpExtensionFixed = 32 + 4 + 4 // GUID, full length, offset
)

// xmpRegion is where XMP text lies in a file: a packet, or (JPEG extended XMP) the parts of one.
type xmpRegion struct {
	parts [][]byte // slices of the file, in the packet's order
}

// jpegXMP finds a JPEG's XMP packets: the main packet, and the extension's parts, in offset order.
func jpegXMP(b []byte) []xmpRegion {
	var out []xmpRegion
	type extPart struct {
		offset uint32
		data   []byte
	}
	ext := map[string][]extPart{}
	var guids []string
	jpegHeaderSegments(b, func(m byte, seg []byte) bool {
		switch {
		case m != 0xE1:
		case bytes.HasPrefix(seg, xmpJPEGHeader):
			out = append(out, xmpRegion{parts: [][]byte{seg[len(xmpJPEGHeader):]}})
		case bytes.HasPrefix(seg, xmpJPEGExtHeader) && len(seg) >= len(xmpJPEGExtHeader)+xmpExtensionFixed:
			d := seg[len(xmpJPEGExtHeader):]
			guid := string(d[:32])
			if _, ok := ext[guid]; !ok {
				guids = append(guids, guid)
			}
			ext[guid] = append(ext[guid], extPart{binary.BigEndian.Uint32(d[36:40]), d[xmpExtensionFixed:]})
		}
		return true
	})
	for _, g := range guids {
		parts := ext[g]
		// Writers put the parts in order; a stable sort keeps them so when offsets repeat.
		slices.SortStableFunc(parts, func(a, b extPart) int { return cmp.Compare(a.offset, b.offset) })
		r := xmpRegion{}
		for _, p := range parts {
			r.parts = append(r.parts, p.data)
		}
		out = append(out, r)
	}
	return out
}

// pngXMPChunk is a PNG iTXt chunk holding XMP: where its text lies, and whether it is compressed.
type pngXMPChunk struct {
	start, end int // the chunk's data within the file
	text       int // where the text starts
	compressed bool
}

func pngXMPChunks(b []byte) []pngXMPChunk {
	var out []pngXMPChunk
	pngChunks(b, func(typ string, start, end int) bool {
		if d := b[start:end]; typ == "iTXt" && bytes.HasPrefix(d, xmpPNGKeyword) && len(d) >= len(xmpPNGKeyword)+2 {
			c := pngXMPChunk{start: start, end: end, compressed: d[len(xmpPNGKeyword)] != 0}
			// Then the method byte, the language tag and the translated keyword, each ended by NUL.
			k := len(xmpPNGKeyword) + 2
			for range 2 {
				z := bytes.IndexByte(d[k:], 0)
				if z < 0 {
					k = -1
					break
				}
				k += z + 1
			}
			if k >= 0 {
				c.text = start + k
				out = append(out, c)
			}
		}
		return true
	})
	return out
}

// inflate reads zlib data of at most max bytes once inflated: more, or damaged data, is refused.
func inflate(b []byte, max int) ([]byte, bool) {
	r, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, false
	}
	out, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
	if err != nil || len(out) > max {
		return nil, false
	}
	return out, true
}

// xmpHasLocation reports whether a photo's XMP holds a GPS property.
func xmpHasLocation(format string, b []byte) bool {
	switch format {
	case "jpeg":
		for _, r := range jpegXMP(b) {
			if blankXMPGPS(bytes.Join(r.parts, nil)) {
				return true
			}
		}
	case "png":
		for _, c := range pngXMPChunks(b) {
			text := bytes.Clone(b[c.text:c.end])
			if c.compressed {
				var ok bool
				if text, ok = inflate(text, maxXMPInflated); !ok {
					continue
				}
			}
			if blankXMPGPS(text) {
				return true
			}
		}
	case "webp":
		found := false
		riffChunks(b, func(id string, d []byte) bool {
			found = id == "XMP " && blankXMPGPS(bytes.Clone(d))
			return !found
		})
		return found
	}
	return false
}

// withoutXMPLocation takes the GPS properties out of the XMP of out, a copy of the photo it may
// change, and returns the result and whether it took any out. Only a compressed PNG packet
// changes the file's length: its chunk is compressed again.
func withoutXMPLocation(format string, out []byte) ([]byte, bool) {
	removed := false
	switch format {
	case "jpeg":
		for _, r := range jpegXMP(out) {
			joined := bytes.Join(r.parts, nil)
			if !blankXMPGPS(joined) {
				continue
			}
			removed = true
			for _, p := range r.parts { // put the blanked text back where each part came from
				copy(p, joined[:len(p)])
				joined = joined[len(p):]
			}
		}
	case "png":
		chunks := pngXMPChunks(out)
		for i := len(chunks) - 1; i >= 0; i-- { // from the end, as a compressed one may change length
			c := chunks[i]
			if !c.compressed {
				if blankXMPGPS(out[c.text:c.end]) {
					removed = true
					binary.BigEndian.PutUint32(out[c.end:], pngcrc.ChecksumIEEE(out[c.start-4:c.end]))
				}
				continue
			}
			text, ok := inflate(out[c.text:c.end], maxXMPInflated)
			if !ok || !blankXMPGPS(text) {
				continue
			}
			var z bytes.Buffer
			w := zlib.NewWriter(&z)
			w.Write(text) //nolint:errcheck // a bytes.Buffer does not fail
			w.Close()     //nolint:errcheck // a bytes.Buffer does not fail
			data := append(bytes.Clone(out[c.start:c.text]), z.Bytes()...)
			chunk := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
			chunk = append(append(chunk, "iTXt"...), data...)
			chunk = binary.BigEndian.AppendUint32(chunk, pngcrc.ChecksumIEEE(chunk[4:]))
			out = append(append(bytes.Clone(out[:c.start-8]), chunk...), out[c.end+4:]...)
			removed = true
		}
	case "webp":
		riffChunks(out, func(id string, d []byte) bool {
			if id == "XMP " && blankXMPGPS(d) {
				removed = true
			}
			return true
		})
	}
	return out, removed
}

// blankXMPGPS overwrites with spaces, in place, every GPS property of an XMP packet, as an
// attribute or as an element with all it holds, and reports whether there was one. It reads the
// packet as a simple XML tokenizer does (comments, processing instructions and declarations
// skipped, quoted attribute values kept whole) and leaves a tag it cannot read to the end as it is.
func blankXMPGPS(x []byte) bool {
	found := false
	for i := 0; i < len(x); {
		lt := bytes.IndexByte(x[i:], '<')
		if lt < 0 {
			break
		}
		i += lt
		rest := x[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			i = skipPast(x, i, "-->")
			continue
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			i = skipPast(x, i, "]]>")
			continue
		case bytes.HasPrefix(rest, []byte("<?")):
			i = skipPast(x, i, "?>")
			continue
		case bytes.HasPrefix(rest, []byte("<!")), bytes.HasPrefix(rest, []byte("</")):
			i = skipPast(x, i, ">")
			continue
		}
		j := i + 1
		for j < len(x) && !xmlSpace(x[j]) && x[j] != '>' && x[j] != '/' {
			j++
		}
		name := x[i+1 : j]
		tagEnd := tagClose(x, j)
		if tagEnd < 0 {
			break
		}
		if gpsName(name) {
			end := tagEnd + 1
			if x[tagEnd-1] != '/' { // not empty: up to and with its end tag
				end = endTag(x, end, name)
				if end < 0 {
					break
				}
			}
			blank(x[i:end])
			found = true
			i = end
			continue
		}
		// The attributes of any other tag.
		for k := j; k < tagEnd; {
			for k < tagEnd && (xmlSpace(x[k]) || x[k] == '/') {
				k++
			}
			a := k
			for k < tagEnd && !xmlSpace(x[k]) && x[k] != '=' {
				k++
			}
			attr := x[a:k]
			for k < tagEnd && xmlSpace(x[k]) {
				k++
			}
			if k >= tagEnd || x[k] != '=' {
				break
			}
			k++
			for k < tagEnd && xmlSpace(x[k]) {
				k++
			}
			if k >= tagEnd || (x[k] != '"' && x[k] != '\'') {
				break
			}
			q := bytes.IndexByte(x[k+1:tagEnd], x[k])
			if q < 0 {
				break
			}
			k += q + 2
			if gpsName(attr) {
				blank(x[a:k])
				found = true
			}
		}
		i = tagEnd + 1
	}
	return found
}

// gpsName reports whether a qualified name is a GPS property: a prefix, then a local name
// starting with GPS (exif:GPSLatitude, exifEX:GPSHPositioningError), never a namespace declaration.
func gpsName(name []byte) bool {
	c := bytes.IndexByte(name, ':')
	return c > 0 && !bytes.Equal(name[:c], []byte("xmlns")) && bytes.HasPrefix(name[c+1:], []byte("GPS"))
}

func xmlSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// tagClose is the index of the '>' ending the tag whose name ends at j, quoted values skipped; -1 if none.
func tagClose(x []byte, j int) int {
	var quote byte
	for k := j; k < len(x); k++ {
		switch c := x[k]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return k
		}
	}
	return -1
}

// endTag is the index just past the end tag of the element name whose content starts at from,
// elements of the same name inside it counted; -1 if there is none.
func endTag(x []byte, from int, name []byte) int {
	depth := 1
	for i := from; i < len(x); {
		lt := bytes.IndexByte(x[i:], '<')
		if lt < 0 {
			return -1
		}
		i += lt
		closing := i+1 < len(x) && x[i+1] == '/'
		n := i + 1
		if closing {
			n++
		}
		if bytes.HasPrefix(x[n:], name) && n+len(name) < len(x) && (xmlSpace(x[n+len(name)]) || x[n+len(name)] == '>' || x[n+len(name)] == '/') {
			e := tagClose(x, n+len(name))
			if e < 0 {
				return -1
			}
			switch {
			case closing:
				if depth--; depth == 0 {
					return e + 1
				}
			case x[e-1] != '/':
				depth++
			}
			i = e + 1
			continue
		}
		i++
	}
	return -1
}

// skipPast is the index just past the first end after i; len(x) when there is none.
func skipPast(x []byte, i int, end string) int {
	k := bytes.Index(x[i:], []byte(end))
	if k < 0 {
		return len(x)
	}
	return i + k + len(end)
}

func blank(b []byte) {
	for i := range b {
		b[i] = ' '
	}
}
