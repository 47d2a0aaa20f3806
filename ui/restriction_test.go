package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

// A restriction whose condition ended in the past says when needling is allowed again, so that
// "until 1 Oct 2026" read on 7 Dec 2026 is not taken for a restriction that is over.
func TestClientPageSaysWhenTreatmentIsAllowedAgain(t *testing.T) {
	test.NewTempApp(t)
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.Local)
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "practice.db"),
		sqlite.Options{Create: true, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := data.Client{FirstName: "Ada", LastName: "Byrne", History: []data.HistoryEntry{
		{Condition: "Isotretinoin (Accutane)", Since: data.NewDate(2026, 3, 1), Until: data.NewDate(2026, 10, 1)}}}
	if err := s.CreateClient(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	p := newClientPage(s)
	if err := p.update(context.Background(), c.ID); err != nil {
		t.Fatal(err)
	}
	var banner []string
	walk(p.banner, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			banner = append(banner, l.Text)
		}
	})
	text := strings.Join(banner, " | ")
	want := "Isotretinoin (Accutane) ended 1 Oct 2026; no needling before 31 Mar 2027"
	if !strings.Contains(text, want) {
		t.Errorf("banner %q lacks %q", text, want)
	}
	if strings.Contains(text, "until 1 Oct") {
		t.Errorf("banner %q still reads as if the restriction ended on 1 Oct", text)
	}
}
