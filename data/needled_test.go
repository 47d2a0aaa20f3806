package data

import "testing"

func TestNotForNeedledSkin(t *testing.T) {
	t.Parallel()
	serum := Product{Name: "Hyaluronic acid serum (sterile)", NeedledSkinOK: true}
	vitaminC := Product{Name: "Vitamin C serum (L-ascorbic acid)", NeedledSkinOK: false}
	for _, c := range []struct {
		prod  Product
		phase Phase
		want  bool
	}{
		{vitaminC, PhaseBefore, false},
		{vitaminC, PhaseDuring, true},
		{vitaminC, PhaseAfter, true},
		{serum, PhaseBefore, false},
		{serum, PhaseDuring, false},
		{serum, PhaseAfter, false},
		{vitaminC, "", false}, // no phase is not a phase on needled skin
	} {
		if got := NotForNeedledSkin(c.prod, c.phase); got != c.want {
			t.Errorf("NotForNeedledSkin(%s, %q) = %v, want %v", c.prod.Name, c.phase, got, c.want)
		}
	}
}
