package practice

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// skippedFiles are files that operating systems leave in photo folders.
var skippedFiles = []string{"Thumbs.db", "desktop.ini"}

// SkippedFile is a file in an imported folder that the import leaves out, and why: a sentence
// fragment for the practitioner ("a link to another file; import the file itself").
type SkippedFile struct {
	Path   string
	Reason string
}

// PhotoFolder lists the files an import of the folder dir reads: those in it and in its
// subfolders (a camera card keeps photos in DCIM/100CANON), in path order, leaving out hidden
// files and folders and the files operating systems leave behind. A subfolder that cannot be
// read is passed over. Links (symbolic links, and what else is not an ordinary file or folder)
// are never followed: an import takes the files of the folder chosen, not whatever a link points
// to, which may be outside it or change before it is read; they are returned in skipped, in path
// order, with the reason, for the practitioner to see. With limit above zero, the listing stops at
// that many files and says so.
func PhotoFolder(dir string, limit int) (files []string, skipped []SkippedFile, cut bool, err error) {
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return err
			}
			return nil
		}
		hidden := path != dir && strings.HasPrefix(d.Name(), ".")
		switch {
		case d.IsDir() && hidden:
			return filepath.SkipDir
		case hidden, slices.Contains(skippedFiles, d.Name()), d.IsDir():
			return nil
		case d.Type()&fs.ModeSymlink != 0:
			skipped = append(skipped, SkippedFile{path, linkReason(path)})
			return nil
		case !d.Type().IsRegular():
			skipped = append(skipped, SkippedFile{path, "not an ordinary file, so it cannot be a photo"})
			return nil
		}
		if limit > 0 && len(files) == limit {
			cut = true
			return fs.SkipAll
		}
		files = append(files, path)
		return nil
	})
	if err != nil {
		return nil, nil, false, fmt.Errorf("read the folder %s: %w", dir, err)
	}
	slices.Sort(files)
	slices.SortFunc(skipped, func(a, b SkippedFile) int { return strings.Compare(a.Path, b.Path) })
	return files, skipped, cut, nil
}

// linkReason says what a link in an imported folder is, looking at what it points to without
// reading it.
func linkReason(path string) string {
	info, err := os.Stat(path)
	switch {
	case err != nil:
		return "a link to a file that is not there"
	case info.IsDir():
		return "a link to another folder; import the folder itself"
	}
	return "a link to another file; import the file itself"
}
