package practice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"needlelog.app/needlelog/store/postgres"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/wording"
)

// A practice moved elsewhere leaves its old files behind, for the practitioner to delete once
// sure. Both copies carry the same identity, and so share one backup folder: work saved in the old
// copy would fork the records, and its backups would prune the moved practice's. The old copy is
// therefore marked, once the move has succeeded, with where the practice went; it is then opened
// only for reading, and nothing is written to it or backed up from it.

// settingMovedTo is the setting that marks an old copy: where its practice went, and when.
const settingMovedTo = "practice.moved_to"

// ErrMoved is a practice file left behind by a move: see MovedError.
var ErrMoved = errors.New("the practice was moved elsewhere")

// MovedError is an old copy of a practice that was moved to To at At.
type MovedError struct {
	To string
	At time.Time
}

func (e *MovedError) Error() string { return e.Sentence() }

func (e *MovedError) Is(target error) bool { return target == ErrMoved }

// ToServer reports whether the practice went to the clinic's server, To being its address.
func (e *MovedError) ToServer() bool { return IsServer(e.To) }

// ConnectToServer says where the app connects a PC to a practice on the clinic's server.
const ConnectToServer = "Settings › Database › Connect to the clinic's server…"

// Sentence is what the practitioner is told of the old copy.
func (e *MovedError) Sentence() string {
	if e.ToServer() {
		return fmt.Sprintf("This practice was moved to the clinic's server (%s) on %s. The records here are an old copy: "+
			"to work in the practice, connect this PC to the server (%s).", e.To, wording.DateTime(e.At), ConnectToServer)
	}
	return fmt.Sprintf("This practice was moved to %s on %s. The records here are an old copy.", e.To, wording.DateTime(e.At))
}

type movedMark struct {
	To string    `json:"to"`
	At time.Time `json:"at"`
}

// MarkMoved marks the practice open in s as moved to the database at to (a file, or a practice
// on the clinic's server, kept by its address without any password): one setting, written (and
// audited) as any setting is. It is written only once the moved copy is checked and in its place,
// so that the copy never carries the mark.
func MarkMoved(ctx context.Context, s *sqlite.Store, to string) error {
	if IsServer(to) {
		to = postgres.Redacted(to)
	}
	v, err := json.Marshal(movedMark{To: to, At: s.Now().UTC().Truncate(time.Second)})
	if err == nil {
		err = s.SetSetting(ctx, settingMovedTo, string(v))
	}
	if err != nil {
		return fmt.Errorf("mark %s as moved to %s: %w", s.Path(), to, err)
	}
	return nil
}

// MovedTo says where the practice open in s was moved: a *MovedError, or nil when it was not.
func MovedTo(ctx context.Context, s *sqlite.Store) (*MovedError, error) {
	v, err := s.Setting(ctx, settingMovedTo)
	if err != nil || v == "" {
		return nil, err
	}
	var m movedMark
	if err := json.Unmarshal([]byte(v), &m); err != nil || m.To == "" {
		// A mark that cannot be read still says the file was left behind.
		return &MovedError{To: "another place"}, nil
	}
	return &MovedError{To: m.To, At: m.At}, nil
}

// refuseMoved refuses to write to the practice open in s when it is an old copy left by a move.
func refuseMoved(ctx context.Context, s *sqlite.Store) error {
	moved, err := MovedTo(ctx, s)
	if err != nil {
		return fmt.Errorf("open %s: %w", s.Path(), err)
	}
	if moved != nil {
		return moved
	}
	return nil
}

// movedMarkOf is MovedTo for the practice in the file at path, opened read-only; nil when the
// file is not marked or cannot be read (whatever opens it next says why).
func movedMarkOf(ctx context.Context, path string) *MovedError {
	_, hadLog := os.Lstat(path + "-wal")
	s, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		return nil
	}
	defer func() {
		s.Close()
		// Reading a file in WAL mode makes an empty log beside it: not the file's to keep.
		if info, err := os.Lstat(path + "-wal"); hadLog != nil && err == nil && info.Size() == 0 {
			os.Remove(path + "-wal")
			os.Remove(path + "-shm")
		}
	}()
	moved, _ := MovedTo(ctx, s)
	return moved
}
