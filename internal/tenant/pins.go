package tenant

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sqlscim/sqlscim/internal/provision"
)

// Pinning modes (header.pinning).
const (
	PinningOff     = "off"
	PinningLearn   = "learn"
	PinningEnforce = "enforce"
)

// Limits that keep the pins file small whatever a token holder sends:
// app names and configurations come from the request.
const (
	maxPendingPerApp = 10
	maxPinnedSets    = 1000
)

// PinSet is one configuration of an app as pinning sees it: the database
// it reaches (without its password) and a digest of each operation (its
// type, statement or procedure, parameters and columns). Statements are
// kept so that an admin can read what a pending set would run.
type PinSet struct {
	// ID is a digest of the whole set, the handle to approve it by.
	ID         string            `json:"id"`
	Database   string            `json:"database"`
	Operations map[string]string `json:"operations"`
	Statements map[string]string `json:"statements"`
	// PasswordSync is a digest of password_sync, "" without it: where
	// users' passwords go, and whether hashed, is pinned like a statement.
	PasswordSync string    `json:"password_sync,omitempty"`
	FirstSeen    time.Time `json:"first_seen"`
}

// AppPins are an app's approved sets and those waiting for approval.
type AppPins struct {
	Approved []PinSet `json:"approved"`
	Pending  []PinSet `json:"pending,omitempty"`
}

// PinFile is the pins file: <data_dir>/header-pins.json, mode 0600.
type PinFile struct {
	Apps map[string]*AppPins `json:"apps"`
}

// NewPinSet describes cfg, a compiled header configuration.
func NewPinSet(cfg *provision.Config, now time.Time) PinSet {
	s := PinSet{Database: cfg.Database.String(), Operations: map[string]string{}, Statements: map[string]string{}, FirstSeen: now.UTC()}
	all := sha256.New()
	all.Write([]byte(s.Database + "\x00"))
	names := make([]string, 0, len(cfg.Operations))
	for name := range cfg.Operations {
		names = append(names, string(name))
	}
	sort.Strings(names)
	for _, name := range names {
		op := cfg.Operations[provision.OpName(name)]
		if op == nil || !op.Enabled {
			continue
		}
		js, _ := json.Marshal(op)
		sum := sha256.Sum256(js)
		s.Operations[name] = hex.EncodeToString(sum[:8])
		s.Statements[name] = op.Statement
		all.Write([]byte(name + "\x00" + s.Operations[name] + "\x00"))
	}
	if cfg.PasswordSync != (provision.PasswordSync{}) {
		// Only when set, so that the sets learned before it keep their ids.
		js, _ := json.Marshal(cfg.PasswordSync)
		sum := sha256.Sum256(js)
		s.PasswordSync = hex.EncodeToString(sum[:8])
		all.Write([]byte("password_sync\x00" + s.PasswordSync + "\x00"))
	}
	s.ID = hex.EncodeToString(all.Sum(nil)[:6])
	return s
}

// Pins records the configurations header requests carry, per app, and in
// enforce mode refuses those an admin has not approved. The file is read
// again for every configuration not yet cached, so that `sqlscim pins
// approve` takes effect without a restart.
type Pins struct {
	mode string
	path string
	now  func() time.Time

	mu   sync.Mutex
	file PinFile
}

// OpenPins reads the pins file at path (none yet is an empty one) for
// mode learn or enforce.
func OpenPins(path, mode string) (*Pins, error) {
	if mode != PinningLearn && mode != PinningEnforce {
		return nil, fmt.Errorf("header.pinning %q is not learn or enforce", mode)
	}
	p := &Pins{mode: mode, path: path, now: time.Now}
	if err := p.reload(); err != nil {
		return nil, err
	}
	return p, nil
}

// Mode is learn or enforce.
func (p *Pins) Mode() string { return p.mode }

// reload reads the file again. It is small (maxPinnedSets at most) and
// read only for a configuration that is not cached yet, so reading it
// whole each time is cheaper than being wrong about a change: the pins
// command writes it while sqlscim runs.
func (p *Pins) reload() error {
	f, err := ReadPinFile(p.path)
	if err != nil {
		return err
	}
	p.file = f
	return nil
}

