package data_test

import "time"

var testNow = time.Date(2026, 3, 10, 14, 30, 0, 0, time.UTC)
