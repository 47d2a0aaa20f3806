package ui

import (
	"context"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

type practitionerTab struct {
	ed                *settingsEditor[data.Practitioner]
	name, credentials *nlwidget.TextField
	role              *widget.RadioGroup
}

const (
	settingsRolePractitioner = "Practitioner"
	settingsRoleAdmin        = "Admin"
)

func newPractitionerTab(s *settingsWindow) *practitionerTab {
	t := &practitionerTab{}
	ed := &settingsEditor[data.Practitioner]{s: s, noun: "practitioner", nameField: "name", notes: newReservedNotes(),
		id: func(p data.Practitioner) string { return p.ID },
		row: func(p data.Practitioner) (string, string, widget.Importance) {
			text := p.Name
			if p.Credentials != "" {
				text += ", " + p.Credentials
			}
			if p.Role == data.RoleAdmin {
				return text, "admin", widget.HighImportance
			}
			return text, "", widget.MediumImportance
		},
		retired:    func(p data.Practitioner) bool { return p.Retired },
		setRetired: func(p *data.Practitioner, r bool) { p.Retired = r },
		show: func(p data.Practitioner) {
			t.name.SetText(p.Name)
			t.credentials.SetText(p.Credentials)
			if p.Role == data.RoleAdmin {
				t.role.SetSelected(settingsRoleAdmin)
			} else {
				t.role.SetSelected(settingsRolePractitioner)
			}
		},
		read: func(p data.Practitioner) (data.Practitioner, error) {
			p.Name, p.Credentials = t.name.Text, t.credentials.Text
			p.Role = data.RolePractitioner
			if t.role.Selected == settingsRoleAdmin {
				p.Role = data.RoleAdmin
			}
			return p, nil
		},
		save: s.store.SavePractitioner,
		load: func(ctx context.Context) ([]data.Practitioner, error) { return s.store.Practitioners(ctx, true) },
	}
	// The first practitioner sets the practice up and must be able to reset a forgotten
	// passphrase: an admin. Those after are practitioners unless made admins.
	ed.fresh = func() data.Practitioner {
		if len(ed.items) == 0 {
			return data.Practitioner{Role: data.RoleAdmin}
		}
		return data.Practitioner{Role: data.RolePractitioner}
	}
	t.ed = ed
	t.name = ed.textEntry("Full name, as it appears on signed records")
	t.credentials = ed.textEntry("e.g. RN, Level 4 Dip. Aesthetics")
	t.role = widget.NewRadioGroup([]string{settingsRolePractitioner, settingsRoleAdmin}, func(string) { ed.changed() })
	t.role.Horizontal = true
	t.role.Required = true
	ed.first = t.name
	reset := widget.NewButton("Reset passphrase…", func() {
		var admin data.Practitioner
		if s.lock != nil {
			admin = s.lock.signedIn()
		}
		if admin.Role != data.RoleAdmin {
			dialog.ShowInformation("Only an admin can reset", "Sign in as a practitioner with the admin role to reset another's passphrase.", s.win)
			return
		}
		showResetPassphrase(s.win, s.store, s.throttle(), admin, ed.current.ID, nil)
	})
	// A practitioner not saved yet has no passphrase to reset.
	ed.stateHook = func() {
		if ed.chosen && !ed.isNew() {
			reset.Enable()
		} else {
			reset.Disable()
		}
	}
	ed.build(nil, container.NewVBox(
		ed.notes.field("Name", "name", t.name),
		ed.notes.field("Credentials", "credentials", t.credentials),
		ed.notes.field("Role", "role", t.role),
		settingsHint("Admins manage the practice's settings and other practitioners, and can reset a forgotten passphrase: "+
			"a passphrase locks the window, it encrypts nothing, so no record is lost with it."),
	), reset)
	return t
}
