package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
	"needlelog.app/needlelog/data"
)

// actionSignIn is the audit action of a sign-in, by the practitioner who signed in; ActionSignIn's value.
const actionSignIn = "sign-in"

// maxPassphraseBytes bounds what is hashed; a passphrase is typed, not pasted from a file.
const maxPassphraseBytes = 1024

// argonCost is the cost of one argon2id hash.
type argonCost struct {
	memory  uint32 // KiB
	time    uint32 // passes over the memory
	threads uint8  // lanes
}

// passphraseCost is RFC 9106's second recommended setting (64 MiB, 3 passes, 4 lanes), well
// above OWASP's minimum for argon2id (19 MiB, 2 passes, 1 lane). A check takes about 0.15 s on
// a 2-core machine (BenchmarkCheckPassphrase): nothing for a sign-in a few times a day, and it
// makes guessing from a copied database file expensive. Hashes keep their own parameters, so
// raising these later re-hashes each passphrase at its owner's next sign-in.
var passphraseCost = argonCost{memory: 64 * 1024, time: 3, threads: 4}

const (
	saltBytes = 16
	keyBytes  = 32
)

// Accounts returns the practitioners who can sign in (those not retired), by name.
func (s *Store) Accounts(ctx context.Context) ([]data.Account, error) {
	return query(ctx, s, "accounts", `SELECT id, name, credentials, role, retired, passphrase_hash <> ''
		FROM practitioners WHERE retired = 0 ORDER BY name`, nil,
		func(r *sql.Rows, a *data.Account) error {
			return r.Scan(&a.ID, &a.Name, &a.Credentials, &a.Role, &a.Retired, &a.HasPassphrase)
		})
}

