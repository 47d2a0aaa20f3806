package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/wording"
)

// The zone map's hover says a zone's depths as the editor's rows do: "warn above 1 mm", never "1.0".
func TestZoneMapSaysDepthsAsTyped(t *testing.T) {
	e, _ := openZones(t, 0)
	m := e.zoneMap
	size := m.Size()
	for y := float32(2); y < size.Height; y += 4 {
		for x := float32(2); x < size.Width; x += 4 {
			z, ok := m.ZoneAt(fyne.NewPos(x, y))
			if !ok || z.WarnAbove != float64(int(z.WarnAbove)) {
				continue // a whole-millimetre warning depth is the one "1.0" showed in
			}
			m.MouseIn(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(x, y)}})
			want := z.Name + " — typical " + wording.MMRange(z.TypicalMin, z.TypicalMax) + ", warn above " + wording.MM(z.WarnAbove)
			if c := m.Caption(); c != want || strings.Contains(c, ".0 ") {
				t.Errorf("hovering %s the map says %q, want %q", z.Name, c, want)
			}
			return
		}
	}
	t.Fatal("no zone on the map warns above a whole number of millimetres")
}

// The client's page, the form and the photo viewer word a photo consent as the history PDF does.
func TestPhotoConsentAndSkinTypeAreSaidAlike(t *testing.T) {
	c := data.Client{PhotoConsent: data.PhotoConsentEducation, Fitzpatrick: 4}
	if s := profileSummary(c); !strings.Contains(s, "Photo consent: Record and teaching (anonymised)") {
		t.Errorf("the client's page says %q", s)
	}
	if s := clientFacts(c, data.NewDate(2026, time.March, 2)); !strings.Contains(s, "Fitzpatrick IV") {
		t.Errorf("the client's facts say %q", s)
	}
	choices := wording.PhotoConsentChoices()
	for i, pc := range data.PhotoConsents {
		if pc == data.PhotoConsentNone {
			continue // a client's answer, never a photo's scope
		}
		if got := photoScopeLabel(pc); got != choices[i] {
			t.Errorf("the photo viewer says %q for the scope the form calls %q", got, choices[i])
		}
	}
	if got := photoScopeLabel(""); got != "Clinical record only" {
		t.Errorf("a photo without a scope shows as %q", got)
	}
}

func TestDueDays(t *testing.T) {
	today := data.NewDate(2026, time.September, 28)
	if got := dueDay(data.NewDate(2026, time.September, 30), today); got != "Due Wednesday 30 Sep" {
		t.Errorf("dueDay = %q", got)
	}
}

// A phone number starts a line of its own on the client's page, so that wrapping never cuts it.
func TestClientFactsKeepThePhoneWhole(t *testing.T) {
	c := data.Client{DateOfBirth: data.NewDate(2002, time.November, 16), Fitzpatrick: 3, Phone: "+1 305-555-0139",
		Email: "adaeze.adebayo64@example.org"}
	got := clientFacts(c, data.NewDate(2026, time.December, 7))
	want := "24 years (born 16 Nov 2002)  ·  Fitzpatrick III\n+1 305-555-0139  ·  adaeze.adebayo64@example.org"
	if got != want {
		t.Errorf("facts:\n%s\nwant\n%s", got, want)
	}
	if got := clientFacts(data.Client{}, data.NewDate(2026, time.December, 7)); got != "Fitzpatrick not recorded" {
		t.Errorf("facts of a client with nothing recorded: %q", got)
	}
}
