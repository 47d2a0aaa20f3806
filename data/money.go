package data

import (
	"fmt"
	"strings"
)

// currencySymbols are the signs written before an amount for the currencies that have one
// nobody could misread; any other code is written as it is ("CHF 350.00").
var currencySymbols = map[string]string{
	"EUR": "€", "GBP": "£", "USD": "$", "JPY": "¥", "INR": "₹", "KRW": "₩", "ILS": "₪", "NGN": "₦",
	"TRY": "₺", "UAH": "₴", "VND": "₫", "PHP": "₱", "THB": "฿", "RUB": "₽",
	"AUD": "A$", "CAD": "CA$", "NZD": "NZ$", "HKD": "HK$", "SGD": "S$", "MXN": "MX$", "BRL": "R$",
}

// CommonCurrencies are offered first where a practice picks its currency.
var CommonCurrencies = []string{"EUR", "GBP", "USD", "CHF", "AUD", "CAD", "NZD", "SEK", "NOK", "DKK", "PLN", "CZK",
	"JPY", "INR", "ZAR", "AED", "SGD", "HKD", "MXN", "BRL", "TRY", "ILS"}

// CurrencySymbol is how amounts in the currency are marked: "€" for EUR, the code itself for a
// currency without an unmistakable sign, "" for no currency.
func CurrencySymbol(code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	if s, ok := currencySymbols[code]; ok {
		return s
	}
	return code
}

// MoneyTitle is a price column's or field's title with the currency's sign: "Price (€)". It is
// here because the export titles its price column with it; the app and its documents say money
// through package wording.
func MoneyTitle(title, code string) string {
	if s := CurrencySymbol(code); s != "" {
		return title + " (" + s + ")"
	}
	return title
}

// ParseCurrency reads a currency as typed: three letters, in any case ("eur" is EUR). Empty
// text is no currency.
func ParseCurrency(s string) (string, error) {
	code := strings.ToUpper(strings.TrimSpace(s))
	if code == "" {
		return "", nil
	}
	if len(code) != 3 || strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return "", fmt.Errorf("%q is not a currency code: type its three letters, such as EUR, GBP or USD", strings.TrimSpace(s))
	}
	return code, nil
}
