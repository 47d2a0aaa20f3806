package sqlite

import (
	"context"
	"testing"
)

func TestNormalSQL(t *testing.T) {
	t.Parallel()
	base := normalSQL(`CREATE TRIGGER t BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the log'); END`)
	for _, same := range []string{
		"create trigger T before update on AUDIT_LOG begin select raise(abort,'the log');end",
		"CREATE TRIGGER IF NOT EXISTS \"t\" BEFORE UPDATE ON [audit_log] -- why\nBEGIN /* it */ SELECT RAISE ( ABORT , 'the log' ) ; END",
		"CREATE TRIGGER `t` BEFORE UPDATE ON \"Audit_Log\"\r\n\tBEGIN SELECT RAISE(ABORT, 'the log'); END",
	} {
		if got := normalSQL(same); got != base {
			t.Errorf("%q\nnormalises to %q\nwant         %q", same, got, base)
		}
	}
	for _, other := range []string{
		`CREATE TRIGGER t BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'The log'); END`,        // a literal's case
		`CREATE TRIGGER t BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the  log'); END`,       // a literal's spaces
		`CREATE TRIGGER t BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, "the log"); END`,        // a name, not a literal
		`CREATE TRIGGER t BEFORE UPDATE ON audit_log BEGIN SELECT "RAISE"(ABORT, 'the log'); END`,      // a function, not the keyword
		`CREATE TRIGGER t BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the log--'); END`,      // a literal is not a comment
		`CREATE TRIGGER t BEFORE UPDATE ON audit_log WHEN 0 BEGIN SELECT RAISE(ABORT, 'the log'); END`, // never fires
	} {
		if got := normalSQL(other); got == base {
			t.Errorf("%q normalises as Needlelog's own", other)
		}
	}
}

// BenchmarkCompareSchema compares a file of the current version with Needlelog's schema, as each
// open for writing, check and verify does; the reference is made once per version.
//
//	go test ./data/ -run '^$' -bench '^BenchmarkCompareSchema$'
func BenchmarkCompareSchema(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir()+"/p.db", Options{Create: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for b.Loop() {
		if d, err := schemaDifferences(ctx, s.db, SchemaVersion()); err != nil || len(d) > 0 {
			b.Fatal(d, err)
		}
	}
}

// BenchmarkReferenceSchema makes Needlelog's schema in memory, as the first comparison after start does.
func BenchmarkReferenceSchema(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		references.Delete(SchemaVersion())
		if _, err := referenceSchema(ctx, SchemaVersion()); err != nil {
			b.Fatal(err)
		}
	}
}