// AnyPassphraseSet reports whether a practitioner who can sign in has a passphrase: then the
// app opens to its lock screen.
func (s *Store) AnyPassphraseSet(ctx context.Context) (bool, error) {
	var set bool
	err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM practitioners
		WHERE retired = 0 AND passphrase_hash <> '')`).Scan(&set)
	if err != nil {
		return false, fmt.Errorf("read passphrases: %w", mapError(err))
	}
	return set, nil
}

// SetPassphrase sets a practitioner's passphrase. When they have one, old must match it.
// A new passphrase shorter than MinPassphraseLength is refused with a ValidationError.
//
// A first passphrase (none is set, or it was reset) while another practitioner who can sign in
// has one needs an admin: the actor of ctx must be another practitioner with the admin role and
// a passphrase, signed in (SignIn) to sign the entry; anyone else gets ErrFirstPassphraseNeedsAdmin.
//
// The passphrase also seals the practitioner's signing key (see signingKey): a first passphrase,
// or the first after a reset, makes them a new key pair; a changed one seals the same key again.
func (s *Store) SetPassphrase(ctx context.Context, practitionerID, old, new string) error {
	newN := normPassphrase(new)
	if err := validPassphrase(newN); err != nil {
		return err
	}
	cur, retired, found, err := s.passphraseHash(ctx, practitionerID)
	if err != nil {
		return fmt.Errorf("set passphrase: %w", err)
	}
	if !found || retired {
		return fmt.Errorf("set passphrase: %w", data.ErrNotFound)
	}
	stored, hasKey, err := keyInForce(ctx, s.db, practitionerID)
	if err != nil {
		return fmt.Errorf("set passphrase: %w", err)
	}
	var key *signingKey // the key to seal: the practitioner's own, or a new one
	switch {
	case cur != "" && hasKey:
		// Opening the key is the check of the old passphrase: one argon2id, not two.
		if key, err = stored.unseal(normPassphrase(old)); err != nil {
			if errors.Is(err, data.ErrWrongPassphrase) {
				return data.ErrWrongPassphrase
			}
			return fmt.Errorf("set passphrase: %w", err)
		}
	case cur != "":
		ok, err := verifyPassphrase(cur, normPassphrase(old))
		if err != nil {
			return fmt.Errorf("set passphrase: %w", err)
		}
		if !ok {
			return data.ErrWrongPassphrase
		}
	}
	fresh := key == nil
	if fresh {
		key = newSigningKey(practitionerID)
	}
	enc, sealed := hashPassphrase(newN, passphraseCost), key.seal(newN, passphraseCost)
	err = s.batch(ctx, func(b *Batch) error {
		if cur == "" {
			if err := b.firstPassphraseAllowed(practitionerID); err != nil {
				return err
			}
		}
		if err := b.swapHash(practitionerID, cur, enc); err != nil {
			return err
		}
		if b.actor == practitionerID {
			b.key = key // their own entry: signed with their key, a new one from the entry that makes it
		}
		if !fresh {
			if _, err := b.exec(`UPDATE practitioner_keys SET sealed_key = ? WHERE id = ? AND retired_seq = 0`, sealed, key.id); err != nil {
				return fmt.Errorf("seal key: %w", err)
			}
			return b.audit(data.ActionPassphraseSet, "practitioner", practitionerID, "")
		}
		var retired []practitionerKey
		if hasKey { // a key left in force without a passphrase: it cannot be opened any more
			if retired, err = b.retireKeys(practitionerID); err != nil {
				return err
			}
		}
		if err := b.addKey(key, sealed); err != nil {
			return err
		}
		return b.audit(data.ActionPassphraseSet, "practitioner", practitionerID, keyDetail(key, retired))
	})
	if err != nil {
		return fmt.Errorf("set passphrase: %w", err)
	}
	if s.defaultActor() == practitionerID {
		s.holdKey(practitionerID, key)
	}
	return nil
}

// firstPassphraseAllowed refuses a first passphrase for practitionerID while others have one,
// unless the batch's actor is another admin with a passphrase.
func (b *Batch) firstPassphraseAllowed(practitionerID string) error {
	var others bool
	if err := b.q().QueryRowContext(b.ctx, `SELECT EXISTS (SELECT 1 FROM practitioners
		WHERE retired = 0 AND passphrase_hash <> '' AND id <> ?)`, practitionerID).Scan(&others); err != nil {
		return mapError(err)
	}
	if !others {
		return nil // the practice's first passphrase
	}
	if b.actor == "" || b.actor == practitionerID {
		return data.ErrFirstPassphraseNeedsAdmin
	}
	var admin bool
	err := b.q().QueryRowContext(b.ctx, `SELECT role = ? AND retired = 0 AND passphrase_hash <> ''
		FROM practitioners WHERE id = ?`, data.RoleAdmin, b.actor).Scan(&admin)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !admin) {
		return data.ErrFirstPassphraseNeedsAdmin
	}
	return mapError(err)
}

// CheckPassphrase reports whether passphrase is the practitioner's. An unknown or retired
// practitioner, or one without a passphrase, gets false after the same work as a wrong
// passphrase, so the time taken tells nothing.
func (s *Store) CheckPassphrase(ctx context.Context, practitionerID, passphrase string) (bool, error) {
	cur, retired, found, err := s.passphraseHash(ctx, practitionerID)
	if err != nil {
		return false, fmt.Errorf("check passphrase: %w", err)
	}
	if !found || retired || cur == "" {
		verifyPassphrase(dummyHash(), normPassphrase(passphrase)) //nolint:errcheck // for its time only
		return false, nil
	}
	ok, err := verifyPassphrase(cur, normPassphrase(passphrase))
	if err != nil {
		return false, fmt.Errorf("check passphrase: %w", err)
	}
	return ok, nil
}

// SignIn checks a practitioner's passphrase and logs the sign-in. A wrong passphrase, an
// unknown or a retired practitioner all give ErrWrongPassphrase, and a failed-attempt entry in
// the audit log with no practitioner of its own. A practitioner who has no passphrase gets
// ErrNoPassphrase: the lock screen offers to set one (it lists who has one anyway).
//
// Signing in unseals the practitioner's signing key, which the store then holds in memory to
// sign their audit entries until SetActor names someone else (a lock names no one). A
// practitioner whose passphrase was set before keys existed gets their key now.
func (s *Store) SignIn(ctx context.Context, practitionerID, passphrase string) error {
	cur, retired, found, err := s.passphraseHash(ctx, practitionerID)
	if err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	if found && !retired && cur == "" {
		return data.ErrNoPassphrase
	}
	pass := normPassphrase(passphrase)
	var stored practitionerKey
	hasKey := false
	if found && !retired {
		if stored, hasKey, err = keyInForce(ctx, s.db, practitionerID); err != nil {
			return fmt.Errorf("sign in: %w", err)
		}
	}
	ok := false
	var key *signingKey
	switch {
	case hasKey:
		// Opening the key is the passphrase's check: one argon2id per sign-in.
		key, err = stored.unseal(pass)
		if err != nil && !errors.Is(err, data.ErrWrongPassphrase) {
			return fmt.Errorf("sign in: %w", err)
		}
		ok = err == nil
	case found && !retired:
		if ok, err = verifyPassphrase(cur, pass); err != nil {
			return fmt.Errorf("sign in: %w", err)
		}
	default:
		verifyPassphrase(dummyHash(), pass) //nolint:errcheck // for its time only
	}
	if !ok {
		err := s.batch(data.WithActor(ctx, ""), func(b *Batch) error {
			return b.audit(data.ActionSignInFailed, "practitioner", practitionerID, "")
		})
		if err != nil {
			return fmt.Errorf("sign in: %w", err)
		}
		return data.ErrWrongPassphrase
	}
	var sealed string
	if key == nil { // a passphrase from before signing keys: make theirs, once
		key = newSigningKey(practitionerID)
		sealed = key.seal(pass, passphraseCost)
	}
	err = s.batch(data.WithActor(ctx, practitionerID), func(b *Batch) error {
		if hashCost(cur) != passphraseCost {
			// Stored under older parameters: store it again under the current ones, now that
			// the passphrase is at hand. A concurrent change wins; the old hash still works.
			if err := b.swapHash(practitionerID, cur, hashPassphrase(pass, passphraseCost)); err != nil && !errors.Is(err, data.ErrConflict) {
				return err
			}
		}
		b.key = key
		if sealed == "" {
			return b.audit(actionSignIn, "practitioner", practitionerID, "")
		}
		if err := b.addKey(key, sealed); err != nil {
			return err
		}
		return b.audit(actionSignIn, "practitioner", practitionerID, keyDetail(key, nil))
	})
	if err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	s.holdKey(practitionerID, key)
	return nil
}

// ResetPassphrase clears a practitioner's passphrase, for one who forgot it: they set a new one
// at their next sign-in, an admin confirming it (see SetPassphrase). Only another practitioner with the admin role may do it: the actor of
// ctx (see WithActor), who is logged as having done it. Their signing key, which the forgotten
// passphrase sealed, is retired (its public half stays, to check what it signed); the next
// passphrase makes a new one. No record depends on the passphrase.
func (s *Store) ResetPassphrase(ctx context.Context, practitionerID string) error {
	actor := data.ActorFrom(ctx)
	err := s.batch(ctx, func(b *Batch) error {
		if actor == "" || actor == practitionerID {
			return data.ErrResetNotAllowed
		}
		var role data.Role
		var retired bool
		err := b.tx.QueryRowContext(b.ctx, `SELECT role, retired FROM practitioners WHERE id = ?`, actor).Scan(&role, &retired)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (role != data.RoleAdmin || retired)) {
			return data.ErrResetNotAllowed
		}
		if err != nil {
			return mapError(err)
		}
		res, err := b.exec(`UPDATE practitioners SET passphrase_hash = '', updated_at = ? WHERE id = ?`,
			data.TimeText(b.store.now()), practitionerID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return data.ErrNotFound
		}
		gone, err := b.retireKeys(practitionerID)
		if err != nil {
			return err
		}
		return b.audit(data.ActionPassphraseReset, "practitioner", practitionerID, keyDetail(nil, gone))
	})
	if err != nil {
		return fmt.Errorf("reset passphrase: %w", err)
	}
	s.holdKey(practitionerID, nil)
	return nil
}

// passphraseHash reads a practitioner's stored hash ("" when none is set).
func (s *Store) passphraseHash(ctx context.Context, id string) (hash string, retired, found bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT passphrase_hash, retired FROM practitioners WHERE id = ?`, id).Scan(&hash, &retired)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, false, nil
	}
	if err != nil {
		return "", false, false, mapError(err)
	}
	return hash, retired, true, nil
}

