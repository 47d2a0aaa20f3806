package wording

import (
	"testing"
	"time"

	"needlelog.app/needlelog/data"
)

func TestTransferValueSaysJSONValuesInWords(t *testing.T) {
	for _, tc := range []struct{ field, raw, want string }{
		{"phone", `"07700 900222"`, "07700 900222"},
		{"phone", `""`, "(none)"},
		{"notes", `null`, "(none)"},
		{"photo_consent", `"clinical"`, "Clinical record only"},
		{"fitzpatrick", `4`, "IV"},
		{"retired", `1`, "yes"},
		{"allergies", `["Lidocaine","Nickel"]`, "Lidocaine, Nickel"},
		{"history", `[{"position":0,"condition":"Rosacea","since":"2024-01-02","until":"","notes":""},{"condition":"Pregnancy"}]`,
			"2 entries: Rosacea (since " + Date(data.NewDate(2024, 1, 2)) + "); Pregnancy"},
		{"zones", `[{"zone":"Forehead","depth_mm":0.5,"passes":3}]`, "1 entry: Forehead (0.5 mm, 3 passes)"},
		{"deleted", `"deleted here"`, "deleted here"},
		{"history", `[]`, "(none)"},
		{"warn_above", `1.25`, "1.25 mm"},
		{"date_of_birth", `"1980-05-01"`, Date(data.NewDate(1980, 5, 1))},
		{"archived_at", `"2026-12-05T17:40:00Z"`, DateTime(time.Date(2026, 12, 5, 17, 40, 0, 0, time.UTC))},
	} {
		if got := TransferValue(tc.field, tc.raw); got != tc.want {
			t.Errorf("TransferValue(%q, %s) = %q, want %q", tc.field, tc.raw, got, tc.want)
		}
	}
	if got := TransferField("handpiece_model"); got != "Handpiece model" {
		t.Errorf("an unknown field is said %q", got)
	}
	if got := BundleBrought(17, map[string]int{"client": 3, "session": 12, "side_effect": 1}, 4, 0, 0, 2, 1); got != "17 new records (3 clients, 12 sessions, 2 others), 4 changed, 2 photo files; 1 conflict to settle" {
		t.Errorf("BundleBrought: %q", got)
	}
}

func TestConflictFoundAndJustSettled(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{ConflictFound("", "Anna's laptop"), "Found in a bundle from Anna's laptop."},
		{ConflictFound("not a time", "Anna's laptop"), "Found in a bundle from Anna's laptop."},
		{ConflictJustSettled("theirs", "phone", "Anna's laptop", "Maria Lopez"), "Kept Anna's laptop's phone for Maria Lopez."},
		{ConflictJustSettled("ours", "clinic.phone", "Front desk", ""), "Kept this computer's clinic phone."},
		{ConflictJustSettled("seen", "amendment", "Anna's laptop", "Maria Lopez"), "Seen: amendments for Maria Lopez."},
	} {
		if tc.got != tc.want {
			t.Errorf("%q, want %q", tc.got, tc.want)
		}
	}
}
