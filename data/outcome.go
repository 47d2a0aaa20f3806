package data

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// GAIS is a grade of the Global Aesthetic Improvement Scale: the improvement since the series'
// first session, as the practitioner rates it. The values are the codes stored in the database:
// they never change, whatever words the screens use.
type GAIS string

const (
	GAISVeryMuchImproved GAIS = "very_much_improved"
	GAISMuchImproved     GAIS = "much_improved"
	GAISImproved         GAIS = "improved"
	GAISNoChange         GAIS = "no_change"
	GAISWorse            GAIS = "worse"
)

// GAISGrades are the grades from best to worst, the order a scale is read and shown in.
var GAISGrades = []GAIS{GAISVeryMuchImproved, GAISMuchImproved, GAISImproved, GAISNoChange, GAISWorse}

var gaisWords = map[GAIS]string{
	GAISVeryMuchImproved: "very much improved",
	GAISMuchImproved:     "much improved",
	GAISImproved:         "improved",
	GAISNoChange:         "no change",
	GAISWorse:            "worse",
}

// Words says the grade as the scale does ("much improved"); "" for no grade of the scale.
func (g GAIS) Words() string { return gaisWords[g] }

// GAISFromWords is the grade said by words (as Words says it, any case), or false.
func GAISFromWords(s string) (GAIS, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, g := range GAISGrades {
		if gaisWords[g] == s {
			return g, true
		}
	}
	return "", false
}

// Bounds of an outcome's scores.
const (
	MaxSatisfaction = 10 // the client's own satisfaction, 0 to 10
	MinScarGrade    = 1  // Goodman and Baron's qualitative acne scar grade: 1 (macular) ...
	MaxScarGrade    = 4  // ... to 4 (severe)
)

// Outcome is an assessment of a treatment's result, made at a follow-up or at a later session:
// how much the client improved since the series' first session. It follows one of the client's
// sessions, the series' session at or after which it was made. It is not part of that session's
// signed record: it may be corrected later, and every change is audited.
type Outcome struct {
	ID        string
	ClientID  string
	SessionID string
	// AssessedAt is when the assessment was made: at or after its session's start.
	AssessedAt     time.Time
	PractitionerID string // who assessed; the store's practitioner when left blank
	GAIS           GAIS
	Satisfaction   Optional[int] // the client's satisfaction, 0 to 10, when asked
	// ScarBaseline and ScarNow are the Goodman and Baron qualitative grade (1–4) of acne scars
	// before the series and at the assessment, when the concern is acne scars.
	ScarBaseline Optional[int]
	ScarNow      Optional[int]
	FromPhotos   bool // assessed by comparing photos rather than in person
	Notes        string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Version      int64
}

// ValidateOutcome checks an assessment of a session that started at sessionStart (zero when not
// known yet), at now.
func ValidateOutcome(o Outcome, sessionStart, now time.Time) error {
	var c Checker
	if o.ClientID == "" {
		c.Add("client", "Choose the client the result is for.")
	}
	if o.SessionID == "" {
		c.Add("session", "Choose the session the result follows.")
	}
	switch {
	case o.AssessedAt.IsZero():
		c.Add("assessed_at", "Enter when the result was assessed.")
	case o.AssessedAt.After(now.Add(futureSlack)):
		c.Add("assessed_at", "The result cannot be assessed in the future.")
	case !sessionStart.IsZero() && o.AssessedAt.Before(sessionStart):
		c.Add("assessed_at", "The result cannot be assessed before the session it follows.")
	}
	if !slices.Contains(GAISGrades, o.GAIS) {
		c.Add("gais", "Choose the improvement: very much improved, much improved, improved, no change or worse.")
	}
	if o.Satisfaction.Valid && (o.Satisfaction.V < 0 || o.Satisfaction.V > MaxSatisfaction) {
		c.Add("satisfaction", "The client's satisfaction must be between 0 and %d.", MaxSatisfaction)
	}
	for _, g := range []struct {
		field, label string
		v            Optional[int]
	}{{"scar_baseline", "The scar grade at baseline", o.ScarBaseline}, {"scar_now", "The scar grade now", o.ScarNow}} {
		if g.v.Valid && (g.v.V < MinScarGrade || g.v.V > MaxScarGrade) {
			c.Add(g.field, "%s must be a Goodman and Baron grade from %d to %d.", g.label, MinScarGrade, MaxScarGrade)
		}
	}
	c.Text("notes", "The notes", o.Notes)
	return c.Err()
}

// AssessedOn is when an assessment typed as made on day was made: now when day is today, else
// midday of day, and never before the start of the session it follows (an assessment on that
// session's day was made at it).
func AssessedOn(day Date, sessionStart, now time.Time) time.Time {
	if day.Equal(DateOf(now)) {
		return now
	}
	at := time.Date(day.Year(), day.Month(), day.Day(), 12, 0, 0, 0, time.Local)
	if day.Equal(DateOf(sessionStart)) && at.Before(sessionStart) {
		return sessionStart
	}
	return at
}

// ScarGradeWords says a Goodman and Baron qualitative grade as the scale names it ("3 moderate");
// "" for no grade of the scale.
func ScarGradeWords(g int) string {
	if g < MinScarGrade || g > MaxScarGrade {
		return ""
	}
	return fmt.Sprintf("%d %s", g, [...]string{"macular", "mild", "moderate", "severe"}[g-1])
}
