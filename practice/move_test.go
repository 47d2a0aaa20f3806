package practice_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
)

// movingPractice is a claimed practice, clinic.db, with a client and three photos in its photo
// library; it returns the store and the SHA-256s of the photos' originals.
func movingPractice(t *testing.T) (*sqlite.Store, []string) {
	s, sums, _ := movingPracticeOf(t)
	return s, sums
}

// movingPracticeOf is movingPractice, with the ID of the client the photos are of.
func movingPracticeOf(t *testing.T) (*sqlite.Store, []string, string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	s, claim, err := practice.Open(ctx, filepath.Join(dir, "clinic.db"), sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); claim.Release() })
	c := data.Client{FirstName: "Mara", LastName: "Moved", PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	var files, sums []string
	for i := range 3 {
		b := phototest.NoisyJPEG(t, 640, 480, uint32(i+1), 40)
		f := filepath.Join(dir, fmt.Sprintf("IMG_%04d.JPG", i))
		if err := os.WriteFile(f, b, 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
		sums = append(sums, photolib.Sum(b))
	}
	res, err := practice.ImportPhotos(ctx, s, practice.ImportRequest{ClientID: c.ID, Files: files,
		Tags: data.PhotoTags{Kind: data.PhotoBefore}}, nil)
	if err != nil || res.Imported != 3 {
		t.Fatalf("import: %+v %v", res, err)
	}
	return s, sums, c.ID
}

// moveFolderNames lists what a folder holds, recursively, as slash paths; nil when it does not exist.
func moveFolderNames(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && p != dir {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out
}

func planAndMove(ctx context.Context, s *sqlite.Store, folder string, progress func(practice.MoveProgress)) (practice.Moved, error) {
	plan, err := practice.PlanMove(ctx, s, folder)
	if err != nil {
		return practice.Moved{}, err
	}
	return practice.Move(ctx, s, plan, progress)
}

// A move copies the database and every photo file it names into the new folder, checked, and
// leaves the old files as they were; the copy opens as the practice, its photos read from its
// own photo folder.
func TestMoveCopiesTheDatabaseAndItsPhotos(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, sums, clientID := movingPracticeOf(t)
	oldFiles := moveFolderNames(t, filepath.Dir(s.Path()))
	target := filepath.Join(t.TempDir(), "New PC", "Needlelog")

	plan, err := practice.PlanMove(ctx, s, target)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	if plan.DB != filepath.Join(target, "clinic.db") || plan.Photos != filepath.Join(target, "clinic.photos") ||
		plan.PhotoFiles != 6 || plan.PhotoBytes <= 0 || plan.DBBytes <= 0 {
		t.Errorf("plan %+v: want clinic.db and clinic.photos in %s, 6 photo files (originals and previews)", plan, target)
	}
	var steps []practice.MoveProgress
	moved, err := practice.Move(ctx, s, plan, func(p practice.MoveProgress) { steps = append(steps, p) })
	if err != nil {
		t.Fatalf("move: %v", err)
	}
	if moved.DB != plan.DB || moved.PhotoFiles != 6 || moved.Writes != s.Writes() {
		t.Errorf("moved %+v", moved)
	}
	// The photo folder says whose it is before anything opens it: the practice's, which keeps its identity.
	if id, _ := s.PracticeID(ctx); id == "" {
		t.Error("the practice has no identity")
	} else if owner, err := photolib.Owner(plan.Photos); owner != id {
		t.Errorf("the moved photo folder says it is %q's (%v), want %q", owner, err, id)
	}
	last := steps[len(steps)-1]
	if last.Done != last.Total || last.Files != 6 {
		t.Errorf("the last progress is %+v, want all done", last)
	}
	for i := 1; i < len(steps); i++ {
		if steps[i].Done < steps[i-1].Done {
			t.Errorf("progress went back: %+v then %+v", steps[i-1], steps[i])
		}
	}
	got := moveFolderNames(t, target)
	if len(got) == 0 || !slices.Contains(got, "clinic.db") || slices.ContainsFunc(got, func(n string) bool {
		return n != "clinic.db" && !strings.HasPrefix(n, "clinic.photos")
	}) {
		t.Errorf("the new folder holds %v, want clinic.db and clinic.photos alone", got)
	}
	if after := moveFolderNames(t, filepath.Dir(s.Path())); !slices.Equal(after, oldFiles) {
		t.Errorf("the old folder changed: %v, was %v", after, oldFiles)
	}

	// The copy opens as the practice, claimed, and reads its photos from its own folder.
	s.Close()
	n, claim, err := practice.Open(ctx, moved.DB, sqlite.Options{})
	if err != nil {
		t.Fatalf("open the moved practice: %v", err)
	}
	defer func() { n.Close(); claim.Release() }()
	if n.PhotoDir() != plan.Photos {
		t.Errorf("the moved practice's photo folder is %s, want %s", n.PhotoDir(), plan.Photos)
	}
	h, err := n.Check(ctx)
	if err != nil || len(h.Problems)+len(h.LostImages) > 0 || h.Counts["photos"] != 3 {
		t.Fatalf("check of the moved practice: %+v %v", h, err)
	}
	list, err := n.ListPhotos(ctx, data.PhotoQuery{ClientID: clientID})
	if err != nil || len(list) != 3 {
		t.Fatalf("photos of the moved practice: %d %v", len(list), err)
	}
	for _, p := range list {
		b, err := n.PhotoOriginal(ctx, p.ID)
		if err != nil || !slices.Contains(sums, photolib.Sum(b)) {
			t.Errorf("original of %s: %v", p.FileName, err)
		}
	}
	for _, sum := range sums {
		if err := photolib.VerifyIn(filepath.Join(filepath.Dir(s.Path()), "clinic.photos"), sum); err != nil {
			t.Errorf("the old photo folder lost a file: %v", err)
		}
	}
}

// Unsafe places are refused with one sentence, before anything is written.
func TestMoveRefusesUnsafePlaces(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := movingPractice(t)
	taken := t.TempDir()
	moveWrite(t, filepath.Join(taken, "clinic.db"), "another practice")
	photosTaken := t.TempDir()
	if err := os.Mkdir(filepath.Join(photosTaken, "clinic.photos"), 0o700); err != nil {
		t.Fatal(err)
	}
	logLeft := t.TempDir()
	moveWrite(t, filepath.Join(logLeft, "clinic.db-wal"), "a log without its database")
	cloud := filepath.Join(t.TempDir(), "OneDrive - Skin Clinic Ltd", "Needlelog")
	cases := []struct{ folder, says string }{
		{taken, "already holds a practice named clinic.db"},
		{photosTaken, "already holds a photo folder named clinic.photos"},
		{logLeft, "already holds a practice named clinic.db"},
		{filepath.Dir(s.Path()), "already kept in"},
		{s.PhotoDir(), "inside the practice's photo folder"},
		{filepath.Join(s.PhotoDir(), "sub"), "inside the practice's photo folder"},
		{cloud, "OneDrive folder"},
		{"  ", "Choose the folder"},
	}
	if testkit.LinksWork() {
		linkedCloud := filepath.Join(t.TempDir(), "practice")
		realCloud := filepath.Join(t.TempDir(), "Dropbox", "Clinic")
		if err := os.MkdirAll(realCloud, 0o700); err != nil {
			t.Fatal(err)
		}
		testkit.Symlink(t, realCloud, linkedCloud)
		cases = append(cases, struct{ folder, says string }{linkedCloud, "Dropbox folder"})
	}
	for _, tc := range cases {
		before := moveFolderNames(t, tc.folder)
		_, err := practice.PlanMove(ctx, s, tc.folder)
		var refused *practice.MoveRefusedError
		if !errors.As(err, &refused) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("move to %s: %v; want a refusal saying %q", tc.folder, err, tc.says)
			continue
		}
		if msg := err.Error(); strings.Count(msg, ". ") > 0 || !strings.HasSuffix(msg, ".") {
			t.Errorf("the refusal is not one sentence: %q", msg)
		}
		if after := moveFolderNames(t, tc.folder); !slices.Equal(after, before) {
			t.Errorf("a refused move to %s changed it: %v", tc.folder, after)
		}
	}
	if _, err := os.Stat(filepath.Dir(cloud)); err == nil {
		t.Errorf("a refused move made %s", cloud)
	}

	// A practice open read-only is not held still by this process: refused too.
	ro, err := sqlite.Open(ctx, s.Path(), sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	var refused *practice.MoveRefusedError
	if _, err := practice.PlanMove(ctx, ro, t.TempDir()); !errors.As(err, &refused) {
		t.Errorf("move of a practice open read-only: %v", err)
	}
}

func moveWrite(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// A move cancelled half way, or failing half way, leaves nothing at the new place: not the
// folders it made, not a file in a folder that was there.
func TestMoveCutShortLeavesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, sums := movingPractice(t)
	oldFiles := moveFolderNames(t, filepath.Dir(s.Path()))
	existing := t.TempDir()
	moveWrite(t, filepath.Join(existing, "notes.txt"), "the practitioner's own file")

	for _, at := range []string{"Copying the database", "Copying the photos", "Checking the copy"} {
		for _, folder := range []string{filepath.Join(t.TempDir(), "a", "b"), existing} {
			cctx, cancel := context.WithCancel(ctx)
			_, err := planAndMove(cctx, s, folder, func(p practice.MoveProgress) {
				if p.Step == at {
					cancel()
				}
			})
			cancel()
			if !errors.Is(err, context.Canceled) {
				t.Errorf("move cancelled while %s: %v", at, err)
			}
			if got := moveFolderNames(t, folder); folder != existing && got != nil || folder == existing && !slices.Equal(got, []string{"notes.txt"}) {
				t.Errorf("move cancelled while %s left %v in %s", at, got, folder)
			}
			if folder != existing {
				if _, err := os.Stat(filepath.Dir(folder)); err == nil {
					t.Errorf("move cancelled while %s left the folder %s it made", at, filepath.Dir(folder))
				}
			}
		}
	}

	// A photo file whose bytes changed in the old folder fails the move; so does a write to the
	// practice during the copy, which the copy would miss.
	damaged := photolib.PathIn(s.PhotoDir(), sums[1])
	good, err := os.ReadFile(damaged)
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Clone(good)
	bad[len(bad)/2] ^= 0xff
	moveWrite(t, damaged, string(bad))
	folder := filepath.Join(t.TempDir(), "new")
	if _, err := planAndMove(ctx, s, folder, nil); !errors.Is(err, photolib.ErrChanged) {
		t.Errorf("move with a changed photo file: %v", err)
	}
	if got := moveFolderNames(t, folder); got != nil {
		t.Errorf("a failed move left %v", got)
	}
	moveWrite(t, damaged, string(good))
	wrote := false
	_, err = planAndMove(ctx, s, folder, func(p practice.MoveProgress) {
		if p.Step == "Copying the photos" && !wrote {
			wrote = true
			c := data.Client{FirstName: "Late", LastName: "Arrival"}
			if err := s.CreateClient(ctx, &c); err != nil {
				t.Error(err)
			}
		}
	})
	if !errors.Is(err, practice.ErrChangedWhileMoving) {
		t.Errorf("move with a write during the copy: %v", err)
	}
	if got := moveFolderNames(t, folder); got != nil {
		t.Errorf("a move that missed a write left %v", got)
	}
	if after := moveFolderNames(t, filepath.Dir(s.Path())); !slices.Equal(after, oldFiles) {
		t.Errorf("the old folder changed: %v, was %v", after, oldFiles)
	}
}

// A photo file missing from the old photo folder is said before the move starts: the copy could
// not be checked complete.
func TestMoveRefusesAPracticeMissingPhotoFiles(t *testing.T) {
	t.Parallel()
	s, sums := movingPractice(t)
	if err := os.Remove(photolib.PathIn(s.PhotoDir(), sums[0])); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(t.TempDir(), "new")
	_, err := practice.PlanMove(context.Background(), s, folder)
	var refused *practice.MoveRefusedError
	if !errors.As(err, &refused) || !strings.Contains(err.Error(), "1 photo file the practice names is missing from the photo folder "+s.PhotoDir()) {
		t.Errorf("move of a practice missing a photo file: %v", err)
	}
	if _, err := os.Stat(folder); err == nil {
		t.Errorf("a refused move made %s", folder)
	}
}

// A photo folder that a link puts elsewhere is copied from where it leads, and the moved practice
// gets a photo folder of its own beside its database, not a link.
func TestMoveFollowsALinkedPhotoFolder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, sums := movingPractice(t)
	elsewhere := filepath.Join(t.TempDir(), "Photos drive")
	if err := os.Rename(s.PhotoDir(), elsewhere); err != nil {
		t.Fatal(err)
	}
	testkit.Symlink(t, elsewhere, s.PhotoDir())
	moved, err := planAndMove(ctx, s, filepath.Join(t.TempDir(), "new"), nil)
	if err != nil {
		t.Fatalf("move: %v", err)
	}
	if info, err := os.Lstat(moved.Photos); err != nil || !info.IsDir() {
		t.Fatalf("the moved photo folder: %v %v, want a folder", info, err)
	}
	for _, sum := range sums {
		if err := photolib.VerifyIn(moved.Photos, sum); err != nil {
			t.Errorf("moved photo file: %v", err)
		}
		if err := photolib.VerifyIn(elsewhere, sum); err != nil {
			t.Errorf("the linked photo folder lost a file: %v", err)
		}
	}
}
