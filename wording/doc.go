// Package wording says values the one way the app, its documents and its command line say them:
// millimetres, money, dates and times, counts, "n of N", photo labels and before-and-after
// captions. Where the domain core (data) needs the same text in its own sentences, data keeps
// the primitive and wording calls it, so that each is still said in one place: dates
// (data.DateText, which date parsing reads back) and a price column's title (data.MoneyTitle,
// which the data export uses).
package wording
