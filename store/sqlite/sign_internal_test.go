package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
)

// The refusal of the database's own triggers reaches callers as ErrSigned, on the store's connection.
func TestTriggerRefusalIsErrSigned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 3, 10, 14, 30, 0, 0, time.UTC)
	s, err := Open(ctx, filepath.Join(t.TempDir(), "p.db"), Options{Create: true, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p := data.Practitioner{Name: "Léa"}
	if err := s.SavePractitioner(ctx, &p); err != nil {
		t.Fatal(err)
	}
	ctx = data.WithActor(ctx, p.ID)
	c := data.Client{FirstName: "Anna", Consent: data.Consent{Form: "Consent", Signed: data.NewDate(2026, 3, 1)}}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	devices, _ := s.Devices(ctx, false)
	se := data.Session{ClientID: c.ID, PractitionerID: p.ID, StartedAt: now.Add(-time.Hour), DeviceID: devices[0].ID,
		Zones: []data.ZoneTreatment{{Zone: "Neck", DepthMM: 0.5, Passes: 3}}, Aftercare: []string{"Stay hydrated"},
		NoSideEffects: true, PhotoRefusal: "Declined."}
	if devices[0].Kind != data.DeviceRoller {
		t.Fatalf("first device %s is not the roller this test relies on", devices[0].Model)
	}
	if err := s.CreateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	if err := s.SignSession(ctx, se.ID, se.Version); err != nil {
		t.Fatal(err)
	}
	_, err = s.db.ExecContext(ctx, `UPDATE sessions SET notes = 'changed' WHERE id = ?`, se.ID)
	if err == nil || !errors.Is(mapError(err), data.ErrSigned) {
		t.Fatalf("raw update on the store's connection: %v", err)
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM session_zones WHERE session_id = ?`, se.ID)
		return mapError(err)
	})
	if !errors.Is(err, data.ErrSigned) {
		t.Fatalf("delete a signed session's zone in a write transaction: %v, want ErrSigned", err)
	}
}
