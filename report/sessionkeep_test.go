package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
)

// The signature block is never alone on the record's last page: whatever the length of the
// record before it, it stays with the section before it, with or without photos.
func TestSessionRecordSignatureNeverStandsAlone(t *testing.T) {
	t.Parallel()
	jpg := phototest.NoisyJPEG(t, 400, 300, 7, 24)
	for _, photos := range []int{0, 1, 3} {
		alone, rendered := 0, 0
		for lines := 1; lines < 60; lines++ {
			se := data.Session{ID: "s1", StartedAt: testkit.LocalNow, UpdatedAt: testkit.LocalNow, SeriesN: 1, Status: data.StatusSigned,
				RecordHash: strings.Repeat("ab", 32), PhotoRefusal: "Client declined the before photo."}
			var notes []string
			for i := range lines {
				notes = append(notes, fmt.Sprintf("Note line %d.", i+1))
			}
			se.Notes = strings.Join(notes, "\n")
			r := SessionRecord{Client: data.Client{FirstName: "Ada", LastName: "Byrne"}, Session: se, Printed: testkit.LocalNow,
				AuditHead: data.AuditMark{Hash: strings.Repeat("cd", 32), Seq: 42}}
			for i := range photos {
				r.Photos = append(r.Photos, Photo{Photo: data.Photo{ID: fmt.Sprintf("p%d", i), PhotoTags: data.PhotoTags{Note: fmt.Sprintf("Photo %d", i+1)}}, Preview: jpg})
			}
			var buf bytes.Buffer
			if err := WriteSessionRecord(&buf, r); err != nil {
				t.Fatal(err)
			}
			pages := strings.Split(strings.TrimRight(pdfText(t, buf.Bytes()), "\f\n"), "\f")
			rendered++
			last := strings.Fields(pages[len(pages)-1])
			if len(last) > 0 && last[0] == "Signature" {
				alone++
				if alone == 1 {
					t.Errorf("%d photos, %d note lines: the last page holds only the signature block:\n%s",
						photos, lines, pages[len(pages)-1])
				}
			}
			requireText(t, "session record", strings.Join(pages, " "), "Record hash", "Audit log head", fmt.Sprintf("Note line %d.", max(lines, 1)))
		}
		if alone > 0 {
			t.Errorf("%d photos: %d of %d lengths left the signature alone", photos, alone, rendered)
		}
	}
}
