package tenant

// Cached returns the tenants compiled from agents' headers that are cached
// now, one per app (its most recently used configuration), most recently
// used first, each with its configuration's first-use check when one has
// settled.
func (r *Registry) Cached() []Checked {
	r.mu.Lock()
	defer r.mu.Unlock()
	seen := map[string]bool{}
	var out []Checked
	for el := r.lru.Front(); el != nil; el = el.Next() {
		c := el.Value.(*cached)
		if seen[c.key.app] {
			continue
		}
		seen[c.key.app] = true
		ch := Checked{App: c.key.app, Tenant: c.tenant}
		if v, at, ok := r.verified[c.key.header].settled(); ok {
			ch.Time, ch.Failures = at, v.Failures
		}
		out = append(out, ch)
	}
	return out
}
