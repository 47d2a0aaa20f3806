package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	ondisk "needlelog.app/needlelog/practice"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

func (s *settingsWindow) databaseTab(a fyne.App) fyne.CanvasObject {
	idle := nlwidget.NewTextField()
	idle.SetPlaceHolder("10")
	async(func() (int, error) { return s.store.IdleLockMinutes(s.life.ctx) }, func(n int, err error) {
		if err == nil {
			idle.SetText(strconv.Itoa(n))
		}
	})
	saveIdle := widget.NewButton("Save", func() {
		n, err := strconv.Atoi(strings.TrimSpace(idle.Text))
		if err != nil {
			showError(s.win, "set the idle lock", errors.New("the idle time is a whole number of minutes, such as 10"))
			return
		}
		lastingWrite(s.life, s.store, func(ctx context.Context) (struct{}, error) { return struct{}{}, s.store.SetIdleLockMinutes(ctx, n) },
			func(_ struct{}, err error) {
				if err != nil {
					showError(s.win, "set the idle lock", err)
					return
				}
				if s.lock != nil {
					s.lock.setIdleMinutes(n)
				}
			})
	})
	// A box for a few digits, not the width of the window.
	idleBox := container.NewGridWrap(fyne.NewSize(90, idle.MinSize().Height), idle)
	idleRow := container.NewHBox(widget.NewLabel("Lock the window after"), idleBox,
		widget.NewLabel("minutes without activity"), saveIdle)
	s.dbPath = widget.NewLabel(s.store.Path())
	s.dbPath.Selectable = true
	s.dbPath.Wrapping = fyne.TextWrapBreak
	var parts []fyne.CanvasObject
	if isServer(s.store) {
		parts = s.serverSection()
	} else {
		show := widget.NewButtonWithIcon("Show in file manager", theme.FolderOpenIcon(), func() {
			if err := a.OpenURL(settingsFolderURL(s.store.Path())); err != nil {
				showError(s.win, "show the database folder", err)
			}
		})
		row := container.NewHBox(show)
		if s.connected != nil {
			row.Add(widget.NewButtonWithIcon("Connect to the clinic's server…", theme.ComputerIcon(), s.connect))
		}
		parts = []fyne.CanvasObject{settingsHeading("Database file"), s.dbPath, row}
		if s.disk != nil {
			if d := diskSection(a, s.win, s.disk, s.notices); d != nil {
				parts = append(parts, d)
			}
		}
		parts = append(parts, widget.NewSeparator(), s.backupSection(a))
	}
	return container.NewPadded(container.NewVScroll(container.NewVBox(append(parts,
		widget.NewSeparator(),
		boldLabel("Lock"),
		idleRow,
		settingsHint("Applies when practitioners have passphrases (File › My passphrase…). Ctrl+L locks at once."),
	)...)))
}

// serverBackupText says how a practice on the clinic's server is backed up.
const serverBackupText = "Backups of a practice on the clinic's server are made on one PC, by needlelog backup --db ADDRESS " +
	"(run daily by that PC's scheduler): each is a practice file with its photos, which opens, restores and exports as any " +
	"practice file does. This PC makes none by itself."

// serverSection says which server practice is open, how it is backed up, and offers to connect
// to another or go back to the practice file on this PC.
func (s *settingsWindow) serverSection() []fyne.CanvasObject {
	buttons := container.NewHBox()
	if s.connected != nil {
		buttons.Add(widget.NewButtonWithIcon("Connect to another server…", theme.ComputerIcon(), s.connect))
	}
	if s.useFile != nil {
		buttons.Add(widget.NewButtonWithIcon("Use the practice file on this PC", theme.StorageIcon(), s.useFile))
	}
	backups := wrapLabel(serverBackupText)
	// The latest backup as recorded on the server by whichever PC made it, in the status line's words.
	latest := wrapLabel("Reading the latest backup recorded on the server…")
	recorded := &serverBackups{store: s.store}
	async(func() (struct{}, error) { return struct{}{}, recorded.load(context.Background()) }, func(_ struct{}, err error) {
		if err != nil {
			latest.SetText("The latest backup could not be read from the clinic's server: open Settings again once it can be reached.")
			return
		}
		text, _, _ := recorded.summary(time.Now())
		latest.SetText(text)
	})
	return []fyne.CanvasObject{
		settingsHeading("Practice on the clinic's server"), widget.NewLabel(serverPlace(s.store.Path()) + ", as user " +
			serverUser(s.store.Path())), s.dbPath, buttons,
		settingsHint("Every PC connected to this server works on the same records: what one saves shows on the others within seconds."),
		widget.NewSeparator(), boldLabel("Backups"), latest, backups,
	}
}

