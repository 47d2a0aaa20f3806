package sqlstore

import (
	"bytes"
	"encoding/json"
	"fmt"

	"needlelog.app/needlelog/data"
)

// A practitioner who comes to a new copy of the practice (a laptop) signs in there with the
// passphrase they have at the clinic, and signs with the same key: their passphrase's hash and
// their sealed key travel with them, the key made in force on the new copy by an entry of its own
// audit chain.

type transferAccount struct {
	PassphraseHash string `json:"passphrase_hash"`
	KeyID          string `json:"key_id,omitempty"`
	Public         string `json:"public,omitempty"`
	Sealed         string `json:"sealed,omitempty"`
}

// accountOf is a practitioner's passphrase and key in force, nil when they have no passphrase.
func (b *Batch) accountOf(practitionerID string) (*transferAccount, error) {
	var acct transferAccount
	if err := b.tx.QueryRowContext(b.ctx, `SELECT passphrase_hash FROM practitioners WHERE id = ?`, practitionerID).Scan(&acct.PassphraseHash); err != nil {
		return nil, fmt.Errorf("read practitioner %s: %w", practitionerID, mapError(err))
	}
	if acct.PassphraseHash == "" {
		return nil, nil
	}
	k, ok, err := keyInForce(b.ctx, b.tx, practitionerID)
	if err != nil {
		return nil, err
	}
	if ok {
		acct.KeyID, acct.Public, acct.Sealed = k.id, k.public, k.sealed
	}
	return &acct, nil
}

// adoptAccount gives a practitioner just made here the passphrase and key they came with.
func (a *applier) adoptAccount(practitionerID string, raw json.RawMessage) error {
	var acct transferAccount
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(&acct); err != nil || acct.PassphraseHash == "" {
		return a.damaged("the account of practitioner %s does not read", practitionerID)
	}
	if practitionerID == a.b.actor {
		return nil // signed in here already, with a passphrase of this copy's
	}
	b := a.b
	if _, err := b.exec(`UPDATE practitioners SET passphrase_hash = ? WHERE id = ? AND passphrase_hash = ''`, acct.PassphraseHash, practitionerID); err != nil {
		return fmt.Errorf("set the passphrase of practitioner %s: %w", practitionerID, err)
	}
	detail := "from the bundle of " + cmpOr(a.h.DeviceName, a.h.Device)
	if acct.KeyID != "" {
		if len(acct.Public) != 64 || acct.Sealed == "" {
			return a.damaged("the signing key of practitioner %s does not read", practitionerID)
		}
		seq, err := b.nextAuditSeq()
		if err != nil {
			return err
		}
		if _, err := b.exec(`INSERT INTO practitioner_keys (id, practitioner_id, public_key, sealed_key, created_at, created_seq)
			VALUES (?, ?, ?, ?, ?, ?)`, acct.KeyID, practitionerID, acct.Public, acct.Sealed, data.TimeText(b.store.now()), seq); err != nil {
			return fmt.Errorf("keep the signing key of practitioner %s: %w", practitionerID, err)
		}
		detail = "key " + acct.KeyID + "; fingerprint " + KeyFingerprint(acct.Public) + "; " + detail
	}
	return b.audit(data.ActionPassphraseSet, "practitioner", practitionerID, detail)
}
