package data

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

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

// PhotoLabel says what a photo shows: "Before · Frontal · Cheeks".
func PhotoLabel(p Photo) string {
	kind := string(p.Kind)
	if kind != "" {
		kind = strings.ToUpper(kind[:1]) + kind[1:]
	}
	parts := []string{kind}
	if p.View != "" {
		parts = append(parts, p.View)
	}
	if p.Zone != "" {
		parts = append(parts, p.Zone)
	}
	return strings.Join(parts, " · ")
}

// SeriesLabel is "Session 2 of 4", or "Session 2" without a planned series.
func SeriesLabel(se Session) string {
	if se.SeriesOf > 0 {
		return fmt.Sprintf("Session %d of %d", se.SeriesN, se.SeriesOf)
	}
	return fmt.Sprintf("Session %d", max(se.SeriesN, 1))
}

// PhotoCaption captions a photo in a comparison: what it shows; when it was taken and where its
// session stands in the series; what that session did to the photo's zone (to every zone when
// the photo names none); and the products used, with their lots. se is the photo's session, nil
// when it is not filed under one; product names a product from its ID.
func PhotoCaption(p Photo, se *Session, product func(id string) string) []string {
	when := p.TakenAt.Local().Format("2 Jan 2006, 15:04")
	if se == nil {
		return []string{PhotoLabel(p), when, "Not filed under a session"}
	}
	var zones []string
	for _, z := range se.Zones {
		if p.Zone == "" || strings.EqualFold(z.Zone, p.Zone) {
			passes := strconv.Itoa(z.Passes) + " passes"
			if z.Passes == 1 {
				passes = "1 pass"
			}
			zones = append(zones, fmt.Sprintf("%s %s mm × %s", z.Zone, strconv.FormatFloat(z.DepthMM, 'f', -1, 64), passes))
		}
	}
	settings := strings.Join(zones, "; ")
	switch {
	case len(se.Zones) == 0:
		settings = "No zones recorded in this session"
	case settings == "":
		settings = p.Zone + " not treated in this session"
	}
	lines := []string{PhotoLabel(p), when + " · " + SeriesLabel(*se), settings}
	if len(se.Products) > 0 {
		var names []string
		for _, u := range se.Products {
			n := product(u.ProductID)
			if u.Lot != "" {
				n += " (lot " + u.Lot + ")"
			}
			names = append(names, n)
		}
		lines = append(lines, "Products: "+strings.Join(names, ", "))
	}
	return lines
}
