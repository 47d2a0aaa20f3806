//go:build !windows

package testkit

// UnderWine tells whether this Windows program runs under Wine: never, here.
func UnderWine() bool { return false }
