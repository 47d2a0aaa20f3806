package postgres

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store"
)

// The triggers and functions verify holds the server's against are every one the migrations make.
func TestVerifyKnowsEveryTriggerTheMigrationsMake(t *testing.T) {
	want, err := migrationSchema()
	if err != nil {
		t.Fatal(err)
	}
	ms, err := embeddedMigrations()
	if err != nil {
		t.Fatal(err)
	}
	var all string
	for _, m := range ms {
		all += m.body
	}
	if n := len(regexp.MustCompile(`(?m)^CREATE TRIGGER `).FindAllString(all, -1)); len(want.triggers) != n || n < 40 {
		t.Errorf("read %d triggers of the %d the migrations make", len(want.triggers), n)
	}
	for key, def := range map[string]string{
		"sessions.sessions_latest_update": "AFTER UPDATE OF client_id,next_due,started_at FOR EACH ROW EXECUTE FUNCTION sessions_latest()",
		"audit_log.audit_log_append_only": "BEFORE DELETE OR UPDATE FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
		"sessions.sessions_signed":        "BEFORE INSERT OR DELETE OR UPDATE FOR EACH ROW EXECUTE FUNCTION sessions_signed()",
		"audit_log.audit_log_no_truncate": "BEFORE TRUNCATE FOR EACH STATEMENT EXECUTE FUNCTION history_no_truncate()",
		"clients.clients_notify":          "AFTER INSERT OR DELETE OR UPDATE FOR EACH ROW EXECUTE FUNCTION notify_change('client', 'id')",
		// Other devices' chains are kept as this device's own.
		"peer_audit_log.peer_audit_log_append_only": "BEFORE DELETE OR UPDATE FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
		"peer_audit_log.peer_audit_log_no_truncate": "BEFORE TRUNCATE FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
		"peer_keys.peer_keys_kept":                  "BEFORE DELETE OR UPDATE FOR EACH ROW EXECUTE FUNCTION peer_keys_kept()",
	} {
		if got := want.triggers[key].def; got != def {
			t.Errorf("%s: %q, want %q", key, got, def)
		}
	}
	for _, f := range []string{"audit_append_only", "sessions_signed", "history_no_truncate", "notify_change", "say_change"} {
		if body := want.functions[f]; !strings.Contains(body, "BEGIN") || !strings.HasSuffix(strings.TrimSpace(body), "END") {
			t.Errorf("the body of %s reads %q", f, body)
		}
	}
	if _, ok := want.functions["search_fold"]; ok {
		t.Error("search_fold, whose body is SQL the server keeps parsed, is compared as text")
	}
}

// verifyOK is s's Verify, which must find nothing wrong.
func verifyOK(t *testing.T, s *Store) store.VerifyReport {
	t.Helper()
	rep, err := s.Verify(context.Background())
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if !rep.OK() {
		t.Fatalf("verify found %q", rep.Breaks)
	}
	return rep
}

func has(sentences []string, part string) bool {
	for _, s := range sentences {
		if strings.Contains(s, part) {
			return true
		}
	}
	return false
}

// As the application role server init makes, the server gives every guarantee of doc.go's table.
func TestVerifyAsTheAppRoleSaysWhatTheServerGives(t *testing.T) {
	c := newClinic(t)
	client := testkit.CreateClient(t, c.a, "Verify", "Me")
	testkit.CreateSession(t, c.a, client.ID)
	rep := verifyOK(t, c.a)
	for _, part := range []string{
		"Signed sessions are read-only: the server's triggers refuse any change, and this PC's role (" + c.o.AppRole + ") cannot drop or disable them",
		"The audit log is append-only: the server's triggers refuse a change, and this PC's role may only read it and add to it",
		"Amendments and practitioners' signing keys are kept: the server's triggers refuse their removal",
		"No table can be truncated",
		"The schema is as Needlelog made it",
		"Only the practice's roles reach the records",
		"verify recomputes the audit log's hash chain",
	} {
		if !has(rep.Gives, part) {
			t.Errorf("verify gives %q, nothing saying %q", rep.Gives, part)
		}
	}
	for _, part := range []string{"superuser", "owner", "may truncate", "may create", "Every role"} {
		if has(rep.Lacks, part) {
			t.Errorf("verify as the application role lacks %q", rep.Lacks)
		}
	}
}

