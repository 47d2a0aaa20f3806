package wording

import (
	"strconv"
	"strings"

	"needlelog.app/needlelog/data"
)

// PhotoLabel says what a photo shows, as a caption's first line: "Before · Frontal · Cheeks".
func PhotoLabel(p data.Photo) string {
	l := PhotoLabelInline(p)
	if p.Kind != "" {
		l = strings.ToUpper(l[:1]) + l[1:]
	}
	return l
}

// PhotoLabelInline says what a photo shows within a line, as the gallery and the photo picker
// do: "before · Frontal · Cheeks".
func PhotoLabelInline(p data.Photo) string {
	parts := []string{string(p.Kind)}
	if p.View != "" {
		parts = append(parts, p.View)
	}
	if p.Zone != "" {
		parts = append(parts, p.Zone)
	}
	return strings.Join(parts, " · ")
}

// Series is session n's place in a series of planned sessions: "Session 2 of 4", or
// "Session 2" without a planned series (of 0).
func Series(n, of int) string {
	if of > 0 {
		return "Session " + OfN(n, of)
	}
	return "Session " + strconv.Itoa(max(n, 1))
}

// ProductName names a product by its ID among products: its name, or "unknown product ID" for
// one no longer known.
func ProductName(products map[string]data.Product, id string) string {
	if id == "" {
		return ""
	}
	if p, ok := products[id]; ok {
		return p.Name
	}
	return "unknown product " + id
}

// PhotoCaption captions a photo in a before-and-after comparison, the same on the Compare screen
// and in the treatment history: what it shows; when it was taken and where its session stands in
// the series; what that session did to the photo's zone (to every zone when the photo names
// none); and the products used, with their lots. se is the photo's session, nil when it is not
// filed under one; products are the practice's, by ID.
func PhotoCaption(p data.Photo, se *data.Session, products map[string]data.Product) []string {
	when := DateTime(p.TakenAt)
	if se == nil {
		return []string{PhotoLabel(p), when, "Not filed under a session"}
	}
	var zones []string
	for _, z := range se.Zones {
		if p.Zone == "" || strings.EqualFold(z.Zone, p.Zone) {
			zones = append(zones, z.Zone+" "+MM(z.DepthMM)+" × "+Count(z.Passes, "pass", "passes"))
		}
	}
	settings := strings.Join(zones, "; ")
	switch {
	case len(se.Zones) == 0:
		settings = "No zones recorded in this session"
	case settings == "":
		settings = p.Zone + " not treated in this session"
	}
	lines := []string{PhotoLabel(p), when + " · " + Series(se.SeriesN, se.SeriesOf), settings}
	if len(se.Products) > 0 {
		var names []string
		for _, u := range se.Products {
			n := ProductName(products, u.ProductID)
			if u.Lot != "" {
				n += " (lot " + u.Lot + ")"
			}
			names = append(names, n)
		}
		lines = append(lines, "Products: "+strings.Join(names, ", "))
	}
	return lines
}
