package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/wording"
)

// WriteRecall writes a lot recall as a PDF: every client and session that used the lot, as
// the store's LotRecall finds them, with how to reach the client and who treated them.
func WriteRecall(w io.Writer, lot string, rows []data.RecallRow) error {
	lot = strings.TrimSpace(lot)
	d := newDoc("Lot recall: "+lot, "Lot recall · lot "+lot, "", time.Time{})
	clients, sessions := map[string]bool{}, map[string]bool{}
	for _, r := range rows {
		clients[r.ClientID], sessions[r.SessionID] = true, true
	}
	sub := fmt.Sprintf("%s, %s, %s", wording.Count(len(rows), "use", "uses"), wording.Count(len(sessions), "session", "sessions"),
		wording.Count(len(clients), "client", "clients"))
	d.title("Lot recall: "+lot, sub)
	if len(rows) == 0 {
		d.para("No session recorded lot " + lot + " as its cartridge, its anaesthetic or one of its products.")
		return finishRecall(d, w)
	}
	d.para("Lot numbers are matched whole, ignoring case and surrounding spaces; each row is one use of the lot.")
	d.gap(2)
	table := make([][]string, len(rows))
	for i, r := range rows {
		client := r.ClientName
		if r.ClientArchived {
			client += " (archived)"
		}
		contact := strings.TrimSpace(r.Phone + "\n" + r.Email)
		session := wording.DateTime(r.StartedAt)
		if r.SessionStatus != data.StatusSigned {
			session += "\nnot signed"
		}
		table[i] = []string{client, contact, session, recallUse(r), r.Practitioner}
	}
	d.table([]column{{"Client", 2.5, "L"}, {"Phone and email", 2.6, "L"}, {"Session", 2.5, "L"},
		{"Lot used as", 3.6, "L"}, {"Practitioner", 2.0, "L"}}, table)
	return finishRecall(d, w)
}

func finishRecall(d *doc, w io.Writer) error {
	if err := d.finish(w); err != nil {
		return fmt.Errorf("lot recall: %w", err)
	}
	return nil
}

// recallUse says what a lot was used as: "Cartridge 12-pin, lot C-9931, expires 31 Jan 2027".
func recallUse(r data.RecallRow) string {
	var s string
	switch r.Use {
	case data.RecallCartridge:
		s = "Cartridge"
	case data.RecallAnaesthetic:
		s = "Anaesthetic"
	default:
		s = "Product"
	}
	if r.Item != "" {
		s += " " + r.Item
	}
	if r.Phase != "" {
		s += ", " + string(r.Phase) + " needling"
	}
	s += ", lot " + strings.TrimSpace(r.Lot)
	if !r.Expiry.IsZero() {
		s += ", expires " + wording.Date(r.Expiry)
	}
	return s
}
