package data

// MinPassphraseLength is the fewest characters a passphrase may have (NIST SP 800-63B's minimum).
const MinPassphraseLength = 8

// SettingIdleLockMinutes is how long the app may sit untouched before it locks.
const SettingIdleLockMinutes = "lock.idle_minutes"

// Bounds of the idle lock's time, in minutes. There is no "never": the records are health data.
const (
	DefaultIdleLockMinutes = 10
	MinIdleLockMinutes     = 1
	MaxIdleLockMinutes     = 240
)

// ProductKindAnaesthetic is the product kind the session editor offers as anaesthetics.
const ProductKindAnaesthetic = "Topical anaesthetic"

// Settings keys.
const (
	SettingClinicName     = "clinic.name"
	SettingClinicAddress  = "clinic.address"
	SettingClinicPhone    = "clinic.phone"
	SettingCurrency       = "currency"
	SettingAftercareSheet = "aftercare.sheet_version"
)

// SettingClinicLogo holds the clinic's logo image (PNG or JPEG bytes) for reports.
const SettingClinicLogo = "clinic.logo"

// DefaultIntervalDays is the usual gap between sessions of a series.
const DefaultIntervalDays = 28
