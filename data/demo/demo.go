// Package demo fills a store with a made-up but realistic microneedling practice: practitioners,
// stock lots, clients and their treatment series. It is for trying the app, showing it, and
// measuring it at the size of a busy practice's ten years of records.
package demo

import (
	"context"
	"math/rand/v2"

	"needlelog.app/needlelog/data"
	nlstore "needlelog.app/needlelog/store"
)

// Options says how large a practice to make. Zero values take the defaults.
type Options struct {
	Clients  int   // default 200
	Sessions int   // total sessions to write, default 5 per client; spread across clients in series
	Seed     int64 // random seed; same seed, same practice (apart from IDs, which are UUIDv7)
	// PhotoClients is how many clients get drawn stand-in photos: before and after photos of their
	// latest three sessions, and a follow-up. Default one client in five, at most 30; negative for
	// none. Each client's photos take about 0.4 s of processor time and 2 MB of the file.
	PhotoClients int
	// Photos, when above 0, is how many photos to make: clients are given photos (as PhotoClients
	// says of each) until there are that many, whatever PhotoClients says.
	Photos int
	// FullSize makes each original a 12 MP photo as a phone takes it (PhotoSize12MP): 4000 × 3000,
	// 3–4 MB, with its date in EXIF, so that a practice's size, opening and backups can be measured
	// as a real one's. About 1 s of processor time a photo.
	FullSize bool
	// Years, when above 2, is the practice's age: most clients finished their last course at some
	// time in those years and a few are being treated now, so that a year holds a share of the
	// sessions as it does in an old practice. Otherwise every client's latest course is within
	// about two years, as in a young practice (or a demo to try the app on).
	Years int
	// Progress, when set, is told after each committed chunk how far the work has come: sessions
	// written, then photos, out of their total.
	Progress func(done, total int)
}

// Result counts what Generate wrote.
type Result struct {
	Clients, Sessions, SideEffects, Practitioners, Photos int
	Signed, Amendments, Overrides                         int // sessions signed, amendments, blocks passed
	Results                                               int // results (GAIS) assessed
}

// chunkRecords is how many clients and sessions go in one transaction: enough that commits
// (each an fsync) are rare, few enough that the WAL stays small and cancelling is prompt.
const chunkRecords = 2000

