package config

import (
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sqlscim/sqlscim/internal/setting"
)

// AuditFileName is the audit file's name beside the application log (OPS
// mode) or in the data directory (standalone).
const AuditFileName = "audit.log"

// decodeAudit reads the audit.* keys.
func (l *loader) decodeAudit(cfg *Config) error {
	a := &cfg.Audit
	switch file := l.str("audit.file"); strings.ToLower(file) {
	case "":
		if cfg.Layout.Mode == OPSMode {
			// Beside the application log, which is OPS's unless log.file
			// moved it.
			logFile := cfg.Log.File
			if logFile == "" {
				logFile = l.opts.OPSLogFile
			}
			a.File = filepath.Join(filepath.Dir(logFile), AuditFileName)
		} else {
			a.File = filepath.Join(cfg.DataDir, AuditFileName)
		}
	case "off", "false", "none":
		a.File = ""
	default:
		abs, err := filepath.Abs(file)
		if err != nil {
			return l.errorf("audit.file", "%v", err)
		}
		a.File = abs
	}
	var err error
	if a.Stdout, err = l.boolean("audit.stdout"); err != nil {
		return err
	}
	if a.Values, err = l.boolean("audit.values"); err != nil {
		return err
	}
	if a.RingSize, err = l.integer("audit.ring_size"); err != nil {
		return err
	}
	if err := setting.IntIn("ring_size", a.RingSize, 1, 1000000, "a number of events"); err != nil {
		return l.settingError("audit", err)
	}
	raw := l.str("audit.reads")
	if a.Reads, err = strconv.ParseFloat(raw, 64); err != nil || a.Reads < 0 || a.Reads > 1 {
		return l.errorf("audit.reads", "%q is not a fraction of reads; use a number from 0 (none) to 1 (every read), e.g. 0.01", raw)
	}
	return nil
}
