package data_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"needlelog.app/needlelog/data"
)

const claimHardLinkTest = "TestClaimHoldsTheFileThroughAHardLink"

// TestClaimHoldsTheFileThroughAHardLink: a hard link is the same file under a name of its own; a
// claim through one refuses a claim through the other, in another process and in this one.
func TestClaimHoldsTheFileThroughAHardLink(t *testing.T) {
	if childBody() == claimNamesChildBody {
		claimInChild(t, "", "")
	}
	_, g, _ := practiceFiles(t)
	h := filepath.Join(filepath.Dir(filepath.Dir(g)), "h.db")
	if err := os.Link(g, h); err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][2]string{{g, h}, {h, g}} {
		c, err := data.ClaimDatabase(pair[0])
		if err != nil {
			t.Fatal(err)
		}
		if c2, err := data.ClaimDatabase(pair[1]); !errors.Is(err, data.ErrInUse) {
			if err == nil {
				c2.Release()
			}
			t.Errorf("claimed %s, then %s: %v", filepath.Base(pair[0]), filepath.Base(pair[1]), err)
		}
		if err := c.Release(); err != nil {
			t.Fatal(err)
		}
	}
	// Released, both names are free again.
	for _, p := range []string{g, h} {
		c, err := data.ClaimDatabase(p)
		if err != nil {
			t.Fatalf("claim %s after release: %v", p, err)
		}
		c.Release()
	}
	claimInChild(t, claimHardLinkTest, h)
	if c, err := data.ClaimDatabase(g); !errors.Is(err, data.ErrInUse) {
		if err == nil {
			c.Release()
		}
		t.Errorf("another process claimed h.db; a claim of g.db: %v", err)
	}
}
