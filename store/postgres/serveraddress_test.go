package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// The server's address as the clinic's PCs reach it: a host name or an IP address, with a port if
// need be; anything else (a URL, a path, spaces, a port out of range) is refused with a sentence.
func TestSplitAddress(t *testing.T) {
	for _, tc := range []struct{ address, host, port string }{
		{"192.168.1.10", "192.168.1.10", ""},
		{"192.168.1.10:5433", "192.168.1.10", "5433"},
		{"clinic-server.local", "clinic-server.local", ""},
		{"clinic-server.local:5432", "clinic-server.local", "5432"},
		{"CLINIC-SERVER", "CLINIC-SERVER", ""},
		{"front_desk.clinic.lan.", "front_desk.clinic.lan.", ""},
		{"fd00::10", "fd00::10", ""},
		{"[fd00::10]", "fd00::10", ""},
		{"[fd00::10]:6543", "fd00::10", "6543"},
		{"127.0.0.1:55000", "127.0.0.1", "55000"},
	} {
		host, port, err := SplitAddress(tc.address)
		if err != nil || host != tc.host || port != tc.port {
			t.Errorf("SplitAddress(%q) = %q, %q, %v; want %q, %q", tc.address, host, port, err, tc.host, tc.port)
		}
	}
	for _, bad := range []string{
		"clinic server", " 192.168.1.10", "192.168.1.10 ", "postgres://clinic-server:5432/needlelog", "clinic-server/needlelog",
		"/var/run/postgresql", `C:\clinic`, "user@clinic-server", "clinic-server:", "clinic-server:0", "clinic-server:65536",
		"clinic-server:+5432", "clinic-server:54x", "clinic-server:5432:5433", "999.1.1.1", "192.168.1", "fe80::1%eth0",
		"-clinic", "clinic-.lan", "clinic..lan", "clinic;DROP", "clinic\nserver", "[clinic-server", "clinic-server]",
		strings.Repeat("a", 64) + ".lan", strings.Repeat("abcdefgh.", 30) + "lan", "?sslmode=disable", "*",
	} {
		if host, port, err := SplitAddress(bad); err == nil || !strings.Contains(err.Error(), "is not a host name or an IP address") {
			t.Errorf("SplitAddress(%q) = %q, %q, %v; want it refused with a sentence", bad, host, port, err)
		}
	}
}

// The PCs' URL keeps only what a PC needs of the administrator's: TLS as the server has it, and a
// verification the administrator asked for with its certificate; never a password, a password
// file, a client certificate or other options of the administrator's.
func TestAppURLKeepsOnlyWhatAPCNeeds(t *testing.T) {
	o := InitOptions{}
	if err := o.complete(); err != nil {
		t.Fatal(err)
	}
	const adminOptions = "passfile=/root/.pgpass&password=x&sslpassword=keypass&sslcert=/root/admin.crt&sslkey=/root/admin.key" +
		"&application_name=psql&connect_timeout=3&options=-c%20role%3Dpostgres&service=admin&target_session_attrs=read-write&user=postgres&dbname=postgres"
	for _, tc := range []struct {
		admin, host, port string
		tls               bool
		want              string
	}{
		{"postgres://postgres:s3cret@db.clinic.lan:5432/postgres?sslmode=require&" + adminOptions, "db.clinic.lan", "5432", true,
			"postgres://needlelog_app@db.clinic.lan:5432/needlelog?sslmode=require"},
		{"postgres://postgres@localhost/postgres?" + adminOptions, "192.168.1.10", "5432", true,
			"postgres://needlelog_app@192.168.1.10:5432/needlelog?sslmode=require"},
		{"postgres://postgres@localhost/postgres", "192.168.1.10", "5432", false,
			"postgres://needlelog_app@192.168.1.10:5432/needlelog?sslmode=disable"},
		// The administrator's own choice on this computer does not lower what the PCs ask for.
		{"postgres://postgres@localhost/postgres?sslmode=disable", "clinic-server.local", "5433", true,
			"postgres://needlelog_app@clinic-server.local:5433/needlelog?sslmode=require"},
		{"postgres://postgres@localhost/postgres?sslmode=allow", "clinic-server.local", "5432", true,
			"postgres://needlelog_app@clinic-server.local:5432/needlelog?sslmode=require"},
		{"postgres://postgres@localhost/postgres?sslmode=prefer&sslrootcert=/etc/clinic/root.crt", "clinic-server.local", "5432", true,
			"postgres://needlelog_app@clinic-server.local:5432/needlelog?sslmode=require"},
		{"postgres://postgres@clinic-server.local/postgres?sslmode=verify-full&sslrootcert=/etc/clinic/root.crt&" + adminOptions, "clinic-server.local", "5432", true,
			"postgres://needlelog_app@clinic-server.local:5432/needlelog?sslmode=verify-full&sslrootcert=%2Fetc%2Fclinic%2Froot.crt"},
		{"postgres://postgres@clinic-server.local/postgres?sslmode=verify-ca", "clinic-server.local", "5432", true,
			"postgres://needlelog_app@clinic-server.local:5432/needlelog?sslmode=verify-ca"},
		{"postgres://postgres@/postgres?host=/var/run/postgresql&" + adminOptions, "fd00::10", "5432", true,
			"postgres://needlelog_app@[fd00::10]:5432/needlelog?sslmode=require"},
		{"postgres://postgres@/postgres?host=/var/run/postgresql", "/var/run/postgresql", "5433", false,
			"postgres://needlelog_app@/needlelog?host=%2Fvar%2Frun%2Fpostgresql&port=5433&sslmode=disable"},
	} {
		got := appURL(tc.admin, tc.host, tc.port, tc.tls, o)
		if got != tc.want {
			t.Errorf("appURL(%s, %s, %s, TLS %v) = %s, want %s", tc.admin, tc.host, tc.port, tc.tls, got, tc.want)
			continue
		}
		if strings.Contains(got, "sslrootcert") {
			continue // pgx reads the certificate as it reads the URL: the test of a server with TLS on reads one
		}
		cfg, err := pgx.ParseConfig(got)
		if err != nil || cfg.Host != strings.Trim(tc.host, "[]") || cfg.User != "needlelog_app" || cfg.Database != "needlelog" || cfg.Password != "" {
			t.Errorf("pgx reads %s as %+v (%v)", got, cfg, err)
		}
	}
}

