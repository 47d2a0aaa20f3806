package data_test

import (
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
)

func TestBeforeAfterPairs(t *testing.T) {
	ph := func(id, view string, kind data.PhotoKind) data.Photo {
		return data.Photo{ID: id, PhotoTags: data.PhotoTags{View: view, Kind: kind}}
	}
	photos := []data.Photo{ // in the order taken
		ph("a", "Close-up", data.PhotoAfter), // no before in its view: no pair
		ph("b", "Frontal", data.PhotoAfter),  // before the first "before": never its pair
		ph("c", "Frontal", data.PhotoBefore),
		ph("d", "Left 45°", data.PhotoBefore),
		ph("e", "", data.PhotoBefore), // no view: never paired
		ph("f", "Close-up", data.PhotoFollowUp),
		ph("g", "Frontal", data.PhotoFollowUp),
		ph("h", "Frontal", data.PhotoAfter),
		ph("i", "Frontal", data.PhotoBefore),  // the next session's before: not the latest after
		ph("j", "Left 45°", data.PhotoBefore), // two befores, no after: no pair
		ph("k", "Zzz custom", data.PhotoBefore),
		ph("l", "Zzz custom", data.PhotoFollowUp),
		ph("m", "Right 45°", data.PhotoBefore),
		ph("n", "Right 45°", data.PhotoAfter),
		ph("o", "", data.PhotoAfter),
	}
	var desc []string
	for _, p := range data.BeforeAfterPairs(photos, []string{"Frontal", "Left 45°", "Close-up", "Right 45°"}) {
		desc = append(desc, p.View+":"+photos[p.Before].ID+"→"+photos[p.After].ID)
	}
	if got, want := strings.Join(desc, " "), "Frontal:c→h Right 45°:m→n Zzz custom:k→l"; got != want {
		t.Fatalf("pairs %q, want %q", got, want)
	}
	if got := data.LatestAfter(photos, 3); got != -1 {
		t.Errorf("Left 45° has no after, yet LatestAfter gives %d", got)
	}
}

func TestPhotoCaption(t *testing.T) {
	taken := time.Date(2026, 2, 10, 12, 35, 0, 0, time.Local)
	p := data.Photo{TakenAt: taken, PhotoTags: data.PhotoTags{Kind: data.PhotoBefore, View: "Frontal", Zone: "Cheeks"}}
	se := data.Session{SeriesN: 2, SeriesOf: 4,
		Zones:    []data.ZoneTreatment{{Zone: "Forehead", DepthMM: 0.5, Passes: 1}, {Zone: "cheeks", DepthMM: 1.25, Passes: 3}},
		Products: []data.ProductUse{{ProductID: "ha", Lot: "HA-2291"}, {ProductID: "cu"}}}
	names := map[string]string{"ha": "Hyaluronic acid", "cu": "Copper peptide"}
	got := strings.Join(data.PhotoCaption(p, &se, func(id string) string { return names[id] }), " | ")
	want := "Before · Frontal · Cheeks | 10 Feb 2026, 12:35 · Session 2 of 4 | cheeks 1.25 mm × 3 passes | " +
		"Products: Hyaluronic acid (lot HA-2291), Copper peptide"
	if got != want {
		t.Errorf("caption\n%q, want\n%q", got, want)
	}
	p.Zone = ""
	se.Products, se.SeriesOf = nil, 0
	if got := strings.Join(data.PhotoCaption(p, &se, nil), " | "); got !=
		"Before · Frontal | 10 Feb 2026, 12:35 · Session 2 | Forehead 0.5 mm × 1 pass; cheeks 1.25 mm × 3 passes" {
		t.Errorf("a photo of no zone is captioned %q", got)
	}
	if got := strings.Join(data.PhotoCaption(p, nil, nil), " | "); got != "Before · Frontal | 10 Feb 2026, 12:35 | Not filed under a session" {
		t.Errorf("a photo of no session is captioned %q", got)
	}
}
