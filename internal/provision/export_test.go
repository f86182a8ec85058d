package provision

// SetHash makes t hash passwords with hash, so that a test sees when a hash
// runs.
func SetHash(t *Tenant, hash func(plain string) (string, error)) { t.hash = hash }