// As a superuser, or a role that may act as the tables' owner, the server gives no more than a
// SQLite file: triggers that connection could drop.
func TestVerifyAsSuperuserOrOwnerSaysTriggersOnly(t *testing.T) {
	c := newClinic(t)
	testkit.CreateClient(t, c.a, "Verify", "Me")

	super, err := Open(context.Background(), c.adminURL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer super.Close()
	owner, password := loginRole(t, c.adminURL)
	c.exec(t, `GRANT `+ident(c.o.OwnerRole)+` TO `+ident(owner))
	u := mustParse(t, c.appURL)
	u.User = url.User(owner)
	asOwner, err := Open(context.Background(), u.String(), Options{Password: password})
	if err != nil {
		t.Fatal(err)
	}
	defer asOwner.Close()

	for _, tc := range []struct {
		s    *Store
		lack string
	}{
		{super, "Connected as a superuser"},
		{asOwner, "Connected as the tables' owner (" + c.o.OwnerRole + "): triggers could be dropped or disabled"},
	} {
		rep := verifyOK(t, tc.s)
		if !has(rep.Lacks, tc.lack) || !has(rep.Lacks, "no more than a SQLite file's triggers") {
			t.Errorf("verify lacks %q, nothing saying %q", rep.Lacks, tc.lack)
		}
		if !has(rep.Gives, "Signed sessions are read-only by the server's triggers.") || has(rep.Gives, "cannot drop") ||
			has(rep.Gives, "The schema is as Needlelog made it") {
			t.Errorf("verify as %q gives %q, want triggers only", tc.lack, rep.Gives)
		}
	}
}

// A trigger dropped, disabled, set to run on replicas only, redefined or added, or a function
// rewritten, by someone connected as the owner or a superuser, is a break, said in words.
func TestVerifySaysATriggerDroppedOrDisabled(t *testing.T) {
	ctx := context.Background()
	c := newClinic(t)
	client := testkit.ValidClient()
	if err := c.a.CreateClient(ctx, &client); err != nil {
		t.Fatal(err)
	}
	p := testkit.CreatePractitioner(t, c.a, "Léa Fontaine", data.RolePractitioner)
	se := testkit.CreateSession(t, c.a, client.ID, func(se *data.Session) {
		se.PractitionerID, se.PhotoRefusal = p.ID, "Client declined photos"
	})
	if err := c.a.SignSession(data.WithActor(ctx, p.ID), se.ID, se.Version); err != nil {
		t.Fatal(err)
	}
	verifyOK(t, c.a)

	for _, sql := range []string{
		`DROP TRIGGER audit_log_append_only ON audit_log`,
		`ALTER TABLE sessions DISABLE TRIGGER sessions_signed`,
		`ALTER TABLE clients ENABLE REPLICA TRIGGER clients_notify`,
		`DROP TRIGGER session_zones_signed ON session_zones`,
		`CREATE TRIGGER session_zones_signed BEFORE INSERT ON session_zones FOR EACH ROW EXECUTE FUNCTION session_child_signed()`,
		`CREATE OR REPLACE FUNCTION practitioner_keys_kept() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
		`CREATE OR REPLACE FUNCTION session_locked(session text) RETURNS boolean LANGUAGE sql STABLE RETURN false`,
		`CREATE FUNCTION rewrite() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.notes := ''; RETURN NEW; END $$`,
		`CREATE TRIGGER quiet_rewrite BEFORE UPDATE ON clients FOR EACH ROW EXECUTE FUNCTION rewrite()`,
	} {
		c.exec(t, sql)
	}
	rep, err := c.a.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{
		"The server's trigger audit_log_append_only on audit_log, which keeps the audit log append-only, has been removed",
		"The server's trigger sessions_signed on sessions, which keeps signed sessions read-only, is disabled",
		"The server's trigger clients_notify on clients, which tells the other PCs of each change, is set to run only on a replica",
		"The server's trigger session_zones_signed on session_zones, which keeps signed sessions read-only, was changed outside Needlelog",
		"The server's function practitioner_keys_kept, which keeps practitioners' signing keys, was rewritten outside Needlelog",
		"The server's function session_locked, which keeps signed sessions read-only, no longer says 1 signed sessions (" + se.ID,
		"The server has a trigger quiet_rewrite on clients that Needlelog did not make",
	} {
		if !has(rep.Breaks, part) {
			t.Errorf("verify found %q, nothing saying %q", rep.Breaks, part)
		}
	}
	if len(rep.Breaks) != 7 {
		t.Errorf("verify found %d breaks, want 7: %q", len(rep.Breaks), rep.Breaks)
	}
}

// What a role has beyond the application role's rights is said, and the guarantee it undoes is
// not given.
func TestGuaranteesFollowTheRolesRights(t *testing.T) {
	app := roleFacts{role: "needlelog_app"}
	gives, lacks := app.guarantees()
	if len(lacks) != 0 || len(gives) != 7 {
		t.Fatalf("the application role: gives %q, lacks %q", gives, lacks)
	}
	for _, tc := range []struct {
		f           roleFacts
		lack, gives string
	}{
		{roleFacts{role: "r", auditWrite: true}, "has the right to change or remove lines of the audit log", "The audit log is append-only by the server's triggers."},
		{roleFacts{role: "r", keptWrite: true}, "has the right to change or remove amendments or signing keys", "kept by the server's triggers"},
		{roleFacts{role: "r", truncate: []string{"clients", "drafts"}}, "may truncate clients, drafts", "The tables of history refuse truncation by triggers."},
		{roleFacts{role: "r", create: true}, "may create tables and functions", "cannot drop or disable them"},
		{roleFacts{role: "r", publicReach: true}, "Every role on the clinic's server may connect", "The schema is as Needlelog made it"},
		{roleFacts{role: "r", owns: "np_owner"}, "Connected as the tables' owner (np_owner)", "Signed sessions are read-only by the server's triggers."},
		{roleFacts{role: "postgres", super: true, owns: "np_owner"}, "Connected as a superuser (postgres)", "Signed sessions are read-only by the server's triggers."},
	} {
		gives, lacks := tc.f.guarantees()
		if !has(lacks, tc.lack) || !has(gives, tc.gives) {
			t.Errorf("%+v: gives %q, lacks %q; want %q among lacks and %q among gives", tc.f, gives, lacks, tc.lack, tc.gives)
		}
	}
}
