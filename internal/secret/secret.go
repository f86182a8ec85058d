// Package secret holds values that must never reach a log line, an error
// message or a JSON dump: bearer tokens, passwords, keystore passwords.
package secret

import (
	"fmt"
	"log/slog"
)

// Redacted is what a secret prints as.
const Redacted = "***"

// String is a secret string. Every way of printing it (fmt verbs, JSON, zap
// and slog fields) yields Redacted; Reveal returns the value.
type String string

// Reveal returns the secret value for the one place that needs it.
func (s String) Reveal() string { return string(s) }

// IsZero reports whether the secret is empty.
func (s String) IsZero() bool { return s == "" }

// String implements fmt.Stringer.
func (s String) String() string { return s.redacted() }

// GoString implements fmt.GoStringer, so %#v is redacted too.
func (s String) GoString() string { return s.redacted() }

// Format implements fmt.Formatter for every verb.
func (s String) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.redacted())) }

// MarshalJSON implements json.Marshaler.
func (s String) MarshalJSON() ([]byte, error) { return []byte(`"` + s.redacted() + `"`), nil }

// MarshalText implements encoding.TextMarshaler (YAML and many loggers).
func (s String) MarshalText() ([]byte, error) { return []byte(s.redacted()), nil }

// LogValue implements slog.LogValuer.
func (s String) LogValue() slog.Value { return slog.StringValue(s.redacted()) }

func (s String) redacted() string {
	if s == "" {
		return ""
	}
	return Redacted
}
