package sqlstore

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
	"needlelog.app/needlelog/data"
)

// genesisHash is the PrevHash of the first entry.
var genesisHash = data.GenesisHash

// auditHash chains an entry to the one before it (data.AuditHash).
func auditHash(e data.AuditEntry) string { return data.AuditHash(e) }

// AuditLog returns the audit entries about one record, oldest first.
func (s *Store) AuditLog(ctx context.Context, entityID string) ([]data.AuditEntry, error) {
	return query(ctx, s, "audit log", `SELECT seq, at, practitioner_id, action, entity, entity_id, detail, prev_hash, hash
		FROM audit_log WHERE entity_id = ? ORDER BY seq`, []any{entityID},
		func(r *sql.Rows, e *data.AuditEntry) error {
			return r.Scan(&e.Seq, timeCol{&e.At}, &e.PractitionerID, &e.Action, &e.Entity, &e.EntityID, &e.Detail,
				&e.PrevHash, &e.Hash)
		})
}

// AuditHead is the latest entry of the audit log; the zero mark when there is none.
func (s *Store) AuditHead(ctx context.Context) (data.AuditMark, error) {
	var m data.AuditMark
	err := s.db.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&m.Seq, &m.Hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return data.AuditMark{}, fmt.Errorf("read the audit log: %w", mapError(err))
	}
	return m, nil
}

// mustSign refuses an entry by a practitioner with a key in force that the batch does not hold:
// it would be an unsigned entry where verify expects a signature.
func (b *Batch) mustSign() error {
	if b.actor == "" || (b.key != nil && b.key.practitionerID == b.actor) || b.keyless[b.actor] {
		return nil
	}
	_, has, err := keyInForce(b.ctx, b.q(), b.actor)
	if err != nil {
		return err
	}
	if has {
		return data.ErrNotSignedIn
	}
	if b.keyless == nil {
		b.keyless = map[string]bool{}
	}
	b.keyless[b.actor] = true
	return nil
}

// signingKey is a practitioner's private key, unsealed: held in memory only while they are signed in.
type signingKey struct {
	id, practitionerID string
	priv               ed25519.PrivateKey
}

func (k *signingKey) sign(hash string) []byte { return ed25519.Sign(k.priv, data.AuditSigned(hash)) }

// practitionerKey is a row of practitioner_keys.
type practitionerKey struct {
	id, practitionerID, public, sealed string
	createdSeq, retiredSeq             int64 // retiredSeq 0: in force
}

// keyInForce reads a practitioner's key in force; ok is false when they have none.
func keyInForce(ctx context.Context, q querier, practitionerID string) (k practitionerKey, ok bool, err error) {
	err = q.QueryRowContext(ctx, `SELECT id, practitioner_id, public_key, sealed_key, created_seq, retired_seq
		FROM practitioner_keys WHERE practitioner_id = ? AND retired_seq = 0`, practitionerID).
		Scan(&k.id, &k.practitionerID, &k.public, &k.sealed, &k.createdSeq, &k.retiredSeq)
	if errors.Is(err, sql.ErrNoRows) {
		return k, false, nil
	}
	if err != nil {
		return k, false, fmt.Errorf("read key: %w", mapError(err))
	}
	return k, true, nil
}

// newSigningKey makes a practitioner a key pair.
func newSigningKey(practitionerID string) *signingKey {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return &signingKey{id: newID(), practitionerID: practitionerID, priv: priv}
}

func (k *signingKey) public() string { return hex.EncodeToString(k.priv.Public().(ed25519.PublicKey)) }

// sealAD binds a seal to its key: a seal copied onto another key's row does not open.
func sealAD(keyID, public string) []byte { return []byte("needlelog key " + keyID + " " + public) }

// seal encrypts the key's seed with XChaCha20-Poly1305 under a key derived from the passphrase
// by argon2id with a salt of its own: $argon2id$v=19$m=…,t=…,p=…$salt$nonce$ciphertext.
func (k *signingKey) seal(passphrase string, c argonCost) string {
	salt := make([]byte, saltBytes)
	rand.Read(salt) //nolint:errcheck // crypto/rand.Read never fails
	aead, err := chacha20poly1305.NewX(argon2.IDKey([]byte(passphrase), salt, c.time, c.memory, c.threads, chacha20poly1305.KeySize))
	if err != nil {
		panic(err) // the key size is right
	}
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	rand.Read(nonce) //nolint:errcheck // crypto/rand.Read never fails
	ct := aead.Seal(nil, nonce, k.priv.Seed(), sealAD(k.id, k.public()))
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s$%s", argon2.Version, c.memory, c.time, c.threads,
		b64.EncodeToString(salt), b64.EncodeToString(nonce), b64.EncodeToString(ct))
}

