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

// noMinorUnit are the currencies whose prices have no decimals.
var noMinorUnit = map[string]bool{"JPY": true, "KRW": true, "VND": true, "ISK": true, "CLP": true}

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

// FormatMoney writes a price in cents in the practice's currency, the one way the app and its
// reports write money: "€350.00", "£49.50", "CHF 350.00", "¥35000" (no grouping, so that it
// reads back as typed). Without a currency it is the bare amount, "350.00".
func FormatMoney(cents int64, code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	amount := fmt.Sprintf("%d.%02d", cents/100, cents%100)
	if noMinorUnit[code] {
		amount = fmt.Sprintf("%d", (cents+50)/100)
	}
	switch s := CurrencySymbol(code); {
	case s == "":
		return sign + amount
	case s == code:
		return sign + code + " " + amount
	default:
		return sign + s + amount
	}
}

// MoneyTitle is a price column's or field's title with the currency's sign: "Price (€)".
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
