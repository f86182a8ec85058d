// Package buildinfo says which sqlscim this is: the release version (set
// at link time) and what the Go toolchain recorded in the binary (the
// commit, whether the tree had uncommitted changes, the commit's time and
// the Go version). It imports only the standard library.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Version is the release version, set at link time:
// -ldflags "-X github.com/sqlscim/sqlscim/internal/buildinfo.Version=1.2.3".
// Empty means a build without it (go build, go install, tests).
var Version = ""

// Info describes the running binary.
type Info struct {
	// Version is the release version: Version if set, else the module
	// version go install recorded, else "0.1.0-dev" with the commit.
	Version string
	// Commit is the full commit hash the binary was built from, "" when
	// the build recorded none (tests, builds outside a git checkout).
	Commit string
	// Dirty reports uncommitted changes in the tree the binary was built from.
	Dirty bool
	// Date is the commit's time (RFC 3339): a reproducible build records no
	// time of its own. "" when unknown.
	Date string
	// GoVersion is the Go toolchain that built the binary.
	GoVersion string
}

// Read returns the running binary's Info.
func Read() Info {
	info := Info{GoVersion: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if ok {
		info.GoVersion = bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.Commit = s.Value
			case "vcs.modified":
				info.Dirty = s.Value == "true"
			case "vcs.time":
				info.Date = s.Value
			}
		}
	}
	info.Version = strings.TrimPrefix(Version, "v")
	if info.Version == "" && ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		info.Version = strings.TrimPrefix(bi.Main.Version, "v")
	}
	if info.Version == "" {
		info.Version = DevVersion(info.Commit)
	}
	return info
}

// DevVersion is the version of a build between releases: 0.1.0-dev, with
// the abbreviated commit when known.
func DevVersion(commit string) string {
	if len(commit) >= 12 {
		return "0.1.0-dev+" + commit[:12]
	}
	if commit != "" {
		return "0.1.0-dev+" + commit
	}
	return "0.1.0-dev"
}

// ShortCommit is the commit abbreviated to 12 characters.
func (i Info) ShortCommit() string {
	if len(i.Commit) > 12 {
		return i.Commit[:12]
	}
	return i.Commit
}

// String is the multi-line text of "sqlscim version".
func (i Info) String() string {
	commit := i.Commit
	if commit == "" {
		commit = "unknown (built outside a git checkout)"
	} else if i.Dirty {
		commit += " (dirty: built with uncommitted changes)"
	}
	date := i.Date
	if date == "" {
		date = "unknown"
	}
	return fmt.Sprintf("sqlscim %s\n  commit:      %s\n  commit date: %s\n  go:          %s\n  platform:    %s/%s\n",
		i.Version, commit, date, i.GoVersion, runtime.GOOS, runtime.GOARCH)
}
