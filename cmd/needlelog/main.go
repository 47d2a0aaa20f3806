// Command needlelog is the Needlelog desktop app, and its headless subcommands for scripts and IT staff.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"slices"
	"syscall"
	"time"

	"fyne.io/fyne/v2"

	"fyne.io/fyne/v2/app"

	// Before Fyne initialises, so that a C.UTF-8 locale leaves standard error quiet.
	_ "early.needlelog.app/locale"

	"needlelog.app/needlelog/data/demo"
	"needlelog.app/needlelog/practice"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/postgres"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/ui"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, out, errOut io.Writer) int {
	if isVersionArg(args) {
		return printVersion(args, out, errOut)
	}
	if len(args) > 0 {
		switch args[0] {
		case "help", "-h", "-help", "--help":
			if args[0] == "help" && len(args) > 1 {
				return commandHelp(ctx, args[1:], out, errOut)
			}
			usage(out)
			return 0
		}
		if cmd, ok := findCommand(args[0]); ok {
			// A command's work is streamed, a few photos at a time, but the collector lets the heap
			// grow to twice what is live before it runs: with full-size photos in flight (48 MB each
			// decoded) an archive of a large practice peaked at 300 MB. The soft limit makes it
			// collect sooner; the window is left to the default, which keeps scrolling smooth.
			debug.SetMemoryLimit(commandMemoryLimit)
			return cmd.run(ctx, args[1:], out, errOut)
		}
	}
	return runApp(ctx, args, errOut)
}

// commandHelp is "help COMMAND [KIND]": what COMMAND -h says, on standard output.
func commandHelp(ctx context.Context, args []string, out, errOut io.Writer) int {
	cmd, ok := findCommand(args[0])
	if !ok {
		fmt.Fprintf(errOut, "needlelog help: there is no command %q; run '%s help' for the list\n", args[0], prog)
		return 2
	}
	return cmd.run(ctx, append(slices.Clone(args[1:]), "-h"), out, out)
}

// runApp opens the database and the desktop window.
func runApp(ctx context.Context, args []string, errOut io.Writer) int {
	fs := flag.NewFlagSet("needlelog", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Usage = func() { usage(errOut) }
	db := fs.String("db", "", "database file, or the clinic's server as postgres://user@host:port/database?sslmode=... "+
		"(default: the server chosen in Settings, else the practice in the user data folder)")
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
	if msg := noDisplay(); msg != "" {
		fmt.Fprintln(errOut, "needlelog: "+msg)
		return 1
	}
	// Only the default database is created on first run: a path given by hand that does not
	// exist is more likely a typo than a wish for an empty practice.
	// The window shows the practice while its file is checked; writes wait for the check.
	opts := sqlite.Options{CheckLater: true}
	a := app.NewWithID(ui.AppID)
	if *db == "" {
		// Connected to the clinic's server in Settings: that practice, whose password is asked
		// for when this PC does not keep it.
		*db = ui.RememberedServer(a)
	}
	if *db == "" {
		p, err := practice.DefaultPath()
		if err != nil {
			fmt.Fprintf(errOut, "needlelog: %s\n", sentence(err))
			return 1
		}
		*db, opts.Create = p, true
	}
	// A file that cannot be opened as it is gets a window saying why and what can be done;
	// the exit code still tells a script that the first attempt failed.
	var failed bool
	stopped := func() {
		if l, ok := a.Lifecycle().(interface{ OnStopped() func() }); ok {
			if stopped := l.OnStopped(); stopped != nil {
				stopped()
			}
		}
	}
	closing := func() { go exitIfStuck(stuckAfter, stopped, os.Exit) }
	ui.Start(ctx, a, *db, ui.Options{Open: opts, MakeDemo: makeDemo, Closing: closing}, func(err error) {
		failed = true // on the UI goroutine, which a.Run below runs on this one
		if practice.IsServer(*db) {
			// The server's errors name it by address, never with a password.
			fmt.Fprintf(errOut, "needlelog: open the practice on %s: %s\n", postgres.Redacted(*db), sentence(err))
			return
		}
		fmt.Fprintf(errOut, "needlelog: %s\n", sentence(openError(*db, err)))
	})
	// Asked to stop (Ctrl+C, or the session ending): quit as the window would, closing the
	// practice so that it is whole and its claim given up, without the close-time backup.
	go func() {
		<-ctx.Done()
		closing()
		fyne.Do(a.Quit)
	}()
	a.Run()
	// Fyne can drop its stopped hook while it shuts down (work queued for the UI is let go without
	// running), which would leave the practice unclosed: its log beside it, so that the next start
	// checks the whole file before showing it. Run the hook again; it does nothing the second time.
	stopped()
	if failed {
		return 1
	}
	return 0
}

// commandMemoryLimit is the soft limit of a command's memory (runtime/debug.SetMemoryLimit).
const commandMemoryLimit = 200 << 20

// stuckAfter is how long the app may take to stop once its window has closed.
const stuckAfter = 15 * time.Second

// exitIfStuck ends the process when the app has not stopped a while after its window closed.
// Fyne 2.7 can hang as it shuts down (a UI event queued as the window closes waits for a main
// loop that has already stopped), leaving a process with no window that still holds the practice:
// the next start would find it open elsewhere. stopped closes the practice, or waits for its
// closing under way to finish (a reclaim of a large file takes a while); then the process ends.
func exitIfStuck(after time.Duration, stopped func(), exit func(int)) {
	time.Sleep(after)
	slog.Warn("the app had not stopped after its window closed: its practice is closed and the app ends", "after", after)
	stopped()
	exit(0)
}

// makeDemo writes the app's demo practice into s, a new and empty practice: the demo's generator
// stays out of the window's own code.
func makeDemo(ctx context.Context, s nlstore.Store, progress func(done, total int)) error {
	_, err := demo.Generate(ctx, s, demo.Options{Seed: 1, Progress: progress})
	return err
}

// noDisplay says why the desktop app cannot start here, or "" when it can: on Linux and the BSDs
// it needs an X11 or Wayland session, and without one the windowing library panics.
func noDisplay() string {
	switch runtime.GOOS {
	case "windows", "darwin", "android", "ios":
		return ""
	}
	if os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != "" {
		return ""
	}
	return "no display: the desktop app needs a graphical session (run it on the computer's screen, " +
		"or over ssh with -X); the commands work without one, see 'needlelog help'"
}
