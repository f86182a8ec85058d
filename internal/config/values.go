package config

// Reading one setting's text into a typed value, and wording the error
// when it cannot be read.

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sqlscim/sqlscim/internal/setting"
)

// str is a setting's text, trimmed.
func (l *loader) str(key string) string { return strings.TrimSpace(l.v.GetString(key)) }

// integer reads a whole number; its range is the Validate of the package
// whose setting it is.
func (l *loader) integer(key string) (int, error) {
	raw := l.str(key)
	n, err := strconv.Atoi(raw)
	if err != nil {
		return 0, l.errorf(key, "%q is not a whole number", raw)
	}
	return n, nil
}

// settingKeys are the keys, under their section, that a package names
// otherwise than the configuration does.
var settingKeys = map[string]string{"server.token": "auth.token"}

// settingError is a package's Validate error as the loader words every
// bad value: where the value came from, then what is wrong with it.
func (l *loader) settingError(section string, err error) error {
	var se *setting.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("%s: %w", section, err)
	}
	key := section + "." + se.Key
	if k, ok := settingKeys[key]; ok {
		key = k
	}
	return l.errorf(key, "%s", se.Message)
}

func (l *loader) duration(key string) (time.Duration, error) {
	raw := l.str(key)
	d, err := time.ParseDuration(raw)
	if err != nil || d < 0 {
		return 0, l.errorf(key, "%q is not a duration; write it like 30s, 2m or 1h", raw)
	}
	return d, nil
}

// durationKey names a duration setting and where its value goes.
type durationKey struct {
	key string
	dst *time.Duration
}

// durations reads the settings in the order given, so that a file with
// several bad durations is always refused with the same, first message.
func (l *loader) durations(keys []durationKey) error {
	for _, k := range keys {
		d, err := l.duration(k.key)
		if err != nil {
			return err
		}
		*k.dst = d
	}
	return nil
}

func (l *loader) size(key string) (int64, error) {
	raw := l.str(key)
	n, err := ParseSize(raw)
	if err != nil {
		return 0, l.errorf(key, "%q is not a size; write it like 65536, 64KB or 1MB", raw)
	}
	return n, nil
}

// ParseSize reads a Spring DataSize: a number of bytes with an optional
// B, KB, MB or GB suffix (powers of 1024).
func ParseSize(s string) (int64, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/mult {
		return 0, errors.New("bad size")
	}
	return n * mult, nil
}

// parseProtocols reads server.ssl.enabled-protocols.
func parseProtocols(s string) (minV, maxV uint16, err error) {
	for _, p := range strings.Split(s, ",") {
		var v uint16
		switch strings.ToUpper(strings.TrimSpace(p)) {
		case "TLSV1.2":
			v = tls.VersionTLS12
		case "TLSV1.3":
			v = tls.VersionTLS13
		case "TLSV1", "TLSV1.0", "TLSV1.1", "SSLV3", "SSLV2HELLO":
			return 0, 0, fmt.Errorf("%s is not allowed: it is broken; use TLSv1.2,TLSv1.3", strings.TrimSpace(p))
		case "":
			continue
		default:
			return 0, 0, fmt.Errorf("%q is not a TLS protocol; use TLSv1.2,TLSv1.3", strings.TrimSpace(p))
		}
		if minV == 0 || v < minV {
			minV = v
		}
		if v > maxV {
			maxV = v
		}
	}
	if minV == 0 {
		return 0, 0, errors.New("no protocol listed; use TLSv1.2,TLSv1.3")
	}
	return minV, maxV, nil
}

// publicURL checks server.public_url: the scheme, host and optional port
// by which clients reach sqlscim, with nothing after them.
func publicURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Hostname() == "":
		return "", fmt.Errorf("%q is not an http(s) URL with a host; write e.g. https://scim.example.com or https://scim.example.com:1443", raw)
	case strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return "", fmt.Errorf("%q must be only a scheme, a host and a port: sqlscim adds the context path (server.context_path) itself", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}

// isSet reports whether key was given anywhere but the defaults.
func (l *loader) isSet(key string) bool { return !strings.HasPrefix(l.source(key), "default ") }

// explicit reports whether key was given for sqlscim itself (a flag, an
// environment variable or the YAML file) rather than inherited from the OPS
// properties file or the defaults.
func (l *loader) explicit(key string) bool {
	if !l.isSet(key) {
		return false
	}
	return l.props == nil || !strings.HasPrefix(l.source(key), l.props.path+": ")
}

func (l *loader) boolean(key string) (bool, error) {
	raw := l.str(key)
	b, err := strconv.ParseBool(raw)
	if err != nil {
		return false, l.errorf(key, "%q is not true or false", raw)
	}
	return b, nil
}
