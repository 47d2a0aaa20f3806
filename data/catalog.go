package data

import "slices"

// Catalog is the practice's lists, as sessions, forms, documents and safety checks refer to them.
// Every list holds its retired entries too: an old record still names them. The Current methods
// give what may be chosen for a new record. Each list is in its display order.
type Catalog struct {
	Practitioners []Practitioner          // by name
	Devices       []Device                // by model
	Cartridges    []Cartridge             // by needle count, then name
	Products      []Product               // by name, every kind
	Zones         []Zone                  // in map order (position, then name)
	Rules         []Rule                  // contraindication rules by position, then condition
	Items         map[ListKind][]ListItem // each vocabulary by position, then name
	Lots          map[string][]Lot        // by product or cartridge ID, newest expiry first
}

// Practitioner finds a practitioner by ID.
func (c Catalog) Practitioner(id string) (Practitioner, bool) {
	return find(c.Practitioners, func(p Practitioner) bool { return p.ID == id })
}

// Device finds a device by ID.
func (c Catalog) Device(id string) (Device, bool) {
	return find(c.Devices, func(d Device) bool { return d.ID == id })
}

// Cartridge finds a kind of cartridge by ID.
func (c Catalog) Cartridge(id string) (Cartridge, bool) {
	return find(c.Cartridges, func(k Cartridge) bool { return k.ID == id })
}

// Product finds a product by ID.
func (c Catalog) Product(id string) (Product, bool) {
	return find(c.Products, func(p Product) bool { return p.ID == id })
}

// CurrentZones are the zones that may be treated in a new session.
func (c Catalog) CurrentZones() []Zone {
	return current(c.Zones, func(z Zone) bool { return z.Retired })
}

// CurrentRules are the contraindication rules in force.
func (c Catalog) CurrentRules() []Rule {
	return current(c.Rules, func(r Rule) bool { return r.Retired })
}

// CurrentItems are the entries of one vocabulary that may be chosen.
func (c Catalog) CurrentItems(kind ListKind) []ListItem {
	return current(c.Items[kind], func(it ListItem) bool { return it.Retired })
}

// CurrentNames are the names of one vocabulary's current entries, as a form offers them.
func (c Catalog) CurrentNames(kind ListKind) []string {
	var out []string
	for _, it := range c.CurrentItems(kind) {
		out = append(out, it.Name)
	}
	return out
}

// LotsOf are the lots in stock of a product or cartridge, newest expiry first.
func (c Catalog) LotsOf(itemID string) []Lot { return c.Lots[itemID] }

// Names maps the IDs a session refers to (practitioners, devices, cartridges, products) to the
// names an amendment's changes are told in.
func (c Catalog) Names() map[string]string {
	names := map[string]string{}
	for _, p := range c.Practitioners {
		names[p.ID] = p.Name
	}
	for _, d := range c.Devices {
		names[d.ID] = d.Model
	}
	for _, k := range c.Cartridges {
		names[k.ID] = k.Name
	}
	for _, p := range c.Products {
		names[p.ID] = p.Name
	}
	return names
}

// SafetyInput is what CheckSafety compares se with, from the practice's lists: the rules in force,
// and every zone, device, product, lot and concern (an older record may name a retired one). The
// client and their other sessions are left for the caller.
func (c Catalog) SafetyInput(se Session, today Date) SafetyInput {
	return SafetyInput{Session: se, Rules: c.CurrentRules(), Zones: c.Zones, Devices: c.Devices, Products: c.Products,
		Lots: c.Lots, Concerns: c.Items[ListConcern], Today: today}
}

func find[T any](list []T, match func(T) bool) (T, bool) {
	if i := slices.IndexFunc(list, match); i >= 0 {
		return list[i], true
	}
	var zero T
	return zero, false
}

// current is list without its retired entries, in the same order; nil when none is left.
func current[T any](list []T, retired func(T) bool) []T {
	var out []T
	for _, v := range list {
		if !retired(v) {
			out = append(out, v)
		}
	}
	return out
}
