package data

import (
	"cmp"
	"slices"
	"strings"
)

// Before and after: which photos a comparison sets side by side. The app's Compare screen and
// the treatment history PDF both use these, so that they pair the same (package wording
// captions them).

// PhotoPair is a view's baseline photo and the photo to compare with it, as indices into the
// photos they were chosen from.
type PhotoPair struct {
	View          string
	Before, After int
}

// BeforeAfterPairs pairs, for each view, its first "before" photo with the latest "after" or
// "follow-up" photo of the same view taken after it. photos are in the order taken. A view with
// no "before", or no "after" or "follow-up" since, gives no pair; so do photos with no view.
// Views follow order (the practice's list of views), then the alphabet.
func BeforeAfterPairs(photos []Photo, order []string) []PhotoPair {
	first := map[string]int{}
	var views []string
	for i, p := range photos {
		if _, seen := first[p.View]; p.View == "" || p.Kind != PhotoBefore || seen {
			continue
		}
		first[p.View] = i
		views = append(views, p.View)
	}
	rank := func(v string) int {
		if i := slices.Index(order, v); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(views, func(a, b string) int { return cmp.Or(cmp.Compare(rank(a), rank(b)), strings.Compare(a, b)) })
	var out []PhotoPair
	for _, v := range views {
		if after := LatestAfter(photos, first[v]); after >= 0 {
			out = append(out, PhotoPair{View: v, Before: first[v], After: after})
		}
	}
	return out
}

// LatestAfter is the index of the latest "after" or "follow-up" photo of the same view as
// photos[i], taken after it (photos are in the order taken), or -1 when there is none.
func LatestAfter(photos []Photo, i int) int {
	if i < 0 || i >= len(photos) || photos[i].View == "" {
		return -1
	}
	for j := len(photos) - 1; j > i; j-- {
		if p := photos[j]; p.View == photos[i].View && (p.Kind == PhotoAfter || p.Kind == PhotoFollowUp) {
			return j
		}
	}
	return -1
}
