package data

import (
	"fmt"
	"slices"
)

// CheckOverrides refuses overrides that do not say which warning they pass, that give no reason, or
// that pass the same warning twice, with each sentence beside its field.
func CheckOverrides(overrides []Override) error {
	var c Checker
	for i, o := range overrides {
		f := fmt.Sprintf("overrides[%d]", i)
		switch {
		case o.Rule == "":
			c.Add(f+".rule", "Override %d does not say which warning it passes.", i+1)
		case o.Reason == "":
			c.Add(f+".reason", "Write the reason for going ahead despite the warning.")
		case slices.ContainsFunc(overrides[:i], func(p Override) bool { return p.Rule == o.Rule }):
			c.Add(f+".rule", "The same warning is passed twice; keep one reason.")
		}
		c.Text(f+".reason", "The reason", o.Reason)
	}
	return c.Err()
}

// CheckBlocks refuses a session with a block that no override passes, with the warning beside its field.
func CheckBlocks(in SafetyInput, overrides []Override) error {
	var c Checker
	for _, w := range Blocking(SafetyBlocks(in), overrides) {
		c.Add(w.Field, "%s To go ahead, record the reason.", w.Message)
	}
	return c.Err()
}
