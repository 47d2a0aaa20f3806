package wording

import (
	"fmt"
	"strconv"
	"strings"

	"needlelog.app/needlelog/data"
)

// noMinorUnit are the currencies whose prices have no decimals.
var noMinorUnit = map[string]bool{"JPY": true, "KRW": true, "VND": true, "ISK": true, "CLP": true}

// Money writes a price in cents in the practice's currency, the one way the app and its
// reports write money: "€350.00", "£49.50", "CHF 350.00", "¥35000" (no grouping, so that it
// reads back as typed). Without a currency it is the bare amount, "350.00".
func Money(cents int64, code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	amount := fmt.Sprintf("%d.%02d", cents/100, cents%100)
	if noMinorUnit[code] {
		amount = fmt.Sprintf("%d", (cents+50)/100)
	}
	switch s := data.CurrencySymbol(code); {
	case s == "":
		return sign + amount
	case s == code:
		return sign + code + " " + amount
	default:
		return sign + s + amount
	}
}

// MoneyTotal writes a sum of money to be read, not typed back, with its thousands grouped:
// "£190,150.00", as the insights and the practice report give revenue.
func MoneyTotal(cents int64, code string) string {
	plain := Money(cents, code)
	// The digits before the decimal point (or all of them, for a currency without decimals).
	end := strings.LastIndexByte(plain, '.')
	if end < 0 {
		end = len(plain)
	}
	start := end
	for start > 0 && plain[start-1] >= '0' && plain[start-1] <= '9' {
		start--
	}
	n, err := strconv.Atoi(plain[start:end])
	if err != nil {
		return plain
	}
	return plain[:start] + Thousands(n) + plain[end:]
}

// MoneyTitle is a price column's or field's title with the currency's sign: "Price (€)". The
// store's data export titles its price column with the same rule, data.MoneyTitle, where
// the rule lives.
func MoneyTitle(title, code string) string { return data.MoneyTitle(title, code) }
