package data

// ClientFilter chooses which clients a list shows.
type ClientFilter int

const (
	AllClients    ClientFilter = iota // by name
	DueClients                        // next session due on or before ClientQuery.DueBy, soonest first
	RecentClients                     // seen on or after ClientQuery.Since, most recent first
)

// ClientQuery says which clients to list, and from where.
type ClientQuery struct {
	Text     string // matches name, phone or email; each word by its beginning ("ann smi")
	Filter   ClientFilter
	DueBy    Date           // DueClients: default today
	Since    Date           // RecentClients: default 30 days ago
	Archived bool           // list archived clients instead of current ones
	After    *ClientSummary // the last row of the previous page; nil for the first page
	Limit    int            // default 100
}
