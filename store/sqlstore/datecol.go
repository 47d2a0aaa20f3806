package sqlstore

import (
	"fmt"

	"needlelog.app/needlelog/data"
)

// dateCol reads a data.Date stored as "2006-01-02" text; dates are written as their String.
type dateCol struct{ d *data.Date }

func (c dateCol) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("scan date from %T", src)
	}
	parsed, err := data.ParseDate(s)
	if err != nil {
		return err
	}
	*c.d = parsed
	return nil
}
