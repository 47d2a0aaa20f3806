package wording

import "fmt"

// Bytes is a size as a person reads it: "812 bytes", "64 KB", "3.4 MB", "2.1 GB".
func Bytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+1<<10-1)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
