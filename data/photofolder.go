package data

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
)

// skippedFiles are files that operating systems leave in photo folders.
var skippedFiles = []string{"Thumbs.db", "desktop.ini"}

// PhotoFilesIn lists the files an import of the folder dir reads: those in it and in its
// subfolders (a camera card keeps photos in DCIM/100CANON), in path order, leaving out hidden
// files and folders and the files operating systems leave behind. A subfolder that cannot be read
// is passed over. With limit above zero, the listing stops at that many files and says so.
func PhotoFilesIn(dir string, limit int) (files []string, cut bool, err error) {
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
		case !d.Type().IsRegular(), hidden, slices.Contains(skippedFiles, d.Name()):
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
		return nil, false, fmt.Errorf("read the folder %s: %w", dir, err)
	}
	slices.Sort(files)
	return files, cut, nil
}
