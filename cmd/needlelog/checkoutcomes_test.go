package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

// recordResults records a result after each of the first n sessions of the practice at db, as the
// result form does, and returns how many results the practice holds then.
func recordResults(t *testing.T, db string, n int) int {
	t.Helper()
	ctx := context.Background()
	s, release, err := openToWrite(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	clients, err := s.ListClients(ctx, data.ClientQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	held := 0
	for _, c := range clients {
		sessions, err := s.Timeline(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range sessions {
			if n == 0 || e.StartedAt.After(s.Now()) {
				continue
			}
			o := data.Outcome{ClientID: c.ID, SessionID: e.SessionID, AssessedAt: s.Now(), GAIS: data.GAISMuchImproved,
				Satisfaction: data.Optional[int]{V: 8, Valid: true}, FromPhotos: true}
			if err := s.SaveOutcome(ctx, &o); err != nil {
				t.Fatal(err)
			}
			n--
		}
		got, err := s.Outcomes(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		held += len(got)
	}
	if n > 0 {
		t.Fatalf("the practice has %d sessions too few to record results after", n)
	}
	return held
}

// check counts the results recorded, on a file and on the clinic's server alike.
func TestCheckCountsResults(t *testing.T) {
	file := filepath.Join(t.TempDir(), "clinic.db")
	serverEnv(t)
	_, server, _ := initPractice(t)
	for _, db := range []string{file, server} {
		if code, out, errOut := runCLI(t, "demo", "--db", db, "--clients", "3", "--sessions", "6", "--photos", "0"); code != 0 {
			t.Fatalf("demo: exit %d\n%s%s", code, out, errOut)
		}
		held := recordResults(t, db, 3)
		if got := counted(t, db)["outcome_assessments"]; got != strconv.Itoa(held) || held < 3 {
			t.Errorf("check of %s counts %s results, want the %d recorded", db, got, held)
		}
	}
}

// A file of a schema older than results, not yet opened by this version, is checked as any:
// it holds no results, and check leaves it as it was.
func TestCheckOfAFileOlderThanResults(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	seven := filepath.Join(dir, "seven.db")
	if err := sqlite.CreateAtVersion(ctx, seven, 7); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("..", "..", "store", "sqlite", "testdata", "previous-release", "clinic.db"))
	if err != nil {
		t.Fatal(err)
	}
	six := filepath.Join(dir, "clinic.db")
	if err := os.WriteFile(six, b, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, db := range []string{seven, six} {
		before, err := os.ReadFile(db)
		if err != nil {
			t.Fatal(err)
		}
		if got := counted(t, db)["outcome_assessments"]; got != "0" {
			t.Errorf("check of an older file counts %s results", got)
		}
		after, err := os.ReadFile(db)
		if err != nil || !bytes.Equal(before, after) {
			t.Errorf("check changed the older file %s (%v)", db, err)
		}
	}
	// Once opened in Needlelog, it is upgraded, and its results are counted.
	s, err := sqlite.Open(ctx, seven, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	code, out, errOut := runCLI(t, "check", "--db", seven)
	if code != 0 || !strings.Contains(out, "outcome assessments: 0\n") {
		t.Errorf("check of the upgraded file: exit %d\n%s%s", code, out, errOut)
	}
}
