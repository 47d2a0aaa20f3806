// Package testkit is what the tests of every package share: a fixed clock, ready-made clients,
// sessions and photos saved through the engine-neutral store boundary, a file's byte to flip, and
// a child process to run a test body in. It imports no storage engine, so the boundary's
// conformance suite uses it too; a real SQLite store and ways to change a practice file behind
// its back are in testkit/sqlitetest. Images are made by data/photo/phototest, which the photo
// package's own tests can import too. Only tests import this package.
package testkit
