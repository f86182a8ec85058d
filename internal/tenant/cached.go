package tenant

import "github.com/sqlscim/sqlscim/internal/provision"

// Cached returns the tenants compiled from agents' headers that are cached
// now, one per app (its most recently used configuration), most recently
// used first.
func (r *Registry) Cached() []*provision.Tenant {
	r.mu.Lock()
	defer r.mu.Unlock()
	seen := map[string]bool{}
	var out []*provision.Tenant
	for el := r.lru.Front(); el != nil; el = el.Next() {
		c := el.Value.(*cached)
		if !seen[c.key.app] {
			seen[c.key.app] = true
			out = append(out, c.tenant)
		}
	}
	return out
}
