package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"needlelog.app/needlelog/data"
)

// A value over its length limit is said beside its field, and nothing is saved.
func TestTooLongValuesAreSaidBesideTheirFields(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	fx := newClientFormFixture(t, s, data.Client{})
	fx.typeIn(fx.f.first, "Ann")
	fx.typeIn(fx.f.last, strings.Repeat("x", 101))
	fx.f.save()
	if got := fx.shownNotes()["last_name"]; got != "Last name is too long (at most 100 characters)." {
		t.Errorf("beside the last name: %q (all: %v)", got, fx.shownNotes())
	}
	if len(fx.saved) != 0 {
		t.Errorf("saved %v", fx.saved)
	}

	set, store := newTestSettings(t)
	c := set.clinic
	test.Type(c.address, strings.Repeat("Long Road ", 51))
	test.Tap(c.save)
	set.wait()
	if got := c.notes.note(data.SettingClinicAddress); got == nil || !got.Visible() || !strings.Contains(got.Text, "too long (at most 500 characters)") {
		t.Errorf("beside the address: %v", got)
	}
	if got, err := store.Setting(context.Background(), data.SettingClinicAddress); err != nil || got != "" {
		t.Errorf("address stored as %q, %v", got, err)
	}
}
