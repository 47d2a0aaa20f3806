package data_test

import (
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
)

func TestBeforeAfterPairs(t *testing.T) {
	t.Parallel()
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
