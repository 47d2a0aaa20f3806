package data

import (
	"testing"
)

func TestMoneyTitleAndParseCurrency(t *testing.T) {
	t.Parallel()
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
