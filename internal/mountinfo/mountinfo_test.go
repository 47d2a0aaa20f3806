package mountinfo_test

import (
	"testing"

	"needlelog.app/needlelog/internal/mountinfo"
)

const table = `22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
30 22 0:26 / /home rw,relatime shared:2 - ext4 /dev/mapper/luks-1f2e rw
31 30 0:40 / /home/ana/Clinic\040Files rw master:3 - nfs4 server:/export rw
32 22 0:41 / /mnt rw - tmpfs tmpfs rw
33 32 0:42 / /mnt rw - ext4 /dev/sdb1 rw
broken line
`

func TestHolding(t *testing.T) {
	for dir, want := range map[string]mountinfo.Mount{
		"/var/lib":                     {"/", "ext4", "/dev/sda1"},
		"/home/ana/Needlelog":          {"/home", "ext4", "/dev/mapper/luks-1f2e"},
		"/home/ana/Clinic Files/a.db":  {"/home/ana/Clinic Files", "nfs4", "server:/export"},
		"/home/ana/Clinic FilesX/a.db": {"/home", "ext4", "/dev/mapper/luks-1f2e"},
		"/mnt/x":                       {"/mnt", "ext4", "/dev/sdb1"}, // the later mount hides the earlier
	} {
		if got, ok := mountinfo.Holding(table, dir); !ok || got != want {
			t.Errorf("Holding(%s) = %+v, %v; want %+v", dir, got, ok, want)
		}
	}
	if _, ok := mountinfo.Holding("", "/x"); ok {
		t.Error("an empty table holds a folder")
	}
}
