package data

import "testing"

func TestSameClient(t *testing.T) {
	e := IdentityOf("Zoë", "Ångström", "1990-04-02", " Zoe@Example.com ", "+44 (0)7700 900123")
	cases := []struct {
		name string
		r    ClientIdentity
		want bool
	}{
		{"same name and birth date", IdentityOf("ZOE", "angstrom", "1990-04-02", "", ""), true},
		{"same name, other birth date", IdentityOf("Zoë", "Ångström", "1991-04-02", "zoe@example.com", ""), false},
		{"other name", IdentityOf("Zoë", "Smith", "1990-04-02", "", ""), false},
		{"no birth date, same email", IdentityOf("Zoë", "Ångström", "", "ZOE@example.com", ""), true},
		{"no birth date, same phone", IdentityOf("Zoë", "Ångström", "", "", "44 0 7700 900123"), true},
		{"no birth date, other email", IdentityOf("Zoë", "Ångström", "", "other@example.com", ""), false},
		{"name only", IdentityOf("Zoë", "Ångström", "", "", ""), true},
	}
	for _, c := range cases {
		if got := SameClient(e, c.r); got != c.want {
			t.Errorf("%s: SameClient = %v, want %v", c.name, got, c.want)
		}
	}
	// A client on file without a birth date is matched by a row with one, through email.
	noDOB := IdentityOf("Ann", "Lee", "", "ann@example.com", "")
	if !SameClient(noDOB, IdentityOf("Ann", "Lee", "1980-01-01", "ann@example.com", "")) {
		t.Error("a row with a birth date and the same email is not the client on file without one")
	}
}

func TestClientIndexFindAndDescribe(t *testing.T) {
	ix := ClientIndex{}
	ix.Add(IdentityOf("Ann", "Lee", "1980-01-01", "", ""))
	ix.Add(IdentityOf("Ann", "Lee", "1990-01-01", "", ""))
	got, ok := ix.Find(IdentityOf("ann", "LEE", "1990-01-01", "", ""))
	if !ok || got.Describe() != "Ann Lee, born 1990-01-01" {
		t.Fatalf("Find = %q, %v; want Ann Lee, born 1990-01-01", got.Describe(), ok)
	}
	if _, ok := ix.Find(IdentityOf("Ann", "Lee", "2000-01-01", "", "")); ok {
		t.Error("a third Ann Lee with another birth date was taken for one on file")
	}
	if d := IdentityOf("Ann", "Lee", "", "", "").Describe(); d != "Ann Lee" {
		t.Errorf("Describe without birth date = %q", d)
	}
}