// Generate writes a demo practice into s. Dates are laid out relative to s.Now(), so the same
// seed on the same day gives the same practice. Each chunk is committed whole; on an error or
// when ctx is cancelled, Generate stops and the chunks already committed stay in the store.
//
// Records go through the store's own checks: most past sessions are signed by the practitioner
// who treated (those with photos once the photos are in), some are amended afterwards with a
// reason, a few clients are treated within a rule's window with the reason written, and the audit
// log holds every one of these writes. Signing and amending are stamped with the time of
// generation, as the store's clock gives it, not with the session's day.
func Generate(ctx context.Context, s nlstore.Store, opt Options) (Result, error) {
	if opt.Clients <= 0 {
		opt.Clients = 200
	}
	if opt.Sessions <= 0 {
		opt.Sessions = 5 * opt.Clients
	}
	seed := uint64(opt.Seed)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	g, err := newGenerator(ctx, s, r)
	if err != nil {
		return Result{}, err
	}
	g.photoLimit, g.fullSize = opt.Photos, opt.FullSize
	if opt.Years > 2 {
		// A stream of its own, so that a young practice of a seed stays as it was.
		g.years, g.past = opt.Years, rand.New(rand.NewPCG(seed^0x452821e638d01377, seed+0xbe5466cf34e90c6c))
	}
	g.records = rand.New(rand.NewPCG(seed^0x243f6a8885a308d3, seed+0x13198a2e03707344))
	g.results = rand.New(rand.NewPCG(seed^0xa4093822299f31d0, seed+0x082efa98ec4e6c89))
	// A clinic of its own, so that reports printed from the demo carry a header like a real one's.
	for key, v := range map[string]string{data.SettingClinicName: "Demo Skin Clinic",
		data.SettingClinicAddress: "12 Example Street\nSampletown ST1 2AB", data.SettingClinicPhone: "+44 20 7946 0000",
		data.SettingCurrency: "GBP"} {
		if err := s.SetSetting(ctx, key, v); err != nil {
			return Result{}, err
		}
	}
	res := Result{Practitioners: len(g.practitioners)}
	counts := spread(r, opt.Clients, opt.Sessions)
	photosFor, photoEstimate := choosePhotoClients(counts, opt.PhotoClients, opt.Clients, opt.Photos)
	total := opt.Sessions + photoEstimate
	progress := func(done int) {
		if opt.Progress != nil {
			opt.Progress(done, total)
		}
	}
	for start := 0; start < len(counts); {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		end, records := start, 0
		for end < len(counts) && records < chunkRecords {
			records += 1 + counts[end]
			end++
		}
		var chunk Result
		err := s.Batch(ctx, func(b nlstore.Batch) error {
			chunk = Result{}
			for i, n := range counts[start:end] {
				if err := g.writeClient(b, n, photosFor[start+i], &chunk); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			if ctx.Err() != nil { // report the cancellation, not the statement it interrupted
				return res, ctx.Err()
			}
			return res, err
		}
		res.Clients += chunk.Clients
		res.Sessions += chunk.Sessions
		res.SideEffects += chunk.SideEffects
		res.Signed += chunk.Signed
		res.Amendments += chunk.Amendments
		res.Overrides += chunk.Overrides
		res.Results += chunk.Results
		progress(res.Sessions)
		start = end
	}
	if len(g.photoPlans) > 0 {
		res.Photos, err = g.writePhotos(ctx, s, func(n int) { progress(res.Sessions + n) })
		if err == nil {
			err = g.signPhotographed(ctx, s, &res)
		}
		if err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			return res, err
		}
		if res.Sessions+res.Photos < total {
			progress(total) // follow-ups not yet due were counted in
		}
	}
	return res, nil
}

// choosePhotoClients picks which clients get photos: want of them (0 for the default, negative for
// none), those with two sessions or more first, so that photos show a course's progress. It also
// returns how many photos that makes at most. A target above 0 gives clients photos until there
// are that many, and no more.
func choosePhotoClients(counts []int, want, clients, target int) (chosen []bool, photos int) {
	if want == 0 {
		want = photoClientsFor(clients)
	}
	if target > 0 {
		want = len(counts)
	}
	chosen = make([]bool, len(counts))
	for _, least := range []int{2, 1} {
		for i, n := range counts {
			// With a target, a quarter more is planned: follow-ups not yet due are counted but not
			// made, and writePhotos stops at the target.
			if want > 0 && !chosen[i] && n >= least && (target <= 0 || photos < target+target/4) {
				chosen[i] = true
				photos += estimatePhotos(n)
				want--
			}
		}
	}
	if target > 0 {
		photos = min(photos, target)
	}
	return chosen, photos
}

// spread shares total sessions among n clients: an even share each, then random moves, so that
// some clients have come once and some many times.
func spread(r *rand.Rand, n, total int) []int {
	counts := make([]int, n)
	for i := range counts {
		counts[i] = total / n
		if i < total%n {
			counts[i]++
		}
	}
	for range n {
		from, to, k := r.IntN(n), r.IntN(n), 1+r.IntN(3)
		if counts[from] > k { // everyone who had a session keeps one
			counts[from] -= k
			counts[to] += k
		}
	}
	return counts
}

// pick returns a random element of list, or the zero value when the list is empty.
func pick[T any](r *rand.Rand, list []T) T {
	var zero T
	if len(list) == 0 {
		return zero
	}
	return list[r.IntN(len(list))]
}

// weighted returns an index chosen with the given relative weights.
func weighted(r *rand.Rand, weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }
