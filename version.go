// Package needlelog holds what the whole product shares from the module root: its name and version,
// read from FyneApp.toml so that the file fyne package uses is the only place they are written.
package needlelog

import (
	_ "embed"
	"fmt"

	"github.com/BurntSushi/toml"
)

//go:embed FyneApp.toml
var fyneApp []byte

// Release is the product's name, version and build number as FyneApp.toml gives them.
type Release struct {
	Name    string
	Version string
	Build   int
}

// String is how the product names itself, e.g. "Needlelog 0.1.0 (build 1)".
func (r Release) String() string {
	return fmt.Sprintf("%s %s (build %d)", r.Name, r.Version, r.Build)
}

// CurrentRelease reads the embedded FyneApp.toml. The file is checked by the tests, so a fault in
// it is a build fault: it panics rather than ship an app that cannot say what it is.
func CurrentRelease() Release {
	var f struct{ Details Release }
	if _, err := toml.Decode(string(fyneApp), &f); err != nil {
		panic(fmt.Sprintf("FyneApp.toml: %v", err))
	}
	if f.Details.Name == "" || f.Details.Version == "" {
		panic("FyneApp.toml: Details.Name and Details.Version are needed")
	}
	return f.Details
}
