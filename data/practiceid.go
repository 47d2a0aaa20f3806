package data

import (
	"strings"
)

// ShortIDLen is how much of the identity a backup's name carries: told apart from another
// practice's one time in four billion.
const ShortIDLen = 8

// ShortPracticeID is the part of the practice identity id that backup names carry; "" when id is not one.
func ShortPracticeID(id string) string {
	if len(id) < ShortIDLen {
		return ""
	}
	for _, r := range id[:ShortIDLen] {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return ""
		}
	}
	return id[:ShortIDLen]
}
