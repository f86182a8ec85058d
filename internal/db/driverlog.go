package db

// DriverLogger is implemented by dialects whose driver writes log lines of
// its own, such as go-sql-driver/mysql's reports of connections it
// dropped. Without a call to SetDriverLog those lines go to standard error.
type DriverLogger interface {
	// SetDriverLog routes the driver's log lines to log. The driver's
	// logger is process-wide: the last call wins.
	SetDriverLog(log func(msg string))
}

// SetDriverLogs routes the log lines of every registered dialect's driver
// to log, together with the dialect's name. The program calls it once, when
// its logger is ready.
func SetDriverLogs(log func(dialect, msg string)) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	for name, d := range canonical {
		if l, ok := d.(DriverLogger); ok {
			l.SetDriverLog(func(msg string) { log(name, msg) })
		}
	}
}
