package transfer

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"

	"filippo.io/age"
)

// Lock is what a bundle is encrypted to: a passphrase (age's scrypt recipient), or the public keys
// ("age1…") of the devices that may open it.
type Lock struct {
	Passphrase string
	Recipients []string
}

// Unlock opens a bundle: its passphrase, or an age identity file's text ("AGE-SECRET-KEY-1…").
type Unlock struct {
	Passphrase string
	Identities string
}

// ScryptWorkFactor is the cost of a passphrase-locked bundle (age's default, about a second):
// tests lower it.
var ScryptWorkFactor = 18

// ErrLocked is a bundle that the passphrase or keys given do not open.
var ErrLocked = errors.New("this passphrase or key does not open the bundle (or the bundle was changed on its way): check it and try again")

// Encrypt wraps w: what is written to the result is encrypted; Close it to finish the bundle.
func Encrypt(w io.Writer, l Lock) (io.WriteCloser, error) {
	var rs []age.Recipient
	if l.Passphrase != "" {
		r, err := age.NewScryptRecipient(l.Passphrase)
		if err != nil {
			return nil, err
		}
		r.SetWorkFactor(ScryptWorkFactor)
		rs = append(rs, r)
	}
	for _, s := range l.Recipients {
		r, err := age.ParseX25519Recipient(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("%q is not a device's public key (age1…): %v", s, err)
		}
		rs = append(rs, r)
	}
	if len(rs) == 0 {
		return nil, errors.New("a bundle is always encrypted: give a passphrase or a device's public key")
	}
	if l.Passphrase != "" && len(rs) > 1 {
		return nil, errors.New("a bundle is locked with a passphrase or with keys, not both")
	}
	return age.Encrypt(w, rs...)
}

// Read decrypts a bundle from r and reads it into h (ReadPlain); sum is the SHA-256 of the bundle
// as it was given, every byte of it.
func Read(r io.Reader, u Unlock, h Handler) (sum string, err error) {
	var ids []age.Identity
	if u.Passphrase != "" {
		id, err := age.NewScryptIdentity(u.Passphrase)
		if err != nil {
			return "", err
		}
		id.SetMaxWorkFactor(22)
		ids = append(ids, id)
	}
	if u.Identities != "" {
		parsed, err := age.ParseIdentities(strings.NewReader(u.Identities))
		if err != nil {
			return "", fmt.Errorf("the key file does not read as an age identity: %v", err)
		}
		ids = append(ids, parsed...)
	}
	if len(ids) == 0 {
		return "", errors.New("give the bundle's passphrase or the key that opens it")
	}
	digest := sha256.New()
	tee := bufio.NewReaderSize(io.TeeReader(r, digest), 64<<10)
	plain, err := age.Decrypt(tee, ids...)
	if err != nil {
		return "", lockedOr(err)
	}
	if err := ReadPlain(plain, h); err != nil {
		return "", err // damaged chunks surface inside ReadPlain as ErrDamaged
	}
	// age has read its last chunk; anything after it is not part of a bundle.
	if n, _ := io.Copy(io.Discard, plain); n > 0 {
		return "", damaged("data follows its end")
	}
	if _, err := tee.ReadByte(); err != io.EOF {
		return "", damaged("data follows its end")
	}
	return hexSum(digest), nil
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// lockedOr says an age error in the product's words.
func lockedOr(err error) error {
	var noMatch *age.NoIdentityMatchError
	switch {
	case errors.As(err, &noMatch), errors.Is(err, age.ErrIncorrectIdentity):
		return ErrLocked
	}
	// The header did not read: not an age file, or one changed or cut off.
	return damaged("%v", err)
}
