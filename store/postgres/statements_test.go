package postgres

import (
	"context"
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"needlelog.app/needlelog/internal/testkit"
)

// sqliteOnly are the shared store's statements that run only on SQLite, by their first words,
// each behind a check that the engine is not PostgreSQL.
var sqliteOnly = []string{
	// EachPhotoFile: whether a SQLite file is of the release before the photo library; a
	// PostgreSQL schema starts with it.
	"SELECT count(*) > 0 FROM pragma_table_info('photos')",
	// InsightFacts: whether a SQLite file keeps its sessions' figures (insight_facts).
	"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'insight_facts'",
	// ApplyBundle: SQLite's page cache, larger for a bundle's one transaction.
	"PRAGMA cache_size",
}

// savepoints are statements PostgreSQL runs but cannot prepare: they are run, in a transaction,
// savepoints first.
var savepoints = regexp.MustCompile(`^\s*(SAVEPOINT|ROLLBACK TO|RELEASE)\b`)

// sqlParams are the names the shared store gives a parameter that takes a statement: database/sql's
// own (query) and its helpers' (q, stmt).
var sqlParams = []string{"query", "q", "stmt"}

// sqlStart is how a statement begins.
var sqlStart = regexp.MustCompile(`^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|PRAGMA|CREATE|DROP|ALTER|VACUUM|REPLACE|SAVEPOINT|ROLLBACK|RELEASE)\b`)

// constantStatements finds every statement of the package in dir that is a constant: each string
// argument, constant once the package's constants are folded in, given to a parameter named as
// sqlParams says (QueryContext, ExecContext, QueryRowContext, PrepareContext and the store's own
// helpers), by file and line.
func constantStatements(t *testing.T, dir string) map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	if _, err := conf.Check("needlelog.app/needlelog/store/sqlstore", fset, files, info); err != nil {
		t.Fatalf("type-check %s: %v", dir, err)
	}
	found := map[string]string{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sig, ok := info.Types[call.Fun].Type.(*types.Signature)
			if !ok {
				return true // a conversion
			}
			for i, arg := range call.Args {
				if i >= sig.Params().Len() || sig.Variadic() && i >= sig.Params().Len()-1 {
					break
				}
				p := sig.Params().At(i)
				if !slices.Contains(sqlParams, p.Name()) || !types.Identical(p.Type(), types.Typ[types.String]) {
					continue
				}
				tv := info.Types[arg]
				if tv.Value == nil || tv.Value.Kind() != constant.String {
					continue // built at run time: the tests that run it check it
				}
				pos := fset.Position(arg.Pos())
				found[filepath.Base(pos.Filename)+":"+strconv.Itoa(pos.Line)] = constant.StringVal(tv.Value)
			}
			return true
		})
	}
	return found
}

// Every constant statement of the shared store is one PostgreSQL accepts: prepared against the
// schema, with its placeholders numbered as the driver numbers them, so that a statement no test
// runs on PostgreSQL still cannot be wrong there.
func TestEveryConstantStatementPreparesOnPostgreSQL(t *testing.T) {
	ctx := context.Background()
	statements := constantStatements(t, filepath.Join("..", "sqlstore"))
	if len(statements) < 100 {
		t.Fatalf("found %d constant statements in the shared store; it has a few hundred", len(statements))
	}
	dbURL := testkit.Postgres(t)
	s, err := Open(ctx, dbURL, Options{}) // the schema, as a practice has it
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	conn := adminConn(t, dbURL)
	where := slices.Sorted(func(yield func(string) bool) {
		for k := range statements {
			if !yield(k) {
				return
			}
		}
	})
	prepared := 0
	var utility []string
	for _, at := range where {
		q := statements[at]
		if !sqlStart.MatchString(q) {
			t.Errorf("%s: a statement parameter is given %q, which is no statement", at, q)
			continue
		}
		if savepoints.MatchString(q) {
			utility = append(utility, at)
			continue
		}
		sqliteStmt := slices.ContainsFunc(sqliteOnly, func(p string) bool { return strings.HasPrefix(strings.TrimSpace(q), p) })
		_, err := conn.Prepare(ctx, "", rebind(q))
		switch {
		case sqliteStmt && err == nil:
			t.Errorf("%s: listed as SQLite's alone, but PostgreSQL accepts it: %s", at, q)
		case sqliteStmt:
		case err != nil:
			t.Errorf("%s: PostgreSQL refuses %s\n%v", at, rebind(q), err)
		default:
			prepared++
		}
	}
	slices.SortStableFunc(utility, func(a, b string) int {
		return boolInt(!strings.HasPrefix(statements[a], "SAVEPOINT")) - boolInt(!strings.HasPrefix(statements[b], "SAVEPOINT"))
	})
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	for _, at := range utility {
		if _, err := tx.Exec(ctx, statements[at]); err != nil {
			t.Errorf("%s: PostgreSQL refuses %s\n%v", at, statements[at], err)
		}
	}
	t.Logf("%d constant statements prepared on PostgreSQL, and %d savepoint statements run", prepared, len(utility))
	if len(utility) == 0 {
		t.Error("no savepoint statement found: sessions.go has three")
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
