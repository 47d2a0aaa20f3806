package data

import (
	"testing"
)

func TestFormatMoney(t *testing.T) {
	for _, c := range []struct {
		cents int64
		code  string
		want  string
	}{
		{35000, "EUR", "€350.00"}, {4950, "gbp", "£49.50"}, {5, "USD", "$0.05"}, {35000, "CHF", "CHF 350.00"},
		{3500050, "JPY", "¥35001"}, {-1250, "EUR", "-€12.50"}, {35000, "", "350.00"}, {100, "AUD", "A$1.00"},
	} {
		if got := FormatMoney(c.cents, c.code); got != c.want {
			t.Errorf("FormatMoney(%d, %q) = %q, want %q", c.cents, c.code, got, c.want)
		}
	}
	if MoneyTitle("Price", "EUR") != "Price (€)" || MoneyTitle("Price", "") != "Price" {
		t.Error("MoneyTitle")
	}
	for in, want := range map[string]string{"eur": "EUR", " GBP ": "GBP", "": ""} {
		if got, err := ParseCurrency(in); err != nil || got != want {
			t.Errorf("ParseCurrency(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"euro", "€", "E1R", "US"} {
		if _, err := ParseCurrency(in); err == nil {
			t.Errorf("ParseCurrency(%q) accepted it", in)
		}
	}
}
