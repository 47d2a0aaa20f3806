// Command fullsizejpegs writes N distinct full-size photos (4000×3000, 12 MP, 3–4 MB each, as a
// phone takes them) into a folder, for measuring Needlelog on a real practice's photos:
//
//	go run ./scripts/fullsizejpegs -n 200 -to /tmp/photos
package main

import (
	"flag"
	"fmt"
	"image/jpeg"
	"os"
	"path/filepath"

	"needlelog.app/needlelog/data/photo/phototest"
)

func main() {
	n := flag.Int("n", 200, "number of photos")
	to := flag.String("to", "", "folder to write them into (created if needed)")
	w := flag.Int("w", 4000, "width in pixels")
	h := flag.Int("h", 3000, "height in pixels")
	noise := flag.Int("noise", 24, "noise added to the gradient: more noise, larger files")
	flag.Parse()
	if *to == "" || *n < 1 {
		fmt.Fprintln(os.Stderr, "usage: fullsizejpegs -n N -to FOLDER")
		os.Exit(2)
	}
	if err := write(*to, *n, *w, *h, *noise); err != nil {
		fmt.Fprintln(os.Stderr, "fullsizejpegs:", err)
		os.Exit(1)
	}
}

func write(dir string, n, w, h, noise int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := range n {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("IMG_%04d.jpg", i+1)))
		if err != nil {
			return err
		}
		// Each from its own seed: distinct photos, distinct previews.
		err = jpeg.Encode(f, phototest.Gradient(w, h, uint32(i+1), noise), &jpeg.Options{Quality: 90})
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}
