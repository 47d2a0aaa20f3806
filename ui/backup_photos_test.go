package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
)

// The damaged-file window's restore brings the photos back too, and says which it could not.
func TestADamagedFileIsRestoredWithItsPhotos(t *testing.T) {
	a := test.NewTempApp(t)
	path := filepath.Join(t.TempDir(), "practice.db")
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	c := data.Client{FirstName: "Nora", LastName: "Lens", PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	var photos []data.Photo
	for i, name := range []string{"IMG_0001.jpg", "IMG_0002.jpg"} {
		photos = append(photos, testkit.MustImportPhoto(t, s, c.ID, data.PhotoTags{Kind: data.PhotoBefore}, name,
			phototest.NoisyJPEG(t, 96, 64, uint32(i+1), 40), testkit.Now))
	}
	for range 60 { // pages enough for damage to hit
		newTestClient(t, s)
	}
	dir := filepath.Join(t.TempDir(), "backups")
	setBackupFolder(a, path, dir)
	if _, _, err := ondisk.BackupTo(context.Background(), s, dir, ondisk.DefaultRetention); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// The disk failed: the practice file damaged, its photo folder gone, and one photo's file
	// lost from the backup too.
	if err := os.Remove(photolib.PathIn(filepath.Join(dir, "photos"), photos[0].SHA256)); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(photolib.Beside(path)); err != nil {
		t.Fatal(err)
	}
	damage(t, path)

	_, err = openPractice(context.Background(), path, sqlite.Options{})
	if !errors.Is(err, data.ErrDamaged) {
		t.Fatalf("opening a damaged file: %v, want ErrDamaged", err)
	}
	w := test.NewTempWindow(t, nil)
	opened := &openedPractice{}
	askHowToOpen(a, w, path, err, func(p *openedPractice) { opened = p }, "Quit", func() {})
	test.Tap(overlayButton(t, w, "Restore that backup…"))
	test.Tap(overlayButton(t, w, "Restore"))
	if opened.store == nil {
		t.Fatalf("no practice opened after the restore; the window says %q", overlayText(w))
	}
	defer opened.store.Close()
	defer opened.claim.Release()
	if !strings.Contains(opened.notice, "1 photo could not be restored: IMG_0001.jpg of Nora Lens taken ") {
		t.Errorf("the restore does not name the photo it could not bring back: %q", opened.notice)
	}
	if _, err := opened.store.PhotoOriginal(context.Background(), photos[1].ID); err != nil {
		t.Errorf("the photo whose files were in the backup was not restored: %v", err)
	}
}

// The status line says what a backup copied and wrote; a photo file the practice's folder could
// not give is pointed out in the notices, with Back up now.
func TestTheBackupSaysWhatItCopied(t *testing.T) {
	m, _ := backupWindow(t)
	c := data.Client{FirstName: "Nora", LastName: "Lens", PhotoConsent: data.PhotoConsentClinical}
	if err := m.store.CreateClient(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	p := testkit.MustImportPhoto(t, m.store, c.ID, data.PhotoTags{Kind: data.PhotoBefore}, "IMG_0001.jpg",
		phototest.NoisyJPEG(t, 96, 64, 1, 40), testkit.Now)
	test.Tap(noticeButton(t, m, "Back up now"))
	if !strings.HasPrefix(m.status.Text, "Backed up just now (2 photo files copied, ") || !strings.HasSuffix(m.status.Text, " written).") {
		t.Fatalf("status line after backing up a photo: %q", m.status.Text)
	}
	if got := noticesText(m); got != "" {
		t.Fatalf("notices after a good backup: %q", got)
	}

	// A new photo whose original is then lost from the practice's folder (one already in the
	// backup folder is backed up all the same).
	q := testkit.MustImportPhoto(t, m.store, c.ID, data.PhotoTags{Kind: data.PhotoBefore}, "IMG_0002.jpg",
		phototest.NoisyJPEG(t, 96, 64, 2, 40), testkit.Now)
	if err := os.Remove(photolib.PathIn(m.store.PhotoDir(), p.SHA256)); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(photolib.PathIn(m.store.PhotoDir(), q.SHA256)); err != nil {
		t.Fatal(err)
	}
	if _, err := m.backups.backUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.showNotices()
	if got := noticesText(m); !strings.Contains(got, "1 photo was not backed up: its files are missing or damaged (needlelog check --photos lists them)") {
		t.Fatalf("a photo file left out of the backup is not pointed out: %q (status %q)", got, m.status.Text)
	}
	noticeButton(t, m, "Back up now")
}
