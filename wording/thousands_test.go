package wording_test

import (
	"testing"

	"needlelog.app/needlelog/wording"
)

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1204: "1,204", 1234567: "1,234,567",
		-1204: "-1,204", -100: "-100", -123456: "-123,456"} {
		if got := wording.Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
