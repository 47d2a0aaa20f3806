package demo

import (
	"context"
	"fmt"
	"slices"

	"needlelog.app/needlelog/data"
	nlstore "needlelog.app/needlelog/store"
)

// What became of each demo session, as in a practice that signs its records: most past sessions
// are signed by the practitioner who treated; the latest few, and a few left unfinished, are still
// drafts; a client without consent on file cannot have a session signed; some signed sessions were
// amended afterwards; and a few clients were treated despite a block, with the reason written.

var (
	// noPhotoReasons are why a session of a client who agreed to photos has none in the record.
	noPhotoReasons = []string{"Before photos kept in the clinic's imaging system.",
		"Before photos kept in the clinic's imaging system.", "Before photos kept in the clinic's imaging system.",
		"Client asked for no photos at this visit.", "Camera unavailable; client agreed to photos next visit."}
	overrideReasons = []string{
		"Dermatologist's letter on file: low-dose course, cleared to treat from 4 months after the last dose.",
		"Prescriber confirmed the last dose in writing and cleared treatment; risks explained and consent signed again.",
	}
)

// Chances of what became of a session.
const (
	draftRecent    = 0.5  // a session of the last two days is still being finished
	draftOlder     = 0.04 // an older one was left unfinished
	amendedShare   = 0.05 // of signed sessions
	overrideShare  = 0.02 // of clients: treated within the isotretinoin window, with a reason
	otherAmendment = 0.3  // amended by another practitioner than the one who signed
)

// passedBlock gives a few clients a recent isotretinoin course, so that their first sessions fall
// within the rule's window and each needs a written reason to go ahead. It reports whether it did.
func (g *generator) passedBlock(c *data.Client, first data.Date) bool {
	r := g.records
	const condition = "Isotretinoin (Accutane)"
	if !chance(r, overrideShare) || first.Equal(g.today) || !slices.ContainsFunc(g.rules, func(x data.Rule) bool {
		return x.Condition == condition && !x.Retired && x.Action == data.RuleBlock
	}) || slices.ContainsFunc(c.History, func(h data.HistoryEntry) bool { return h.Condition == condition }) {
		return false
	}
	until := first.AddDays(-100 - r.IntN(60))
	c.History = append(c.History, data.HistoryEntry{Condition: condition, Since: until.AddDays(-150 - r.IntN(150)),
		Until: until, Notes: "Low-dose course for acne, prescribed by her dermatologist."})
	return true
}

// passBlocks writes the reason for each block a session meets.
func (g *generator) passBlocks(b nlstore.Batch, se *data.Session, res *Result) error {
	in, err := b.SafetyInputFor(*se)
	if err != nil {
		return err
	}
	reason := pick(g.records, overrideReasons)
	for _, w := range data.Blocking(data.CheckSafety(in), se.Overrides) {
		se.Overrides = append(se.Overrides, data.Override{Rule: w.Rule, Reason: reason, PractitionerID: se.PractitionerID})
		res.Overrides++
	}
	return nil
}

// signs decides whether a session is signed: not without the client's consent on file, and not
// yet for some of the latest ones.
func (g *generator) signs(c *data.Client, se *data.Session) bool {
	day := data.DateOf(se.StartedAt)
	if !c.Consent.OnFile() || c.Consent.Signed.After(day) {
		return false
	}
	if g.today.DaysSince(day) <= 2 {
		return !chance(g.records, draftRecent)
	}
	return !chance(g.records, draftOlder)
}

// sign signs a session as its practitioner, and now and then amends it afterwards.
func (g *generator) sign(b nlstore.Batch, se *data.Session, s *series, res *Result) error {
	b.SetActor(se.PractitionerID)
	if err := b.SignSession(se.ID, se.Version); err != nil {
		return err
	}
	res.Signed++
	se.Version++
	if !chance(g.records, amendedShare) {
		return nil
	}
	edited, reason := g.amendment(se, s)
	if reason == "" {
		return nil
	}
	if chance(g.records, otherAmendment) && len(g.practitioners) > 1 {
		b.SetActor(pick(g.records, g.practitioners).ID)
	}
	if _, err := b.AmendSession(edited, reason); err != nil {
		return fmt.Errorf("amend: %w", err)
	}
	res.Amendments++
	return nil
}

// amendment is a correction of the kind practitioners make after signing, and its reason; "" when
// the kind drawn does not apply to this session.
func (g *generator) amendment(se *data.Session, s *series) (data.Session, string) {
	r := g.records
	ed := *se
	ed.Zones = slices.Clone(se.Zones)
	ed.Aftercare = slices.Clone(se.Aftercare)
	switch r.IntN(4) {
	case 0: // a depth typed one step too deep
		z := &ed.Zones[0]
		plan := s.zones[slices.IndexFunc(s.zones, func(p zonePlan) bool { return p.zone.Name == z.Zone })]
		i := slices.Index(plan.depths, z.DepthMM)
		if i <= 0 {
			return ed, ""
		}
		was := z.DepthMM
		z.DepthMM = plan.depths[i-1]
		return ed, fmt.Sprintf("Depth on %s corrected: %s mm was used; %s mm was typed.", z.Zone, mmText(z.DepthMM), mmText(was))
	case 1:
		if !ed.PainScore.Valid {
			return ed, ""
		}
		ed.PainScore = data.Optional[int]{V: min(ed.PainScore.V+1, data.MaxPain), Valid: true}
		if ed.PainScore == se.PainScore {
			return ed, ""
		}
		return ed, "Pain score was taken before the last pass; corrected to the client's rating at the end."
	case 2:
		if !ed.PriceCents.Valid || ed.PriceCents.V < 20000 {
			return ed, ""
		}
		ed.PriceCents.V -= 5000
		return ed, "Price corrected: the series package discount had been left off."
	default:
		note := "Client phoned the next day: mild tightness, settled within 24 hours."
		if ed.Notes != "" {
			note = ed.Notes + " " + note
		}
		ed.Notes = note
		return ed, "Added what the client reported by phone the day after treatment."
	}
}

func mmText(v float64) string { return fmt.Sprintf("%g", v) }

// signPhotographed signs the sessions whose before photos were drawn after them, now that the
// photos are in.
func (g *generator) signPhotographed(ctx context.Context, s nlstore.Store, res *Result) error {
	return s.Batch(ctx, func(b nlstore.Batch) error {
		for _, p := range g.photoPlans {
			for _, se := range p.sessions {
				if !se.sign {
					continue
				}
				b.SetActor(se.signer)
				if err := b.SignSession(se.id, 1); err != nil {
					return fmt.Errorf("demo: sign session of %s on %s: %w", p.name, se.started.Format("2006-01-02"), err)
				}
				res.Signed++
			}
		}
		return nil
	})
}
