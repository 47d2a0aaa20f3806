package report

import (
	"bytes"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
)

// A price is printed with the practice's currency sign, the same one way everywhere.
func TestSessionRecordPriceHasTheCurrency(t *testing.T) {
	t.Parallel()
	for currency, want := range map[string]string{"EUR": "Price €350.00", "GBP": "Price £350.00", "USD": "Price $350.00",
		"CHF": "Price CHF 350.00", "JPY": "Price ¥350", "": "Price 350.00"} {
		se := data.Session{ID: "s1", StartedAt: testkit.LocalNow, SeriesN: 1, Status: data.StatusDraft}
		se.PriceCents.V, se.PriceCents.Valid = 35000, true
		r := SessionRecord{Client: data.Client{FirstName: "Ada", LastName: "Byrne"}, Session: se, Printed: testkit.LocalNow, Currency: currency}
		var buf bytes.Buffer
		if err := WriteSessionRecord(&buf, r); err != nil {
			t.Fatal(err)
		}
		requireText(t, "session record in "+currency, pdfText(t, buf.Bytes()), want)
	}
}
