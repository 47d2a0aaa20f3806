//go:build package

// These tests check the downloads scripts/package made; they build nothing themselves.
// Run: scripts/package && go test -tags package ./cmd/needlelog/ -run TestPackage
package main

import (
	"archive/zip"
	"debug/pe"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func distFile(t *testing.T, suffix string) string {
	t.Helper()
	path := filepath.Join("..", "..", "dist", "needlelog-"+fyneAppDetail(t, "Version")+"-"+suffix)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("%s is missing; run scripts/package first", path)
	}
	return path
}

func versionLine(t *testing.T) string {
	return fyneAppDetail(t, "Name") + " " + fyneAppDetail(t, "Version") + " (build " + fyneAppDetail(t, "Build") + ")\n"
}

func TestPackageLinuxTarballInstallsForTheUser(t *testing.T) {
	tarball := distFile(t, "linux-amd64.tar.xz")
	top := "needlelog-" + fyneAppDetail(t, "Version") + "-linux-amd64"
	list, err := exec.Command("tar", "-tJvf", tarball).Output()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(string(list)), "\n") {
		fields := strings.Fields(line)
		name := fields[len(fields)-1]
		names = append(names, name)
		if strings.HasSuffix(name, "/needlelog") && !strings.HasPrefix(fields[0], "-rwxr-xr-x") {
			t.Errorf("the program is not executable in the archive: %s", line)
		}
	}
	want := []string{top + "/", top + "/Makefile", top + "/README.txt", top + "/needlelog", top + "/needlelog.desktop", top + "/needlelog.png"}
	if !slices.Equal(names, want) {
		t.Fatalf("the archive holds %q, want %q", names, want)
	}

	dir := t.TempDir()
	if out, err := exec.Command("tar", "-C", dir, "-xJf", tarball).CombinedOutput(); err != nil {
		t.Fatalf("unpacking: %v: %s", err, out)
	}
	desktop, err := os.ReadFile(filepath.Join(dir, top, "needlelog.desktop"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"Name=Needlelog", "Exec=needlelog", "Icon=needlelog", "Categories=Office;MedicalSoftware;"} {
		if !slices.Contains(strings.Split(string(desktop), "\n"), line) {
			t.Errorf("the desktop entry lacks %q:\n%s", line, desktop)
		}
	}
	// desktop-file-validate comes with scripts/setup package. Its hints are advice (it would like
	// MedicalSoftware beside Science, which would file the app among science tools); errors and
	// warnings are faults.
	out, err := exec.Command("desktop-file-validate", filepath.Join(dir, top, "needlelog.desktop")).CombinedOutput()
	if err != nil || strings.Contains(string(out), "error:") || strings.Contains(string(out), "warning:") {
		t.Errorf("desktop-file-validate: %v: %s", err, out)
	}

	home := t.TempDir()
	runMake := func(target string) {
		t.Helper()
		cmd := exec.Command("make", "-C", filepath.Join(dir, top), target)
		cmd.Env = append(os.Environ(), "HOME="+home)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("make %s: %v: %s", target, err, out)
		}
	}
	runMake("user-install")
	bin := filepath.Join(home, ".local", "bin", "needlelog")
	installed := []string{bin,
		filepath.Join(home, ".local", "share", "applications", "needlelog.desktop"),
		filepath.Join(home, ".local", "share", "icons", "hicolor", "512x512", "apps", "needlelog.png")}
	for _, f := range installed {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("user-install left no %s", f)
		}
	}
	entry, _ := os.ReadFile(installed[1])
	if !strings.Contains(string(entry), "\nExec=\""+bin+"\"\n") {
		t.Errorf("the installed desktop entry does not start %s:\n%s", bin, entry)
	}
	cmd := exec.Command(bin, "--version")
	cmd.Env = append(os.Environ(), "DISPLAY=", "WAYLAND_DISPLAY=")
	if out, err := cmd.Output(); err != nil || string(out) != versionLine(t) {
		t.Errorf("the installed needlelog --version: %q, %v; want %q", out, err, versionLine(t))
	}
	runMake("user-uninstall")
	for _, f := range installed {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("user-uninstall left %s", f)
		}
	}
}

func TestPackageWindowsZipHoldsAppAndConsoleProgram(t *testing.T) {
	zr, err := zip.OpenReader(distFile(t, "windows-amd64.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	top := "needlelog-" + fyneAppDetail(t, "Version") + "-windows-amd64/"
	wantSubsystem := map[string]uint16{
		top + "Needlelog.exe":     pe.IMAGE_SUBSYSTEM_WINDOWS_GUI,
		top + "needlelog-cli.exe": pe.IMAGE_SUBSYSTEM_WINDOWS_CUI,
		top + "README.txt":        0,
	}
	var names []string
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		names = append(names, f.Name)
		want, ok := wantSubsystem[f.Name]
		if !ok || want == 0 {
			continue
		}
		tmp := filepath.Join(t.TempDir(), "x.exe")
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		w, _ := os.Create(tmp)
		if _, err := w.ReadFrom(r); err != nil {
			t.Fatal(err)
		}
		w.Close()
		r.Close()
		exe, err := pe.Open(tmp)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if oh, ok := exe.OptionalHeader.(*pe.OptionalHeader64); !ok {
			t.Errorf("%s is not a 64-bit program", f.Name)
		} else if oh.Subsystem != want {
			t.Errorf("%s: subsystem %d, want %d", f.Name, oh.Subsystem, want)
		}
		exe.Close()
	}
	slices.Sort(names)
	want := []string{top + "Needlelog.exe", top + "README.txt", top + "needlelog-cli.exe"}
	if !slices.Equal(names, want) {
		t.Errorf("the zip holds %q, want %q", names, want)
	}
}