// With --address, the PCs' URL names the server as they reach it, with the address's port or the
// administrator's; without it, an administrator's URL naming this computer (as when server init
// runs on the server itself) gives a URL for the PCs with a placeholder, not one that cannot work
// there; and the test server, which has TLS off, gets sslmode=disable.
func TestInitServerNamesTheServerAsThePCsReachIt(t *testing.T) {
	adminURL, o := initFixture(t)
	admin := mustParse(t, adminURL)
	if !isThisComputer(admin.Hostname()) {
		t.Fatalf("the test server's URL %s does not name this computer", adminURL)
	}
	port := admin.Port()

	res := initServerOK(t, adminURL, o)
	wantHere := "postgres://" + o.AppRole + "@" + admin.Host + "/" + o.Database + "?sslmode=disable"
	wantPCs := "postgres://" + o.AppRole + "@" + AddressPlaceholder + ":" + port + "/" + o.Database + "?sslmode=disable"
	if !res.AddressNeeded || res.TLS || res.AppURL != wantHere || res.PCURL != wantPCs {
		t.Errorf("without an address: address needed %v, TLS %v, URL %s for the PCs %s; want true, false, %s, %s",
			res.AddressNeeded, res.TLS, res.AppURL, res.PCURL, wantHere, wantPCs)
	}
	// The URL that names this computer connects, here.
	if _, err := connectAs(t, res.AppURL, res.AppPassword); err != nil {
		t.Errorf("connect with %s: %v", res.AppURL, err)
	}

	for _, tc := range []struct{ address, want string }{
		{"clinic-server.local", "postgres://" + o.AppRole + "@clinic-server.local:" + port + "/" + o.Database + "?sslmode=disable"},
		{"192.168.1.10:6543", "postgres://" + o.AppRole + "@192.168.1.10:6543/" + o.Database + "?sslmode=disable"},
		{"[fd00::10]:6543", "postgres://" + o.AppRole + "@[fd00::10]:6543/" + o.Database + "?sslmode=disable"},
		{admin.Host, wantHere}, // the server's own address, for a practice of one PC on the server
	} {
		o := o
		o.Address = tc.address
		res := initServerOK(t, adminURL, o)
		if res.AddressNeeded || res.AppURL != tc.want || res.PCURL != tc.want {
			t.Errorf("with the address %s: address needed %v, URL %s, for the PCs %s; want %s", tc.address, res.AddressNeeded, res.AppURL, res.PCURL, tc.want)
		}
	}

	// A bad address is refused before anything is made.
	o.Database, o.OwnerRole, o.AppRole = o.Database+"_x", o.Database+"_x_owner", o.Database+"_x_app"
	o.Address = "postgres://clinic-server.local:5432/needlelog"
	if _, err := InitServer(context.Background(), adminURL, o); err == nil || !strings.Contains(err.Error(), "is not a host name or an IP address") {
		t.Errorf("server init with the address %s: %v, want it refused", o.Address, err)
	}
	var made int
	if err := adminConn(t, adminURL).QueryRow(context.Background(), `SELECT (SELECT count(*) FROM pg_database WHERE datname = $1)
		+ (SELECT count(*) FROM pg_roles WHERE rolname IN ($2, $3))`, o.Database, o.OwnerRole, o.AppRole).Scan(&made); err != nil || made != 0 {
		t.Errorf("a refused server init made %d databases and roles (%v), want none", made, err)
	}
}
