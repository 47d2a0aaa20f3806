package testkit

import "syscall"

// UnderWine tells whether this Windows program runs under Wine, whose ntdll alone exports
// wine_get_version.
func UnderWine() bool {
	return syscall.NewLazyDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}
