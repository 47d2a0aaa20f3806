// Package postgres is Needlelog's engine for a clinic's server: one practice kept in a PostgreSQL
// database that several PCs share, reached through github.com/jackc/pgx (pure Go). Open connects,
// brings the schema up to this build's version with embedded migrations, and maps the driver's
// errors to the domain's, so no caller ever sees PostgreSQL's words or a password.
package postgres

import (
	"database/sql"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/sqlstore"
)

// PasswordEnv names the variable holding the server password when the URL has none, so that it
// never has to be typed on a command line, where other users and the shell's history see it.
const PasswordEnv = "NEEDLELOG_DB_PASSWORD"

// defaultConnectTimeout bounds each attempt to reach the server when neither the URL
// (connect_timeout) nor PGCONNECT_TIMEOUT says: a server that is off or a cable that is out is
// said within seconds, not after the operating system's minutes.
const defaultConnectTimeout = 5 * time.Second

// Options says how to open a practice on a server.
type Options struct {
	// Password is used when the URL has none: the one the app asked the user for. Without it the
	// password comes from NEEDLELOG_DB_PASSWORD, then PGPASSWORD, then the password file
	// (PGPASSFILE, the URL's passfile, or ~/.pgpass).
	Password string
	// Now is the clock; time.Now when nil. Tests set it.
	Now func() time.Time
}

// Store is a practice on a PostgreSQL server: the shared store's records (sqlstore.Store) over
// the server's connections.
type Store struct {
	*sqlstore.Store
	pool *pgxpool.Pool
	db   *sql.DB // the shared store's connections (driver.go)
	addr string  // the server as said to the user: host:port
}

var _ store.Store = (*Store)(nil)

// Close releases the store's connections; it is not used again.
func (s *Store) Close() error {
	var err error
	if s.db != nil {
		err = s.db.Close()
	}
	s.pool.Close()
	return err
}
