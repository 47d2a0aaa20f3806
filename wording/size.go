package wording

import "fmt"

// Size is a number of bytes the way a file manager says it: "512 bytes", "3 KB", "3.4 MB", "2.6 GB".
func Size(n int64) string {
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
