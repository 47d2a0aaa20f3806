// Package sqlitetest is the part of the tests' kit that needs the SQLite engine: a real store in
// the test's temporary folder, and ways to change a practice file behind the store's back. The
// engine-neutral part, which the store boundary's conformance suite can use too, is testkit.
// Only tests import this package.
package sqlitetest
