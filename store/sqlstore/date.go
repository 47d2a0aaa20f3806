package sqlstore

import (
	"context"

	"needlelog.app/needlelog/data"
)

// DateOrder is the order the practice types dates in: its setting, else the computer's. The app
// makes it the one typed dates are read in (SetDateOrder) when it opens the practice to work in;
// opening a file, a backup for one, changes nothing.
func (s *Store) DateOrder(ctx context.Context) data.DateOrder {
	if o, err := s.Setting(ctx, data.SettingDateOrder); err == nil && (o == string(data.DayMonthYear) || o == string(data.MonthDayYear)) {
		return data.DateOrder(o)
	}
	return data.SystemDateOrder()
}
