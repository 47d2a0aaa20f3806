package data

import (
	"time"
)

// Client is a person the practice treats.
type Client struct {
	ID           string
	FirstName    string
	LastName     string
	DateOfBirth  Date
	Phone        string
	Email        string
	Fitzpatrick  int // skin type 1–6 (I–VI); 0 when not recorded
	Concerns     []string
	Medications  string
	Allergies    []string
	MedicalNotes string
	History      []HistoryEntry // conditions and medications that screening looks at
	Consent      Consent
	PhotoConsent PhotoConsent
	Notes        string
	ArchivedAt   time.Time // zero unless archived (hidden, restorable)
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Version      int64 // increases with every update; an update with a stale Version is refused
}

// Name is the client's name as people read it: "First Last".
func (c Client) Name() string { return JoinName(c.FirstName, c.LastName) }

func JoinName(first, last string) string {
	switch {
	case first == "":
		return last
	case last == "":
		return first
	}
	return first + " " + last
}

// HistoryEntry is one condition or medication in a client's medical history, with its dates.
type HistoryEntry struct {
	ID        string
	Condition string // matches a contraindication rule's condition where one applies
	Since     Date
	Until     Date // when it ended, or the last dose; zero while current
	Notes     string
}

// Consent is the treatment consent on file.
type Consent struct {
	Form    string
	Version string
	Signed  Date
}

// OnFile reports whether a signed consent is recorded.
func (c Consent) OnFile() bool { return c.Form != "" && !c.Signed.IsZero() }

// PhotoConsent is how far a client allows their photos to be used.
type PhotoConsent string

const (
	PhotoConsentNone      PhotoConsent = "none"
	PhotoConsentClinical  PhotoConsent = "clinical"  // the clinical record only
	PhotoConsentEducation PhotoConsent = "education" // also teaching, anonymised
	PhotoConsentMarketing PhotoConsent = "marketing" // also the practice's marketing
)

// PhotoConsents lists the scopes from the narrowest to the widest.
var PhotoConsents = []PhotoConsent{PhotoConsentNone, PhotoConsentClinical, PhotoConsentEducation, PhotoConsentMarketing}

// ClientSummary is what a client list row shows.
type ClientSummary struct {
	ID          string
	FirstName   string
	LastName    string
	DateOfBirth Date
	Phone       string
	Email       string
	LastSession time.Time // zero when none
	NextDue     Date      // from the latest session; zero when none is planned
	Archived    bool
	SortKey     string
}

// Name is the client's name as people read it: "First Last".
func (c ClientSummary) Name() string { return JoinName(c.FirstName, c.LastName) }

// SessionStatus is where a session record is in its life.
type SessionStatus string

const (
	StatusDraft  SessionStatus = "draft"
	StatusSigned SessionStatus = "signed"
)

// Session is one treatment visit, with everything done in it.
type Session struct {
	ID              string
	ClientID        string
	PractitionerID  string
	StartedAt       time.Time
	SeriesN         int // this is session n...
	SeriesOf        int // ...of a planned series of N; 0 when no series is planned
	IntervalDays    int // the series' interval between sessions
	Concerns        []string
	Modality        string // combined modality: none, radiofrequency, PRP...
	Anaesthetic     Anaesthetic
	DeviceID        string
	HandpieceSerial string
	Cartridge       CartridgeUse
	Zones           []ZoneTreatment
	Products        []ProductUse
	SideEffects     []SideEffect
	NoSideEffects   bool // "none observed" was recorded
	PainScore       Optional[int]
	Aftercare       []string // the aftercare checklist items given
	AftercareSheet  string   // the version of the aftercare sheet handed over
	PriceCents      Optional[int64]
	NextDue         Date
	Notes           string
	PhotoRefusal    string     // why no before photo was taken, when none was
	Overrides       []Override // blocks passed with a written reason
	Status          SessionStatus
	SignedAt        time.Time
	SignedBy        string
	RecordHash      string // SHA-256 of the signed record as it stands now; see Store.SignSession
	Amendments      int    // amendments made since signing; see Store.Amendments and Store.OriginalSession
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Version         int64
}

// Override is a safety block passed with a written reason, kept with the session.
type Override struct {
	Rule           string // the SafetyWarning's Rule it passes
	Reason         string
	PractitionerID string // who decided; the saving practitioner when empty
	At             time.Time
}

// Anaesthetic is the topical anaesthetic applied before needling.
type Anaesthetic struct {
	ProductID string
	Lot       string
	Minutes   int
}

// CartridgeUse is the single-use needle cartridge a session used.
type CartridgeUse struct {
	CartridgeID string
	Lot         string
	Expiry      Date
}

// ZoneTreatment is one row of a session's needling grid.
type ZoneTreatment struct {
	Zone     string
	DepthMM  float64
	Speed    float64 // in the device's speed unit; 0 when not recorded or the device has one speed
	Passes   int
	Pattern  string
	Endpoint string
}

// Phase is when in the session a product was applied.
type Phase string

// Phases lists the phases in session order.
var Phases = []Phase{PhaseBefore, PhaseDuring, PhaseAfter}

const (
	PhaseBefore Phase = "before"
	PhaseDuring Phase = "during"
	PhaseAfter  Phase = "after"
)

// ProductUse is a serum or other product applied in a session.
type ProductUse struct {
	ProductID string
	Lot       string
	Expiry    Date
	Phase     Phase
	Amount    string // as written: "2 ml", "1 vial"
}