// unseal opens a stored key with a passphrase: ErrWrongPassphrase when it is not the one it was
// sealed with. This is one argon2id, as a passphrase check is.
func (k practitionerKey) unseal(passphrase string) (*signingKey, error) {
	parts := strings.Split(k.sealed, "$")
	if len(parts) != 7 {
		return nil, fmt.Errorf("the stored key of practitioner %s is damaged: an admin can reset their passphrase", k.practitionerID)
	}
	// The first six parts read as a PHC hash whose "hash" is the nonce: parseHash bounds the cost.
	c, salt, nonce, err := parseHash(strings.Join(parts[:6], "$"))
	ct, err2 := b64.DecodeString(parts[6])
	if err != nil || err2 != nil || len(nonce) != chacha20poly1305.NonceSizeX {
		return nil, fmt.Errorf("the stored key of practitioner %s is damaged: an admin can reset their passphrase", k.practitionerID)
	}
	aead, err := chacha20poly1305.NewX(argon2.IDKey([]byte(passphrase), salt, c.time, c.memory, c.threads, chacha20poly1305.KeySize))
	if err != nil {
		return nil, err
	}
	seed, err := aead.Open(nil, nonce, ct, sealAD(k.id, k.public))
	if err != nil {
		return nil, data.ErrWrongPassphrase
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("the stored key of practitioner %s is damaged: an admin can reset their passphrase", k.practitionerID)
	}
	sk := &signingKey{id: k.id, practitionerID: k.practitionerID, priv: ed25519.NewKeyFromSeed(seed)}
	if sk.public() != k.public {
		return nil, fmt.Errorf("the stored key of practitioner %s does not match its public key: an admin can reset their passphrase", k.practitionerID)
	}
	return sk, nil
}

// addKey stores a new key, in force from the next audit entry, which it signs.
func (b *Batch) addKey(k *signingKey, sealed string) error {
	seq, err := b.nextAuditSeq()
	if err != nil {
		return err
	}
	_, err = b.exec(`INSERT INTO practitioner_keys (id, practitioner_id, public_key, sealed_key, created_at, created_seq)
		VALUES (?, ?, ?, ?, ?, ?)`, k.id, k.practitionerID, k.public(), sealed, data.TimeText(b.store.now()), seq)
	if err != nil {
		return fmt.Errorf("store key: %w", err)
	}
	return nil
}

// retireKeys retires a practitioner's key in force from the next audit entry on, and returns it
// (none when they had none), for that entry to name.
func (b *Batch) retireKeys(practitionerID string) ([]practitionerKey, error) {
	seq, err := b.nextAuditSeq()
	if err != nil {
		return nil, err
	}
	k, ok, err := keyInForce(b.ctx, b.tx, practitionerID)
	if err != nil || !ok {
		return nil, err
	}
	_, err = b.exec(`UPDATE practitioner_keys SET retired_at = ?, retired_seq = ? WHERE practitioner_id = ? AND retired_seq = 0`,
		data.TimeText(b.store.now()), seq, practitionerID)
	if err != nil {
		return nil, fmt.Errorf("retire key: %w", err)
	}
	return []practitionerKey{k}, nil
}

// KeyFingerprint is the SHA-256 of a public key's bytes, in hexadecimal (data.KeyFingerprint).
func KeyFingerprint(publicHex string) string { return data.KeyFingerprint(publicHex) }

// keyDetail is the detail of the audit entry that makes a key and retires others (either may be
// none): "key ID; fingerprint FP; retired key ID; retired fingerprint FP".
func keyDetail(made *signingKey, retired []practitionerKey) string {
	var parts []string
	if made != nil {
		parts = append(parts, "key "+made.id, "fingerprint "+KeyFingerprint(made.public()))
	}
	for _, k := range retired {
		parts = append(parts, "retired key "+k.id, "retired fingerprint "+KeyFingerprint(k.public))
	}
	return strings.Join(parts, "; ")
}

// SigningKeys lists the practitioners' signing keys in force, by practitioner name.
func (s *Store) SigningKeys(ctx context.Context) ([]data.KeyPrint, error) {
	return signingKeys(ctx, s.db)
}

func signingKeys(ctx context.Context, q querier) ([]data.KeyPrint, error) {
	var out []data.KeyPrint
	err := scanAll(ctx, q, `SELECT k.practitioner_id, coalesce(p.name, ''), k.public_key FROM practitioner_keys k
		LEFT JOIN practitioners p ON p.id = k.practitioner_id WHERE k.retired_seq = 0 ORDER BY p.name, k.practitioner_id`, nil,
		func(r *sql.Rows) error {
			var k data.KeyPrint
			var public string
			if err := r.Scan(&k.PractitionerID, &k.Practitioner, &public); err != nil {
				return err
			}
			k.Fingerprint = KeyFingerprint(public)
			out = append(out, k)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read signing keys: %w", mapError(err))
	}
	return out, nil
}
