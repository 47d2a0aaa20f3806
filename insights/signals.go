package insights

import (
	"fmt"
	"math"
)

const (
	// MinSessions is the fewest sessions a group needs for its rate to be said as a percentage,
	// and for it to be tested for a signal.
	MinSessions = 10
	// MinSignalCases is the fewest sessions with a side effect a signal rests on.
	MinSignalCases = 3
	// SignalP is the one-sided exact binomial test's threshold: a group is pointed out when a
	// count as high as its own would happen less often than this at the practice's overall rate.
	SignalP = 0.01
)

// SignalDimensions are the groupings tested for signals.
var SignalDimensions = []Dimension{ByLot, ByZone, ByDepth, ByProduct, ByPractitioner, ByDevice}

// NoSignal says that the period raised no signal, where the signals would be.
const NoSignal = "No safety signal: no lot, zone, depth band, product, practitioner or device has a side-effect rate clearly above the practice's own."

// Signal is a group whose side-effect rate is clearly above the practice's own.
type Signal struct {
	By           Dimension
	Rate         Rate
	PracticeRate Rate
	P            float64 // P(X ≥ k) for X ~ Binomial(n, practice rate)
}

// Sentence says the signal with its counts, the test and its thresholds.
func (s Signal) Sentence() string {
	return fmt.Sprintf("%s %s: %d of %d sessions had a side effect, against %d of %d in the practice "+
		"(one-sided exact binomial test at the practice's rate, p %s, below %g; groups of at least %d sessions "+
		"with at least %d side-effect sessions are tested)",
		s.By, s.Rate.Group, s.Rate.WithSideEffects, s.Rate.Sessions, s.PracticeRate.WithSideEffects,
		s.PracticeRate.Sessions, formatP(s.P), SignalP, MinSessions, MinSignalCases)
}

// formatP says a p-value with its relation: "= 0.0003", "< 0.0001".
func formatP(p float64) string {
	if p < 0.0001 {
		return "< 0.0001"
	}
	return fmt.Sprintf("= %.4f", p)
}

// Signals tests each group of SignalDimensions against the report's overall rate, in that order.
func Signals(r *Report) []Signal {
	overall := r.Overall()
	if overall.Sessions == 0 {
		return nil
	}
	p := float64(overall.WithSideEffects) / float64(overall.Sessions)
	var out []Signal
	for _, d := range SignalDimensions {
		for _, g := range r.By[d] {
			if g.Sessions < MinSessions || g.WithSideEffects < MinSignalCases || g.Group == NotRecorded {
				continue
			}
			if float64(g.WithSideEffects) <= p*float64(g.Sessions) {
				continue // at or below the expected count: not above the practice's rate
			}
			if pv := BinomialTail(g.Sessions, g.WithSideEffects, p); pv < SignalP {
				out = append(out, Signal{By: d, Rate: g, PracticeRate: overall, P: pv})
			}
		}
	}
	return out
}

// BinomialTail is P(X ≥ k) for X ~ Binomial(n, p), summed exactly term by term in logarithms.
func BinomialTail(n, k int, p float64) float64 {
	switch {
	case k <= 0:
		return 1
	case k > n:
		return 0
	case p <= 0:
		return 0
	case p >= 1:
		return 1
	}
	lp, lq := math.Log(p), math.Log1p(-p)
	lgn, _ := math.Lgamma(float64(n + 1))
	sum := 0.0
	for i := k; i <= n; i++ {
		a, _ := math.Lgamma(float64(i + 1))
		c, _ := math.Lgamma(float64(n - i + 1))
		term := math.Exp(lgn - a - c + float64(i)*lp + float64(n-i)*lq)
		sum += term
		if term < sum*1e-17 && float64(i) > float64(n)*p {
			break // the remaining terms fall geometrically and add nothing a double holds
		}
	}
	return min(sum, 1)
}
