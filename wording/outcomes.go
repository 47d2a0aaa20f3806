package wording

import (
	"fmt"

	"needlelog.app/needlelog/data"
)

// Satisfaction says the client's own satisfaction on its 0 to 10 scale: "8/10".
func Satisfaction(n int) string { return fmt.Sprintf("%d/%d", n, data.MaxSatisfaction) }

// ScarGrades says the Goodman and Baron acne scar grades of an assessment, at baseline and now,
// each as the scale names it: "3 moderate at baseline, 2 mild now"; "" when neither was graded.
func ScarGrades(baseline, now data.Optional[int]) string {
	var s string
	if baseline.Valid {
		s = data.ScarGradeWords(baseline.V) + " at baseline"
	}
	if now.Valid {
		if s != "" {
			s += ", "
		}
		s += data.ScarGradeWords(now.V) + " now"
	}
	return s
}

// AssessedFrom says how a result was assessed: "from photos" or "in person".
func AssessedFrom(fromPhotos bool) string {
	if fromPhotos {
		return "from photos"
	}
	return "in person"
}
