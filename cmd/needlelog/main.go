// Command needlelog is the Needlelog desktop app, and its headless subcommands for scripts and IT staff.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"fyne.io/fyne/v2/app"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/ui"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, out, errOut io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "help", "-h", "-help", "--help":
			usage(out)
			return 0
		}
		if cmd, ok := findCommand(args[0]); ok {
			return cmd.run(ctx, args[1:], out, errOut)
		}
	}
	return runApp(ctx, args, errOut)
}

// runApp opens the database and the desktop window.
func runApp(ctx context.Context, args []string, errOut io.Writer) int {
	fs := flag.NewFlagSet("needlelog", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Usage = func() { usage(errOut) }
	db := fs.String("db", "", "database file to open (default: the practice database in the user data folder)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(errOut, "needlelog: unknown command %q; run 'needlelog help' for the list\n", fs.Arg(0))
		return 2
	}
	// Only the default database is created on first run: a path given by hand that does not
	// exist is more likely a typo than a wish for an empty practice.
	opts := data.Options{}
	if *db == "" {
		p, err := data.DefaultPath()
		if err != nil {
			fmt.Fprintf(errOut, "needlelog: %s\n", sentence(err))
			return 1
		}
		*db, opts.Create = p, true
	}

	a := app.NewWithID(ui.AppID)
	// A file that cannot be opened as it is gets a window saying why and what can be done;
	// the exit code still tells a script that the first attempt failed.
	err := ui.Start(ctx, a, *db, opts)
	if err != nil {
		fmt.Fprintf(errOut, "needlelog: %s\n", sentence(err))
	}
	a.Run()
	if err != nil {
		return 1
	}
	return 0
}
