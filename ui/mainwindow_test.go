package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
)

func openStore(t *testing.T) *data.Store {
	t.Helper()
	s, err := data.Open(context.Background(), filepath.Join(t.TempDir(), "practice.db"), data.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestMainWindowListsAndSearchesClients(t *testing.T) {
	a := test.NewTempApp(t)
	s := openStore(t)
	for _, c := range []data.Client{
		{FirstName: "Zoë", LastName: "Ångström", Phone: "07700 900123"},
		{FirstName: "Anna", LastName: "Smith"},
		{FirstName: "Анна", LastName: "Иванова"},
	} {
		if err := s.CreateClient(context.Background(), &c); err != nil {
			t.Fatal(err)
		}
	}
	m := newMainWindow(a, s)
	if err := m.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	if m.list.Length() != 3 {
		t.Fatalf("list shows %d clients, want 3", m.list.Length())
	}
	if !strings.Contains(m.win.Title(), "practice.db") || !strings.Contains(m.status.Text, "3 clients") {
		t.Fatalf("title %q, status %q", m.win.Title(), m.status.Text)
	}

	m.search.OnChanged = nil // the test drives update itself rather than the background refresh
	test.Type(m.search, "zoe")
	if err := m.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	if m.list.Length() != 1 {
		t.Fatalf("search zoe shows %d clients", m.list.Length())
	}
	label := widget.NewLabel("")
	m.list.UpdateItem(0, label)
	if label.Text != "Zoë Ångström  ·  07700 900123" {
		t.Fatalf("row reads %q", label.Text)
	}
}
