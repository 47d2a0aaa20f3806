package sqlstore

import "strings"

// Dialect names the few places where the engines' SQL differs. The zero Dialect is SQLite's, whose
// SQL the store is written in; an engine that speaks PostgreSQL gives its own (DialectOf).
type Dialect struct {
	// PostgreSQL: words are searched in clients.search_text with client_search_pattern (no FTS5),
	// settings.value is bytea, and the aggregates and join hints are PostgreSQL's.
	PostgreSQL bool
}

// Dialecter is an Engine that speaks another SQL than SQLite's.
type Dialecter interface{ Dialect() Dialect }

// dialectOf is eng's dialect: SQLite's unless it says otherwise.
func dialectOf(eng Engine) Dialect {
	if d, ok := eng.(Dialecter); ok {
		return d.Dialect()
	}
	return Dialect{}
}

// clientMatch is the condition finding clients by the words typed (words as searchTerms keeps
// them; match is SQLite's FTS5 query made of them).
func (d Dialect) clientMatch(match string, words []string) (string, []any) {
	if !d.PostgreSQL {
		return `num IN (SELECT rowid FROM clients_fts WHERE clients_fts MATCH ?)`, []any{match}
	}
	// Each word by the beginning of a word of the name, email or phone (0007_init.sql).
	and := make([]string, len(words))
	args := make([]any, len(words))
	for i, w := range words {
		and[i], args[i] = `search_text LIKE client_search_pattern(?)`, w
	}
	return "(" + strings.Join(and, " AND ") + ")", args
}

// crossJoin is SQLite's hint keeping the left table the outer loop; PostgreSQL plans joins itself
// and has no CROSS JOIN … ON.
func (d Dialect) crossJoin() string {
	if d.PostgreSQL {
		return "JOIN"
	}
	return "CROSS JOIN"
}

// groupConcat is the aggregate joining text with a separator.
func (d Dialect) groupConcat() string {
	if d.PostgreSQL {
		return "string_agg"
	}
	return "group_concat"
}

// zonesJSON is a session's zones, in order, as a JSON array of text (s is the session's alias).
func (d Dialect) zonesJSON() string {
	if d.PostgreSQL {
		return `coalesce((SELECT json_agg(zone ORDER BY position)::text FROM session_zones z WHERE z.session_id = s.id), '[]')`
	}
	return `coalesce((SELECT json_group_array(zone) FROM (SELECT zone FROM session_zones z WHERE z.session_id = s.id ORDER BY position)), '[]')`
}

// settingArg is a text setting's value as the settings table keeps it: PostgreSQL's bytea takes
// bytes (its text input would read backslashes as escapes).
func (d Dialect) settingArg(v string) any {
	if d.PostgreSQL {
		return []byte(v)
	}
	return v
}

// settingText is the SQL reading settings.value (of the row in scope) as text.
func (d Dialect) settingText() string {
	if d.PostgreSQL {
		return `convert_from(value, 'UTF8')`
	}
	return "value"
}