// ReadPinFile reads a pins file; one that does not exist is empty.
func ReadPinFile(path string) (PinFile, error) {
	f := PinFile{Apps: map[string]*AppPins{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, err
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return f, fmt.Errorf("%s: %v (it is sqlscim's header.pinning file; remove it to start learning again)", path, err)
	}
	if f.Apps == nil {
		f.Apps = map[string]*AppPins{}
	}
	return f, nil
}

// WritePinFile writes f to path with mode 0600, through a temporary file
// renamed over it, so that a reader never sees half a file.
func WritePinFile(path string, f PinFile) error {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".header-pins-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// PinRefusal is a configuration that enforce mode refuses.
type PinRefusal struct {
	App string
	Set PinSet
	// Changed says what differs from the app's closest approved set, or
	// that the app has none.
	Changed string
}

func (e *PinRefusal) Error() string {
	return fmt.Sprintf("the configuration of app %s is not approved (header.pinning: enforce): %s; an admin approves it, after reading it with sqlscim pins, with: sqlscim pins approve %s %s",
		e.App, e.Changed, e.App, e.Set.ID)
}

// Check records cfg's set for app and, in enforce mode, refuses one that
// is not approved with a *PinRefusal. learned reports a set learn mode
// added.
func (p *Pins) Check(app string, cfg *provision.Config) (learned bool, err error) {
	set := NewPinSet(cfg, p.now())
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.reload(); err != nil {
		return false, err
	}
	ap := p.file.Apps[app]
	if ap != nil && findSet(ap.Approved, set.ID) >= 0 {
		return false, nil
	}
	if p.mode == PinningLearn {
		if p.count() >= maxPinnedSets {
			return false, fmt.Errorf("the pins file holds %d configurations, the most it keeps; approve or remove some (sqlscim pins) before learning more", maxPinnedSets)
		}
		return true, p.update(func(f *PinFile) {
			a := f.app(app)
			if findSet(a.Approved, set.ID) < 0 {
				a.Approved = append(a.Approved, set)
			}
		})
	}
	refusal := &PinRefusal{App: app, Set: set, Changed: changes(ap, set)}
	if ap == nil || findSet(ap.Pending, set.ID) < 0 {
		if p.count() < maxPinnedSets {
			if err := p.update(func(f *PinFile) {
				a := f.app(app)
				if findSet(a.Pending, set.ID) < 0 {
					a.Pending = append(a.Pending, set)
					if len(a.Pending) > maxPendingPerApp {
						a.Pending = a.Pending[len(a.Pending)-maxPendingPerApp:]
					}
				}
			}); err != nil {
				return false, err
			}
		}
	}
	return false, refusal
}

// update applies change to the file as it is on disk now (another
// process, the pins command, may have written it) and writes it back.
func (p *Pins) update(change func(*PinFile)) error {
	f, err := ReadPinFile(p.path)
	if err != nil {
		return err
	}
	change(&f)
	if err := WritePinFile(p.path, f); err != nil {
		return fmt.Errorf("header.pinning: %w", err)
	}
	p.file = f
	return nil
}

func (p *Pins) count() int {
	n := 0
	for _, a := range p.file.Apps {
		n += len(a.Approved) + len(a.Pending)
	}
	return n
}

func (f *PinFile) app(name string) *AppPins {
	if f.Apps == nil {
		f.Apps = map[string]*AppPins{}
	}
	a := f.Apps[name]
	if a == nil {
		a = &AppPins{}
		f.Apps[name] = a
	}
	return a
}

func findSet(sets []PinSet, id string) int {
	for i, s := range sets {
		if s.ID == id {
			return i
		}
	}
	return -1
}

// changes says how set differs from the app's approved set closest to it:
// the database, and the operations added, removed or changed.
func changes(ap *AppPins, set PinSet) string {
	if ap == nil || len(ap.Approved) == 0 {
		return "the app has no approved configuration"
	}
	best, bestDiff := "", -1
	for _, a := range ap.Approved {
		var diff []string
		if a.Database != set.Database {
			diff = append(diff, "the database changed")
		}
		if a.PasswordSync != set.PasswordSync {
			diff = append(diff, "password_sync changed")
		}
		names := map[string]bool{}
		for n := range a.Operations {
			names[n] = true
		}
		for n := range set.Operations {
			names[n] = true
		}
		var ops []string
		for n := range names {
			switch was, is := a.Operations[n], set.Operations[n]; {
			case was == "":
				ops = append(ops, n+" (added)")
			case is == "":
				ops = append(ops, n+" (removed)")
			case was != is:
				ops = append(ops, n)
			}
		}
		sort.Strings(ops)
		if len(ops) > 0 {
			diff = append(diff, "operation "+strings.Join(ops, ", ")+" changed")
		}
		if bestDiff < 0 || len(diff)+len(ops) < bestDiff {
			best, bestDiff = strings.Join(diff, "; "), len(diff)+len(ops)
		}
	}
	return best
}

// Approve moves app's pending set id (every pending set when id is "")
// to its approved sets in the pins file at path, and returns the sets it
// approved.
func Approve(path, app, id string) ([]PinSet, error) {
	f, err := ReadPinFile(path)
	if err != nil {
		return nil, err
	}
	a := f.Apps[app]
	if a == nil || len(a.Pending) == 0 {
		return nil, fmt.Errorf("app %s has no configuration waiting for approval", app)
	}
	var approved, kept []PinSet
	for _, s := range a.Pending {
		if id == "" || s.ID == id {
			approved = append(approved, s)
			if findSet(a.Approved, s.ID) < 0 {
				a.Approved = append(a.Approved, s)
			}
			continue
		}
		kept = append(kept, s)
	}
	if len(approved) == 0 {
		return nil, fmt.Errorf("app %s has no pending configuration %s", app, id)
	}
	a.Pending = kept
	return approved, WritePinFile(path, f)
}
