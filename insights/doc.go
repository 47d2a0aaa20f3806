// Package insights turns a period's sessions into what they teach the practice: sessions per
// month, new and returning clients, series kept, side-effect rates by group, days to resolution,
// revenue, and the safety signals among the rates. It reads facts the store gives it (Fact, one per
// session) and knows no SQL and no screen.
//
// The rules, decided once here:
//
//   - A session counts in the period by its start date in the practice's time zone, both ends
//     included, whatever its state (drafts too). A side effect counts for its session whenever it
//     began, even after the period.
//   - A session "has a side effect" when at least one side effect is recorded for it; the rate of a
//     group is its sessions with a side effect over its sessions. Asked to (Query.BeyondExpected),
//     only side effects beyond the expected ones count, here and in days to resolution: a kind is
//     expected when the practice's list of side effects files it so.
//   - Depth bands read the session's deepest zone. Each band includes its upper edge: ≤0.5 mm,
//     over 0.5 up to 1.0, over 1.0 up to 1.5, over 1.5 up to 2.0, over 2.0. So 1.0 mm is in
//     "0.5–1.0" and 1.05 mm in "1.0–1.5". A session with no zone is "not recorded".
//   - A session counts once in each zone it treated, each product applied (before, during or
//     after; the anaesthetic is not a product applied to the skin's channels), and each lot used:
//     the needle cartridge's, the anaesthetic's and the products' lots.
//   - Fitzpatrick is the client's type as recorded now: I to VI, or "not recorded".
//   - Small numbers: a group with fewer than MinSessions sessions is said as its counts with a
//     note, never as a bare percentage (Rate.Enough; wording.SideEffectRate says it).
//   - Safety signal: a group with at least MinSessions sessions and at least MinSignalCases
//     sessions with a side effect, whose count is improbably high at the practice's own overall
//     rate: the one-sided exact binomial test P(X ≥ k | n, p) < SignalP, p being the rate of all
//     the period's sessions. Its sentence names the counts, the test, the threshold and the minimum.
//   - Series: a series starts at a session 1 of a planned series (of N > 0) and completes at its
//     session N. The interval kept is the days between a session 2 or later of a series and the
//     client's previous session, averaged.
//   - Revenue per month adds the prices recorded; sessions without a price are counted apart.
//   - Results: a session counts with the latest result (GAIS grade) assessed after it, spread by
//     its depth band and by each concern it treated ("not recorded" when it names none).
//   - Every group keeps the IDs of the sessions it counts, so that a bar or a row opens them.
package insights
