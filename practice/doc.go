// Package practice is a practice on disk: Open claims the database file for this window (one
// window at a time changes a practice) and then opens its store; Knock asks the window holding
// it to come forward. It keeps the practice's backups, restore, snapshots, photo folders and
// the guards on where a practice may live and how much disk it needs, and the workflows, such
// as importing photos, that the app and the command line share.
package practice
