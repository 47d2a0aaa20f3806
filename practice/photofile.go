package practice

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
)

// ReadPhotoFileContext reads the photo file at path, takes its GPS position out unless
// opts.KeepLocation, and processes it with photo.Process. A file larger than photo.MaxFileBytes
// is refused from its size, before any of it is read. When ctx is cancelled it returns at once,
// with an error wrapping ctx's, leaving the decode under way to finish on its own and be
// forgotten: no decoder can be stopped half way, and an import must not wait seconds for one.
// Errors are *data.PhotoFileError values naming the file.
func ReadPhotoFileContext(ctx context.Context, path string, opts data.PhotoImportOptions) (data.PhotoFile, error) {
	fail := func(err error) (data.PhotoFile, error) {
		return data.PhotoFile{}, &data.PhotoFileError{Path: path, Err: err}
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	// Stat before opening: opening a named pipe for reading would wait for a writer forever.
	info, err := os.Stat(path)
	if err != nil {
		return fail(fileError(err))
	}
	switch {
	case info.IsDir():
		return fail(errors.New("it is a folder, not a photo"))
	case !info.Mode().IsRegular():
		return fail(errors.New("it is not an ordinary file, so it cannot be a photo"))
	case info.Size() > photo.MaxFileBytes:
		return fail(fileTooLarge{info.Size()})
	}
	fh, err := os.Open(path)
	if err != nil {
		return fail(fileError(err))
	}
	defer fh.Close()
	// The limit holds while reading too: the file may have grown since it was looked at.
	buf := bytes.NewBuffer(make([]byte, 0, info.Size()+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(fh, photo.MaxFileBytes+1)); err != nil {
		return fail(fileError(err))
	}
	if buf.Len() > photo.MaxFileBytes {
		return fail(fileTooLarge{int64(buf.Len())})
	}
	original, other := buf.Bytes(), buf.Bytes()
	if without, removed := photo.WithoutLocation(original); !removed {
		other = nil
	} else if !opts.KeepLocation {
		original = without
	} else {
		other = without
	}
	otherSum := ""
	if other != nil {
		sum := sha256.Sum256(other)
		otherSum = hex.EncodeToString(sum[:])
	}
	type result struct {
		p   photo.Processed
		err error
	}
	done := make(chan result, 1) // buffered: a forgotten decode does not block on sending
	process := opts.Process
	if process == nil {
		process = photo.Process
	}
	go func() {
		p, err := process(original)
		done <- result{p, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return fail(r.err)
		}
		return data.PhotoFile{Name: filepath.Base(path), ModTime: info.ModTime(), Original: original, OtherSHA256: otherSum,
			Processed: r.p}, nil
	case <-ctx.Done():
		return fail(ctx.Err())
	}
}

// fileError words a file system error without repeating the path, which PhotoFileError gives.
func fileError(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return worded{"the file does not exist", err}
	case errors.Is(err, fs.ErrPermission):
		return worded{"Needlelog is not allowed to read the file", err}
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return worded{"the file cannot be read: " + pe.Err.Error(), err}
	}
	return worded{"the file cannot be read: " + err.Error(), err}
}

// worded is an error said in the practitioner's words, keeping its cause for errors.Is.
type worded struct {
	msg   string
	cause error
}

func (e worded) Error() string { return e.msg }

func (e worded) Unwrap() error { return e.cause }

// fileTooLarge refuses a file from its size alone, as photo.Process would, without reading it.
type fileTooLarge struct{ size int64 }

func (e fileTooLarge) Error() string {
	return fmt.Sprintf("the file is %.1f MB, more than the %d MB a photo may have: export it from the camera or phone as a JPEG at normal quality and import that",
		float64(e.size)/(1<<20), photo.MaxFileBytes>>20)
}

func (e fileTooLarge) Unwrap() error { return photo.ErrTooLarge }
