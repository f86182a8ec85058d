// Package setting is the error of one bad configuration value, as the
// Validate methods of the packages' Config types report it: the key under
// the package's section of the configuration file (read_timeout under
// server:) and what is wrong with the value. The configuration loader adds
// the section and where the value came from (a file and line of it, a
// variable, a flag), which only it knows.
//
// It imports only the standard library.
package setting

import (
	"fmt"
	"time"
)

// Error is one bad value.
type Error struct {
	// Key is the setting's key under its section, as the file spells it.
	Key string
	// Message says what is wrong and what to write instead.
	Message string
}

func (e *Error) Error() string { return e.Key + ": " + e.Message }

// Errorf is an Error for key.
func Errorf(key, format string, args ...any) error {
	return &Error{Key: key, Message: fmt.Sprintf(format, args...)}
}

// Duration is a duration setting and its key.
type Duration struct {
	Key   string
	Value time.Duration
}

// NonNegative checks durations that may be zero (no limit) but not
// negative, in the order given, and reports the first bad one.
func NonNegative(durations ...Duration) error {
	for _, d := range durations {
		if d.Value < 0 {
			return Errorf(d.Key, "%s is negative; write a duration such as 30s", d.Value)
		}
	}
	return nil
}

// IntIn checks that n lies from lo to hi; what names the kind of number.
func IntIn(key string, n, lo, hi int, what string) error {
	if n < lo || n > hi {
		return Errorf(key, "%d is not %s; use a whole number from %d to %d", n, what, lo, hi)
	}
	return nil
}
