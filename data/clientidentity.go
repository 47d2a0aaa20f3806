package data

import "strings"

// ClientNameKey is a client's folded name, last name first: how clients sort and how an import
// finds the clients a row may be.
func ClientNameKey(first, last string) string {
	return Fold(last + " " + first)
}

// ClientIdentity is what tells one client from another in an import.
type ClientIdentity struct {
	Name, DOB, Email, Phone string // folded name (ClientNameKey), YYYY-MM-DD, lower-case email, phone digits
	Display                 string
}

// IdentityOf is the identity of a client with these details; dob is YYYY-MM-DD or empty.
func IdentityOf(first, last, dob, email, phone string) ClientIdentity {
	return ClientIdentity{Name: ClientNameKey(first, last), DOB: dob, Email: strings.ToLower(strings.TrimSpace(email)),
		Phone: DigitsOf(phone), Display: JoinName(first, last)}
}

// Describe names the client for a line of an import's report.
func (id ClientIdentity) Describe() string {
	if id.DOB != "" {
		return id.Display + ", born " + id.DOB
	}
	return id.Display
}

// SameClient reports whether a row (r) is the client e: the same folded name and, when both give a
// date of birth, the same date; otherwise the same email or phone, or a row that gives none of them.
func SameClient(e, r ClientIdentity) bool {
	switch {
	case e.Name != r.Name:
		return false
	case e.DOB != "" && r.DOB != "":
		return e.DOB == r.DOB
	case r.Email != "" && r.Email == e.Email, r.Phone != "" && r.Phone == e.Phone:
		return true
	}
	return r.DOB == "" && r.Email == "" && r.Phone == ""
}

// ClientIndex holds the identities of a practice's clients by folded name.
type ClientIndex map[string][]ClientIdentity

// Find returns the client that the row r is, if any.
func (ix ClientIndex) Find(r ClientIdentity) (ClientIdentity, bool) {
	for _, e := range ix[r.Name] {
		if SameClient(e, r) {
			return e, true
		}
	}
	return ClientIdentity{}, false
}

// Add records a client's identity.
func (ix ClientIndex) Add(id ClientIdentity) { ix[id.Name] = append(ix[id.Name], id) }