// connect shows the form that connects this window to a practice on the clinic's server.
func (s *settingsWindow) connect() {
	current := ""
	if isServer(s.store) {
		current = s.store.Path()
	}
	showConnectForm(s.win, current, s.connected)
}

// useBackupFolder makes dir the practice's backup folder. A folder with no backup of it yet gets
// one at once, rather than saying "none yet" until the next day.
func (s *settingsWindow) useBackupFolder(a fyne.App, dir string) {
	setBackupFolder(a, s.store.Path(), dir)
	async(func() (backupState, error) { return s.backups.load(), nil }, func(st backupState, _ error) {
		s.showBackups(st)
		s.backups.changed() // the main window's status line too
		if st.latest.Path == "" && !s.store.ReadOnly() {
			s.backupNow.OnTapped()
		}
	})
}

// backupSection shows where the practice is backed up and when it last was, lets the folder be
// changed, and makes a backup on request.
func (s *settingsWindow) backupSection(a fyne.App) fyne.CanvasObject {
	s.backupCrypt = newBackupCrypt(s, a)
	s.backupDir = widget.NewLabel("")
	s.backupDir.Selectable = true
	s.backupDir.Wrapping = fyne.TextWrapBreak
	s.backupStatus = widget.NewLabel("")
	s.backupStatus.Wrapping = fyne.TextWrapWord
	async(func() (backupState, error) { return s.backups.load(), nil }, func(st backupState, _ error) { s.showBackups(st) })

	now := widget.NewButtonWithIcon("Back up now", theme.DocumentSaveIcon(), nil)
	s.backupNow = now
	now.OnTapped = func() {
		now.Disable()
		s.backupStatus.SetText("Backing up…")
		k := s.backups
		async(func() (struct{}, error) {
			_, err := k.backUp(s.life.lasting()) // asked for: it finishes even if Settings closes
			return struct{}{}, err
		}, func(_ struct{}, err error) {
			now.Enable()
			s.showBackups(k.current())
			if err != nil {
				showError(s.win, "back up the practice", err)
			}
		})
	}
	if s.store.ReadOnly() {
		now.Disable()
	}
	change := widget.NewButtonWithIcon("Change folder…", theme.FolderOpenIcon(), func() {
		d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
			if err != nil {
				showError(s.win, "choose the backup folder", err)
				return
			}
			if l == nil {
				return
			}
			s.useBackupFolder(a, l.Path())
		}, s.win)
		d.Resize(fyne.NewSize(900, 600))
		d.Show()
	})
	return container.NewVBox(
		boldLabel("Backups"),
		s.backupStatus,
		s.backupDir,
		container.NewHBox(now, change),
		settingsHint(fmt.Sprintf("Needlelog backs the practice up when it closes and once a day while it is open, and keeps "+
			"the latest %d daily and %d weekly backups. A folder on another disk, a USB drive or a cloud folder keeps them "+
			"safe from this computer's failures.", ondisk.DefaultRetention.Daily, ondisk.DefaultRetention.Weekly)),
		s.backupCrypt.content,
	)
}

func (s *settingsWindow) showBackups(st backupState) {
	text, _ := backupSummary(st, s.backups.now())
	s.backupStatus.SetText(text)
	s.backupDir.SetText("Folder: " + st.dir)
}

// settingsFolderURL is the file URL of the folder that holds path, which the OS opens in its
// file manager (xdg-open on Linux).
func settingsFolderURL(path string) *url.URL {
	dir := filepath.ToSlash(filepath.Dir(path))
	if !strings.HasPrefix(dir, "/") {
		dir = "/" + dir // a Windows drive: file:///C:/...
	}
	return &url.URL{Scheme: "file", Path: dir}
}
