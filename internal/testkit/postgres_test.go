package testkit_test

import (
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"testing"

	"needlelog.app/needlelog/internal/testkit"
)

func TestPostgresFailsWithoutAServer(t *testing.T) {
	t.Setenv(testkit.PostgresEnv, "")
	ft := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		testkit.Postgres(ft)
	}()
	<-done
	if !strings.Contains(ft.fatal, "scripts/test") || !strings.Contains(ft.fatal, testkit.PostgresEnv) {
		t.Fatalf("without a server the test fails with %q; want a sentence naming scripts/test and %s", ft.fatal, testkit.PostgresEnv)
	}
}

// fatalTB records a Fatal and ends the goroutine, as testing.T does, without failing the test.
type fatalTB struct {
	testing.TB
	fatal string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (f *fatalTB) Fatal(args ...any) {
	f.fatal = fmt.Sprint(args...)
	runtime.Goexit()
}
func (f *fatalTB) Skip(args ...any)                 { f.fatal = "skipped: " + fmt.Sprint(args...); runtime.Goexit() }
func (f *fatalTB) Skipf(format string, args ...any) { f.Skip(fmt.Sprintf(format, args...)) }
func (f *fatalTB) SkipNow()                         { f.Skip() }

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
