// Command barewindow is the yardstick for Needlelog's start-up: a bare Fyne window with a label,
// which opens a SQLite file with the same driver and reads one row, and logs "shown" when the row
// is on screen, as the app logs it when its client list is. scripts/bench-library times both.
//
//	barewindow --db PATH
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
	_ "modernc.org/sqlite"
)

func main() {
	db := flag.String("db", "", "SQLite file to open")
	flag.Parse()
	if *db == "" {
		fmt.Fprintln(os.Stderr, "usage: barewindow --db PATH")
		os.Exit(2)
	}
	a := app.NewWithID("app.needlelog.barewindow")
	w := a.NewWindow("Bare window")
	label := widget.NewLabel("Opening…")
	w.SetContent(label)
	w.Resize(fyne.NewSize(1280, 800))
	go func() {
		text, err := firstRow(context.Background(), *db)
		if err != nil {
			log.Fatalf("read %s: %v", *db, err)
		}
		fyne.Do(func() {
			label.SetText(text)
			log.Print("shown")
		})
	}()
	w.ShowAndRun()
}

// firstRow opens the file as the app does (for writing, in write-ahead-log mode), reads one row, a
// client's name or the schema's first entry, and closes it: closing removes the log, so the file is
// left as a clean close leaves it.
func firstRow(ctx context.Context, path string) (string, error) {
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+
		"?mode=rw&_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)")
	if err != nil {
		return "", err
	}
	defer db.Close()
	var text string
	err = db.QueryRowContext(ctx, `SELECT coalesce((SELECT first_name || ' ' || last_name FROM clients LIMIT 1),
		(SELECT name FROM sqlite_schema LIMIT 1), '')`).Scan(&text)
	return text, err
}
