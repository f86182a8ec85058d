package provision

import (
	"sync"
	"time"
)

// importCache remembers, for a short while, where each paged listing
// stands, so that an import the way Okta runs one (startIndex 1, 101, 201
// … with the same filter and count) costs about one pass over the users
// instead of one pass per page:
//
//   - a SQL Get Users keeps a keyset cursor: the next page is the rows after
//     the last id served, and the total of the first page is reused;
//   - a stored procedure, which cannot be paged in the database, is run
//     once: the first page records the ids of every match, in order, and the
//     later pages read their users with Get User by ID.
//
// The first page always starts afresh, so an import that starts after a
// change sees it; within one import no user is skipped or served twice. The
// state is per process: a page that reaches another replica, or comes after
// importTTL, is served the slow way, still correctly.
type importCache struct {
	mu      sync.Mutex
	entries map[string]*importState
}

type importState struct {
	// ids is a stored procedure's snapshot of matching user ids.
	ids []string
	// next, lastID and total are a SQL listing's keyset cursor.
	next   int
	lastID any
	total  int
	used   time.Time
}

const (
	importTTL  = 5 * time.Minute
	maxImports = 16
)

func (c *importCache) get(key string) *importState {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.entries[key]
	if !ok || time.Since(st.used) > importTTL {
		return nil
	}
	st.used = time.Now()
	return st
}

func (c *importCache) put(key string, st *importState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]*importState{}
	}
	st.used = time.Now()
	c.entries[key] = st
	if len(c.entries) > maxImports {
		var oldest string
		for k, e := range c.entries {
			if oldest == "" || e.used.Before(c.entries[oldest].used) {
				oldest = k
			}
		}
		delete(c.entries, oldest)
	}
}

// cursor returns the keyset cursor that continues exactly at start.
func (c *importCache) cursor(key string, start int) (next int, lastID any, total int, ok bool) {
	if start <= 1 {
		return 0, nil, 0, false
	}
	st := c.get("cursor|" + key)
	if st == nil {
		return 0, nil, 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st.next != start {
		return 0, nil, 0, false
	}
	return st.next, st.lastID, st.total, true
}

// advance records where a SQL listing stopped.
func (c *importCache) advance(key string, next int, lastID any, total int) {
	c.put("cursor|"+key, &importState{next: next, lastID: lastID, total: total})
}

// snapshot returns the ids of an import in progress; the first page never
// uses one.
func (c *importCache) snapshot(key string, start int) []string {
	if start <= 1 {
		return nil
	}
	if st := c.get("ids|" + key); st != nil {
		return st.ids
	}
	return nil
}

// keep stores a stored procedure's snapshot.
func (c *importCache) keep(key string, ids []string) {
	c.put("ids|"+key, &importState{ids: ids})
}
