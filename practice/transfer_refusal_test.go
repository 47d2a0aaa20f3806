package practice_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
	"needlelog.app/needlelog/store/sqlstore"
	"needlelog.app/needlelog/transfer"
)

// lockedBundle writes st's bundle as a newer Needlelog, or any other, would: schema as given.
func lockedBundle(t *testing.T, st *sqlite.Store, schema int, full bool) []byte {
	t.Helper()
	var enc bytes.Buffer
	w, err := transfer.Encrypt(&enc, transfer.Lock{Passphrase: bundlePass})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.WriteBundle(context.Background(), w, sqlstore.BundleOptions{Schema: schema, DeviceName: "Clinic PC", Full: full}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return enc.Bytes()
}

// TestBundlesRefused: a bundle from a newer Needlelog, another practice's, one made by the copy
// itself, and one made for a copy that holds more than this one are each refused with a sentence
// that says what to do, and nothing written.
func TestBundlesRefused(t *testing.T) {
	ctx := context.Background()
	clinic, _ := sqlitetest.OpenStore(t)
	testkit.CreateClient(t, clinic, "Ada", "Clinic")
	laptop := sqlitetest.OpenStoreAt(t, filepath.Join(t.TempDir(), "laptop.db"), nil)
	applyBundle(t, laptop, makeBundle(t, clinic, true, "Clinic PC"), true, "Anna's laptop")
	testkit.CreateClient(t, clinic, "Ben", "Later")
	// Another laptop that took a later bundle of everything, and sent a bundle home since: the
	// clinic's next bundle for the copies it knows assumes what that one holds.
	other := sqlitetest.OpenStoreAt(t, filepath.Join(t.TempDir(), "other.db"), nil)
	applyBundle(t, other, makeBundle(t, clinic, true, "Clinic PC"), true, "Ben's laptop")
	applyBundle(t, clinic, makeBundle(t, other, false, "Ben's laptop"), false, "Clinic PC")
	// The first laptop, which never sent one, is not among them.
	stranger := sqlitetest.OpenStoreAt(t, filepath.Join(t.TempDir(), "stranger.db"), nil)
	testkit.CreateClient(t, stranger, "Cy", "Elsewhere")

	for _, c := range []struct {
		name   string
		bundle []byte
		target *sqlite.Store
		isNew  bool
		say    string
		is     error
	}{
		{"from a newer Needlelog", lockedBundle(t, clinic, sqlite.SchemaVersion()+1, true), laptop, false, "made by a newer Needlelog", nil},
		{"another practice's", lockedBundle(t, stranger, sqlite.SchemaVersion(), true), laptop, false, "another practice", practice.ErrOtherPractice},
		{"another practice's, into a practice that holds records", lockedBundle(t, stranger, sqlite.SchemaVersion(), true), laptop, true, "already holds records", nil},
		{"its own", lockedBundle(t, laptop, sqlite.SchemaVersion(), false), laptop, false, "made by this very copy", nil},
		{"made for a copy that holds more", lockedBundle(t, clinic, sqlite.SchemaVersion(), false), laptop, false, "holds more records than this one (Clinic PC's", practice.ErrMadeForAnother},
	} {
		before, head := records(t, c.target), mustHead(t, c.target)
		_, err := practice.ApplyBundleFrom(ctx, c.target, bytes.NewReader(c.bundle), practice.ApplyOptions{Unlock: transfer.Unlock{Passphrase: bundlePass}, New: c.isNew})
		if err == nil || !strings.Contains(err.Error(), c.say) || (c.is != nil && !errors.Is(err, c.is)) {
			t.Errorf("%s: %v, want it refused saying %q", c.name, err, c.say)
		}
		if !reflect.DeepEqual(records(t, c.target), before) || mustHead(t, c.target) != head {
			t.Errorf("%s: the refused bundle changed the practice", c.name)
		}
	}
}

// TestRecordsOfAClientDeletedMeanwhile: the clinic deletes a client while the laptop records a
// session for them. The laptop's bundle still applies: the session stays out, seen as a conflict,
// and everything else comes in; the deletion, back on the laptop, keeps the client there, as a
// conflict too, since the laptop changed their records since.
func TestRecordsOfAClientDeletedMeanwhile(t *testing.T) {
	ctx := context.Background()
	clinic, _ := sqlitetest.OpenStore(t)
	gone := testkit.CreateClient(t, clinic, "Quinn", "Gone")
	laptop := sqlitetest.OpenStoreAt(t, filepath.Join(t.TempDir(), "laptop.db"), nil)
	applyBundle(t, laptop, makeBundle(t, clinic, true, "Clinic PC"), true, "Anna's laptop")

	if err := clinic.DeleteClient(ctx, gone.ID, "Asked to be forgotten"); err != nil {
		t.Fatal(err)
	}
	se := testkit.StoredSession(t, laptop, gone.ID)
	if err := laptop.CreateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	other := testkit.CreateClient(t, laptop, "Rosa", "Stays")

	res := applyBundle(t, clinic, makeBundle(t, laptop, false, "Anna's laptop"), false, "Clinic PC")
	// The session, and the side effect recorded with it.
	if len(res.Conflicts) != 2 || res.Conflicts[0].Entity != "session" || res.Conflicts[0].EntityID != se.ID || res.Conflicts[0].Field != "deleted" ||
		res.Conflicts[1].Entity != "side_effect" {
		t.Errorf("conflicts at the clinic: %+v", res.Conflicts)
	}
	if _, err := clinic.Client(ctx, other.ID); err != nil {
		t.Errorf("the rest of the bundle: %v", err)
	}
	if _, err := clinic.Session(ctx, se.ID); err == nil {
		t.Error("the session of a deleted client was written at the clinic")
	}
	back := applyBundle(t, laptop, makeBundle(t, clinic, false, "Clinic PC"), false, "Anna's laptop")
	if _, err := laptop.Session(ctx, se.ID); err != nil {
		t.Errorf("the laptop lost a session it recorded: %v (conflicts %+v)", err, back.Conflicts)
	}
	if len(back.Conflicts) != 1 || back.Conflicts[0].EntityID != gone.ID || back.Conflicts[0].Field != "deleted" {
		t.Errorf("conflicts on the laptop: %+v", back.Conflicts)
	}
	mustVerify(t, clinic, "the clinic")
	mustVerify(t, laptop, "the laptop")
}
