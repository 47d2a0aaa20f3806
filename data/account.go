package data

// Account is a practitioner who can sign in, and whether they have a passphrase yet.
type Account struct {
	Practitioner
	HasPassphrase bool
}
