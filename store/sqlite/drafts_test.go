package sqlite_test

import (
	"context"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
)

func TestDrafts(t *testing.T) {
	ctx := context.Background()
	s, clk := openTemp(t)
	c := mustCreateClient(t, s, "Anna", "Smith")
	d := data.Draft{ClientID: c.ID, Form: []byte(`{"depth":"4.5 mm?"}`)}
	if err := s.SaveDraft(ctx, &d); err != nil {
		t.Fatal(err)
	}
	clk.advance(2 * time.Second)
	d.Form = []byte(`{"depth":"1.5"}`)
	if err := s.SaveDraft(ctx, &d); err != nil {
		t.Fatal(err)
	}
	got, err := s.Drafts(ctx, c.ID)
	if err != nil || len(got) != 1 || string(got[0].Form) != `{"depth":"1.5"}` || !got[0].UpdatedAt.Equal(clk.t) {
		t.Fatalf("drafts: %+v %v", got, err)
	}
	if err := s.DeleteDraft(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Drafts(ctx, c.ID); len(got) != 0 {
		t.Fatalf("deleted draft still there: %+v", got)
	}
}
