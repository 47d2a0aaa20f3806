package practice

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store"
)

// ImportRequest is a batch of photo files to import for one client, as the app's import dialog
// and needlelog import photos both put it.
type ImportRequest struct {
	ClientID string
	Files    []string // in the order they are imported and reported
	// Tags are every photo's. An empty Kind is read from each photo's time: against Tags.SessionID
	// when one is given (before, after or follow-up of that session), else suggested with its
	// session (store.Photos.SuggestPhoto).
	Tags data.PhotoTags
	// SuggestSession files each photo under the session suggested from its time, over Tags.SessionID.
	SuggestSession bool
	ViewOf         map[string]string // a file's own view, by path, over Tags.View
	Options        data.PhotoImportOptions
}

// Outcome is what became of one file.
type Outcome int

const (
	Imported  Outcome = iota
	Duplicate         // the same photo is stored already (perhaps for another client): nothing stored
	Refused           // not a photo that can be imported, or its tags were refused: nothing stored
)

// FileResult is what became of one file. Err, a *data.PhotoFileError naming the file, says why
// it was refused; for a duplicate it wraps the *data.DuplicatePhotoError.
type FileResult struct {
	Path    string
	Outcome Outcome
	Photo   data.Photo // the photo stored; for a duplicate, the one stored before
	Err     error
}

// OtherClient reports a duplicate of a photo stored for another client than the import's.
func (r FileResult) OtherClient() bool {
	var dup *data.DuplicatePhotoError
	return errors.As(r.Err, &dup) && dup.Existing.ClientID != dup.ClientID
}

// Progress is reported after each file, in the order of the request's files.
type Progress struct {
	Done, Total int
	File        FileResult // the file just through
	Next        string     // the file imported next; "" after the last
}

// ImportResult is what became of a batch: one FileResult per file gone through, in order.
type ImportResult struct {
	Files                         []FileResult
	Imported, Duplicates, Refused int
	Total                         int  // files asked for
	Cancelled                     bool // stopped before the end: Total - len(Files) files were not imported
}

// ImportPhotos imports the request's files for a client: several are read and decoded at once
// (the slow part), while one writer stores them one at a time, in order, and calls progress
// (when set) after each. Cancelling ctx stops it at once: the photo being stored is stored
// whole, those still being decoded and those not started are not imported, and their decodes
// finish on their own and are forgotten (no decoder can be stopped half way). What was
// imported stays; the result says how many went through, and the error is ctx's, with it.
func ImportPhotos(ctx context.Context, s store.Store, req ImportRequest, progress func(Progress)) (ImportResult, error) {
	res := ImportResult{Total: len(req.Files)}
	var started time.Time
	if req.Tags.Kind == "" && req.Tags.SessionID != "" && !req.SuggestSession {
		// Otherwise the store says what is wrong with the session, for each file.
		started, _ = s.SessionStart(ctx, req.ClientID, req.Tags.SessionID)
	}
	type read struct {
		f   data.PhotoFile
		err error
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait() // no reader outlives the import
	defer cancel()
	// A 50 MP photo takes a few hundred MB to decode: a few at a time is enough to keep two to
	// four cores busy without running a small laptop out of memory.
	slots := make(chan struct{}, min(runtime.GOMAXPROCS(0), 4))
	reads := make([]chan read, len(req.Files))
	for i := range reads {
		reads[i] = make(chan read, 1)
	}
	wg.Go(func() {
		for i, path := range req.Files {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			wg.Go(func() {
				f, err := ReadPhotoFileContext(ctx, path, req.Options)
				reads[i] <- read{f, err}
			})
		}
	})
	for i, path := range req.Files {
		var r read
		select {
		case r = <-reads[i]:
		case <-ctx.Done():
		}
		if ctx.Err() != nil { // what failed then failed for that reason, not its own
			res.Cancelled = true
			return res, fmt.Errorf("import photos: stopped after %d of %d files: %w", len(res.Files), res.Total, ctx.Err())
		}
		fr := FileResult{Path: path, Outcome: Refused, Err: r.err}
		if r.err == nil {
			// Once decoded, a photo is stored whole whatever ctx says: storing takes a moment.
			fr = storePhoto(context.WithoutCancel(ctx), s, req, started, path, r.f)
		}
		<-slots
		res.Files = append(res.Files, fr)
		switch fr.Outcome {
		case Imported:
			res.Imported++
		case Duplicate:
			res.Duplicates++
		default:
			res.Refused++
		}
		if progress != nil {
			p := Progress{Done: i + 1, Total: res.Total, File: fr}
			if i+1 < len(req.Files) {
				p.Next = req.Files[i+1]
			}
			progress(p)
		}
	}
	return res, nil
}

// storePhoto tags a photo read from path as the request says and stores it. started is when the
// request's session started, for reading the kind against; zero when not needed.
func storePhoto(ctx context.Context, s store.Store, req ImportRequest, started time.Time, path string, f data.PhotoFile) FileResult {
	fail := func(err error) FileResult {
		return FileResult{Path: path, Outcome: Refused, Err: &data.PhotoFileError{Path: path, Err: err}}
	}
	tags := req.Tags
	if req.SuggestSession {
		tags.SessionID = ""
	}
	if v, ok := req.ViewOf[path]; ok {
		tags.View = v
	}
	if tags.Kind == "" && tags.SessionID != "" && !started.IsZero() {
		tags.Kind = data.PhotoKindFor(f.TakenAt(), started)
	}
	if (tags.Kind == "" && tags.SessionID == "") || req.SuggestSession {
		sug, err := s.SuggestPhoto(ctx, req.ClientID, f.TakenAt())
		if err != nil {
			return fail(err)
		}
		if tags.Kind == "" {
			tags.Kind = sug.Kind
		}
		if req.SuggestSession {
			tags.SessionID = sug.SessionID
		}
	}
	p, err := s.ImportPhoto(ctx, req.ClientID, tags, f)
	switch {
	case errors.Is(err, data.ErrDuplicatePhoto):
		return FileResult{Path: path, Outcome: Duplicate, Photo: p, Err: &data.PhotoFileError{Path: path, Err: err}}
	case err != nil:
		return fail(err)
	}
	return FileResult{Path: path, Outcome: Imported, Photo: p}
}
