package secret

import (
	"fmt"
	"os"
)

// CheckFileMode refuses a file holding secrets that others may read, or
// that its group may change, following PostgreSQL's rule for key files:
// 0600 and 0640 pass, so that a group (a Kubernetes fsGroup, a service
// group) may read it. what names the file in the message.
func CheckFileMode(path, what string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if perm := st.Mode().Perm(); perm&0o037 != 0 {
		return fmt.Errorf("%s: the %s is open to others or writable by its group (mode %04o); run: chmod 600 %s (or chmod 640 to let its group read it)", path, what, perm, path)
	}
	return nil
}