// Severity grades a side effect.
type Severity string

const (
	SeverityMild     Severity = "mild"
	SeverityModerate Severity = "moderate"
	SeveritySevere   Severity = "severe"
)

// Severities lists the grades from the mildest.
var Severities = []Severity{SeverityMild, SeverityModerate, SeveritySevere}

// SideEffect is an effect observed at the session or reported at a later follow-up.
type SideEffect struct {
	ID            string
	SessionID     string
	Kind          string
	Severity      Severity
	DuringSession bool // observed during the session itself
	Onset         Date
	Resolved      Date // zero while it lasts
	Treatment     string
	Notes         string
	// Sealed is set when the session is signed: the side effect is then part of the signed record,
	// and its kind, severity, onset and DuringSession change only by amendment. Resolved, Treatment
	// and Notes stay editable, and side effects logged after signing are not sealed.
	Sealed    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TimelineEntry is one session as a client's timeline shows it.
type TimelineEntry struct {
	SessionID   string
	StartedAt   time.Time
	SeriesN     int
	SeriesOf    int
	Zones       []string
	DeepestMM   float64
	SideEffects int
	Photos      int
	Status      SessionStatus
}

// Practitioner is a person who treats clients and signs records.
type Practitioner struct {
	ID          string
	Name        string
	Credentials string
	Role        Role
	Retired     bool
}

// Role is what a practitioner may do beyond treating.
type Role string

const (
	RolePractitioner Role = "practitioner"
	RoleAdmin        Role = "admin" // may also reset others' passphrases
)

// ListKind names one of the practice's editable vocabularies.
type ListKind string

// ListKinds lists every editable vocabulary.
var ListKinds = []ListKind{ListConcern, ListModality, ListEndpoint, ListPattern, ListSideEffect,
	ListAftercare, ListProductKind, ListPhotoView, ListSpeedUnit}

const (
	ListConcern     ListKind = "concern"
	ListModality    ListKind = "modality"
	ListEndpoint    ListKind = "endpoint"
	ListPattern     ListKind = "pattern"
	ListSideEffect  ListKind = "side_effect"
	ListAftercare   ListKind = "aftercare"
	ListProductKind ListKind = "product_kind"
	ListPhotoView   ListKind = "photo_view"
	ListSpeedUnit   ListKind = "speed_unit"
)

// ListItem is one entry of an editable vocabulary. Retired entries stay readable in old records
// but are no longer offered.
type ListItem struct {
	ID       string
	Kind     ListKind
	Name     string
	Category string // what logic needs to know: a concern's "pigment", a side effect's "expected"...
	Position int
	Retired  bool
}

// Categories that rules read from list items.
const (
	CategoryPigment    = "pigment"     // a concern that calls for conservative depth
	CategoryExpected   = "expected"    // a side effect that usually resolves within 72 h
	CategoryLessCommon = "less_common" // a less common side effect
	CategorySerious    = "serious"     // a rare and serious side effect
)

// Region groups zones on the zone map.
type Region string

const (
	RegionFace  Region = "face"
	RegionNeck  Region = "neck"
	RegionScalp Region = "scalp"
	RegionBody  Region = "body"
)

// Zone is a treatable area with its usual depths.
type Zone struct {
	ID         string
	Name       string
	Region     Region
	MapKey     string // the drawn area of the zone map
	TypicalMin float64
	TypicalMax float64
	WarnAbove  float64 // a depth above this draws a warning
	Position   int
	Retired    bool
}

// DeviceKind is the sort of needling device.
type DeviceKind string

const (
	DevicePen    DeviceKind = "pen"
	DeviceRoller DeviceKind = "roller"
	DeviceRF     DeviceKind = "rf" // radiofrequency microneedling
	DeviceStamp  DeviceKind = "stamp"
)

// DeviceKinds lists the kinds of device.
var DeviceKinds = []DeviceKind{DevicePen, DeviceRoller, DeviceRF, DeviceStamp}

// Device is a needling pen, roller or RF device model the practice uses.
type Device struct {
	ID             string
	Model          string
	Kind           DeviceKind
	SpeedUnit      string // "level", "rpm", "fixed"; "" for rollers
	MaxDepth       float64
	EvaluatedDepth float64 // safety evaluated up to this depth
	DepthStep      float64
	Retired        bool
}

// Cartridge is a kind of needle cartridge, e.g. "12-pin".
type Cartridge struct {
	ID      string
	Name    string
	Needles int // 0 for nano or unknown
	Retired bool
}

// Product is a serum, anaesthetic or other product applied to the skin.
type Product struct {
	ID            string
	Name          string
	Kind          string // from the product_kind list; "topical anaesthetic" for anaesthetics
	NeedledSkinOK bool   // made for use on needled skin
	Notes         string
	Retired       bool
}

// Lot is a manufacturing lot of a product or cartridge in the practice's stock.
type Lot struct {
	ID     string
	ItemID string // the product or cartridge
	Lot    string
	Expiry Date
}

// RuleAction is what a contraindication does when it applies.
type RuleAction string

const (
	RuleBlock RuleAction = "block"
	RuleWarn  RuleAction = "warn"
)

// Rule is a contraindication screening rule.
type Rule struct {
	ID         string
	Condition  string
	Action     RuleAction
	WindowDays int // applies until this many days after the condition ended; 0: while current
	Message    string
	Position   int
	Retired    bool
}