// swapHash replaces a practitioner's hash only if it is still old: hashing runs outside the
// transaction (it takes a tenth of a second), so a change made meanwhile must not be lost.
func (b *Batch) swapHash(id, old, new string) error {
	res, err := b.exec(`UPDATE practitioners SET passphrase_hash = ?, updated_at = ? WHERE id = ? AND passphrase_hash = ?`,
		new, data.TimeText(b.store.now()), id, old)
	if err != nil {
		return err
	}
	return b.updated(res, "practitioners", id)
}

// normPassphrase puts a passphrase in Unicode normal form NFKC, as NIST SP 800-63B advises: an
// "é" typed on one keyboard as one character and on another as two is the same passphrase.
func normPassphrase(p string) string { return norm.NFKC.String(p) }

func validPassphrase(p string) error {
	switch {
	case utf8.RuneCountInString(p) < data.MinPassphraseLength:
		return &data.ValidationError{Fields: []data.FieldError{{Field: "passphrase", Message: fmt.Sprintf(
			"A passphrase needs at least %d characters; a few words are easier to remember than symbols.", data.MinPassphraseLength)}}}
	case len(p) > maxPassphraseBytes:
		return &data.ValidationError{Fields: []data.FieldError{{Field: "passphrase", Message: "That passphrase is too long; a few words are enough."}}}
	}
	return nil
}

