package postgres_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/postgres"
)

// serverPhotosEnv names the folder under which the load, fault and benchmark tests keep the photo
// folders of their practices on the server, one per database; a temporary folder by default.
const serverPhotosEnv = "NEEDLELOG_SERVER_PHOTOS"

// openServerPractice opens the practice in the database at dbURL as a PC does: the one way the
// concurrency, fault and benchmark tests open a practice on the server, so that how it is opened
// changes in one place. Several processes opening the same database find the same photos.
func openServerPractice(ctx context.Context, dbURL string) (*postgres.Store, error) {
	// The photos' bytes are not on the server yet: every PC names a folder all of them reach.
	return postgres.Open(ctx, dbURL, postgres.Options{PhotoDir: serverPhotoDir(dbURL)})
}

// serverPhotoDir is the photo folder of the practice in the database at dbURL.
func serverPhotoDir(dbURL string) string {
	root := os.Getenv(serverPhotosEnv)
	if root == "" {
		root = filepath.Join(os.TempDir(), "needlelog-server-photos")
	}
	return filepath.Join(root, databaseName(dbURL))
}

// databaseName is the database a server URL names.
func databaseName(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		panic(err) // the tests' own URLs
	}
	return strings.TrimPrefix(u.Path, "/")
}

// newServerPractice gives the test a database of its own on the test server (testkit.Postgres)
// and returns its URL; the practice's photos go when the database does.
func newServerPractice(t testing.TB) string {
	t.Helper()
	dbURL := testkit.Postgres(t)
	t.Cleanup(func() { os.RemoveAll(serverPhotoDir(dbURL)) })
	return dbURL
}

// mustOpenServerPractice is openServerPractice that fails the test when the practice does not
// open, and closes it when the test ends.
func mustOpenServerPractice(t testing.TB, dbURL string) *postgres.Store {
	t.Helper()
	s, err := openServerPractice(context.Background(), dbURL)
	if err != nil {
		t.Fatalf("open the practice on the server: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
