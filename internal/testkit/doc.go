// Package testkit is what the tests of every package share: a real SQLite store in the test's
// temporary folder, a fixed clock, ready-made clients, sessions and photos, ways to change a
// practice file behind the store's back, and a child process to run a test body in. Images are
// made by data/photo/phototest, which the photo package's own tests can import too. Only tests
// import this package.
package testkit
