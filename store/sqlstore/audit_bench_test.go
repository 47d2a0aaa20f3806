package sqlstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlstore"
)

// benchAudit appends b.N audit entries in one batch, as bulk writes do: signed when sign is set.
func benchAudit(b *testing.B, sign bool) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "p.db"), sqlite.Options{Create: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	p := data.Practitioner{Name: "Léa"}
	if err := s.SavePractitioner(ctx, &p); err != nil {
		b.Fatal(err)
	}
	if sign {
		if err := s.SetPassphrase(data.WithActor(ctx, p.ID), p.ID, "", "correct horse"); err != nil {
			b.Fatal(err)
		}
		if err := s.SignIn(ctx, p.ID, "correct horse"); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	err = s.Batch(data.WithActor(ctx, p.ID), func(sb store.Batch) error {
		bt := sb.(*sqlstore.Batch)
		for range b.N {
			if err := bt.Audit(data.ActionExport, "session", "01a24e34-8371-77da-938f-816f1a57f1ef", ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkAuditEntryUnsigned is the cost of an audit entry by a practitioner without a key.
func BenchmarkAuditEntryUnsigned(b *testing.B) { benchAudit(b, false) }

// BenchmarkAuditEntrySigned is the cost of an audit entry signed with its practitioner's key:
// the difference with BenchmarkAuditEntryUnsigned is what signing costs.
func BenchmarkAuditEntrySigned(b *testing.B) { benchAudit(b, true) }

// BenchmarkVerifySignedLog is verify's cost per signed entry (chain, signature and all).
func BenchmarkVerifySignedLog(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "p.db"), sqlite.Options{Create: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	p := data.Practitioner{Name: "Léa"}
	if err := s.SavePractitioner(ctx, &p); err != nil {
		b.Fatal(err)
	}
	if err := s.SetPassphrase(data.WithActor(ctx, p.ID), p.ID, "", "correct horse"); err != nil {
		b.Fatal(err)
	}
	if err := s.SignIn(ctx, p.ID, "correct horse"); err != nil {
		b.Fatal(err)
	}
	const entries = 20000
	err = s.Batch(data.WithActor(ctx, p.ID), func(sb store.Batch) error {
		bt := sb.(*sqlstore.Batch)
		for range entries {
			if err := bt.Audit(data.ActionExport, "session", "01a24e34-8371-77da-938f-816f1a57f1ef", ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rep, err := s.Verify(ctx)
		if err != nil || !rep.OK() || rep.SignedEntries < entries {
			b.Fatal(rep, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/entries, "ns/entry")
}
