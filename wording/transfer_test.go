package wording

import "testing"

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
			"2 entries: Rosacea (since 2024-01-02); Pregnancy"},
		{"zones", `[{"zone":"Forehead","depth_mm":0.5,"passes":3}]`, "1 entry: Forehead (0.5 mm, 3 passes)"},
		{"deleted", `"deleted here"`, "deleted here"},
		{"history", `[]`, "(none)"},
	} {
		if got := TransferValue(tc.field, tc.raw); got != tc.want {
			t.Errorf("TransferValue(%q, %s) = %q, want %q", tc.field, tc.raw, got, tc.want)
		}
	}
	if got := TransferField("handpiece_model"); got != "Handpiece model" {
		t.Errorf("an unknown field is said %q", got)
	}
	if got := BundleBrought(15, 3, 4, 0, 0, 0, 2, 1); got != "15 new records (3 clients), 4 changed, 2 photo files; 1 conflict to settle" {
		t.Errorf("BundleBrought: %q", got)
	}
}
