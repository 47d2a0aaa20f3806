package wording

import "needlelog.app/needlelog/data"

// PhotoConsent says how far a client lets their photos be used, or a photo's scope, the same
// in the client's form, on their page, in the photo viewer and in their history: "Record and
// teaching (anonymised)". Each fits the photo viewer's narrow pick list whole. Anything but a
// known scope is said as no use at all, the safe reading.
func PhotoConsent(c data.PhotoConsent) string {
	switch c {
	case data.PhotoConsentClinical:
		return "Clinical record only"
	case data.PhotoConsentEducation:
		return "Record and teaching (anonymised)"
	case data.PhotoConsentMarketing:
		return "Record, teaching and marketing"
	}
	return "No photos may be used"
}

// PhotoConsentChoices words data.PhotoConsents, in the same order, for a pick list.
func PhotoConsentChoices() []string {
	out := make([]string, len(data.PhotoConsents))
	for i, c := range data.PhotoConsents {
		out[i] = PhotoConsent(c)
	}
	return out
}

// Fitzpatrick is a Fitzpatrick skin type in Roman numerals, as practitioners write it: "IV";
// "" when not recorded.
func Fitzpatrick(n int) string {
	if n < 1 || n > 6 {
		return ""
	}
	return []string{"I", "II", "III", "IV", "V", "VI"}[n-1]
}
