package sqlstore

import (
	"fmt"

	"needlelog.app/needlelog/data"
)

// exportGAIS scans a stored GAIS code into the grade's words ("much improved"), as the scale
// says it; a code no grade has is given as stored rather than lost.
type exportGAIS struct{ v *any }

func (c exportGAIS) Scan(src any) error {
	var code string
	switch v := src.(type) {
	case string:
		code = v
	case []byte:
		code = string(v)
	case nil:
	default:
		return fmt.Errorf("scan a GAIS grade from %T", src)
	}
	*c.v = code
	if w := data.GAIS(code).Words(); w != "" {
		*c.v = w
	}
	return nil
}

var exGAIS = func(v *any) any { return exportGAIS{v} }

// exportResultsSpec reads the results assessed after the sessions an export chooses, one row per
// assessment, linked to its session and client by their IDs like the other tables.
var exportResultsSpec = exportSpec{
	name: ExportResults,
	query: func(d Dialect, q ExportQuery) (string, []any) {
		where, args := sessionFilter(q)
		return `SELECT o.id, s.id, c.id, ` + exportClientName + `, s.started_at, o.assessed_at, coalesce(p.name, ''),
			o.gais, o.satisfaction, o.scar_baseline, o.scar_now, o.from_photos, o.notes, o.created_at, o.updated_at
			FROM sessions s ` + d.crossJoin() + ` outcome_assessments o ON o.session_id = s.id JOIN clients c ON c.id = s.client_id
			LEFT JOIN practitioners p ON p.id = o.practitioner_id
			WHERE ` + where + ` ORDER BY s.started_at, s.id, o.assessed_at, o.id`, args
	},
	scan: exportScan(exText, exText, exText, exText, exTime, exTime, exText, exGAIS, exNum, exNum, exNum, exYes, exText,
		exTime, exTime),
}