// b64 is the PHC string format's base64: standard alphabet, no padding.
var b64 = base64.RawStdEncoding

// hashPassphrase hashes a passphrase with argon2id and a random salt, encoded in the PHC string
// format other tools read: $argon2id$v=19$m=65536,t=3,p=4$salt$hash.
func hashPassphrase(p string, c argonCost) string {
	salt := make([]byte, saltBytes)
	rand.Read(salt) //nolint:errcheck // crypto/rand.Read never fails (it crashes the program instead)
	key := argon2.IDKey([]byte(p), salt, c.time, c.memory, c.threads, keyBytes)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.memory, c.time, c.threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// verifyPassphrase hashes p as enc was hashed and compares the results in constant time.
func verifyPassphrase(enc, p string) (bool, error) {
	c, salt, key, err := parseHash(enc)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(p), salt, c.time, c.memory, c.threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// hashCost returns the parameters a stored hash was made with; zero when it cannot be read.
func hashCost(enc string) argonCost {
	c, _, _, _ := parseHash(enc)
	return c
}

// parseHash reads a PHC argon2id string. Its bounds keep a damaged or edited database from
// making a sign-in take gigabytes or minutes.
func parseHash(enc string) (argonCost, []byte, []byte, error) {
	bad := func(why string) (argonCost, []byte, []byte, error) {
		return argonCost{}, nil, nil, fmt.Errorf("stored passphrase hash is damaged (%s): an admin can reset it", why)
	}
	parts := strings.Split(enc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return bad("not argon2id")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return bad("version " + parts[2])
	}
	var c argonCost
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return bad("parameter " + kv)
		}
		switch k {
		case "m":
			c.memory = uint32(n)
		case "t":
			c.time = uint32(n)
		case "p":
			if n > 255 {
				return bad("parameter " + kv)
			}
			c.threads = uint8(n)
		default:
			return bad("parameter " + kv)
		}
	}
	if c.threads < 1 || c.threads > 16 || c.time < 1 || c.time > 16 || c.memory < 8*uint32(c.threads) || c.memory > 1<<20 {
		return bad("parameters " + parts[3])
	}
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 || len(key) > 64 {
		return bad("salt or hash")
	}
	return c, salt, key, nil
}

// dummyHash is checked against when there is no real hash, so that a sign-in as someone
// unknown takes as long as a wrong passphrase.
var dummyHash = sync.OnceValue(func() string { return hashPassphrase("no such practitioner", passphraseCost) })

// IdleLockMinutes returns how many idle minutes lock the app: DefaultIdleLockMinutes when not
// set, or when what is stored cannot be read (a damaged setting must not turn the lock off).
func (s *Store) IdleLockMinutes(ctx context.Context) (int, error) {
	v, err := s.Setting(ctx, data.SettingIdleLockMinutes)
	if err != nil {
		return data.DefaultIdleLockMinutes, err
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < data.MinIdleLockMinutes || n > data.MaxIdleLockMinutes {
		return data.DefaultIdleLockMinutes, nil
	}
	return n, nil
}

// SetIdleLockMinutes sets how many idle minutes lock the app.
func (s *Store) SetIdleLockMinutes(ctx context.Context, minutes int) error {
	if minutes < data.MinIdleLockMinutes || minutes > data.MaxIdleLockMinutes {
		return &data.ValidationError{Fields: []data.FieldError{{Field: "idle_lock_minutes", Message: fmt.Sprintf(
			"Lock after between %d and %d idle minutes.", data.MinIdleLockMinutes, data.MaxIdleLockMinutes)}}}
	}
	return s.SetSetting(ctx, data.SettingIdleLockMinutes, strconv.Itoa(minutes))
}
