package db

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// SplitHostPort splits host, host:port, [v6] and [v6]:port. The port is 0
// when absent.
func SplitHostPort(s string) (string, int, error) {
	host, portText := s, ""
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", 0, fmt.Errorf("IPv6 address %q has no closing ]", s)
		}
		host, portText = s[1:end], s[end+1:]
		if portText != "" {
			if portText[0] != ':' {
				return "", 0, fmt.Errorf("unexpected %q after IPv6 address", portText)
			}
			portText = portText[1:]
		}
	} else if i := strings.LastIndexByte(s, ':'); i >= 0 {
		if strings.Count(s, ":") > 1 {
			return "", 0, fmt.Errorf("IPv6 address %q must be written in brackets, like [::1] or [::1]:port", s)
		}
		host, portText = s[:i], s[i+1:]
	}
	if portText == "" {
		return host, 0, nil
	}
	port, err := ParsePort(portText)
	return host, port, err
}

// ParsePort reads a TCP port number.
func ParsePort(s string) (int, error) {
	p, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("port %q is not a number", s)
	}
	if p < 1 || p > 65535 {
		return 0, fmt.Errorf("port %d is out of range (1-65535)", p)
	}
	return p, nil
}

// PropertyValues returns the non-empty values of every property named
// name, compared as the dialects compare names: trimmed, in any case.
func PropertyValues(props map[string]string, name string) []string {
	var out []string
	for _, k := range SortedKeys(props) {
		if v := strings.TrimSpace(props[k]); strings.EqualFold(strings.TrimSpace(k), name) && v != "" {
			out = append(out, v)
		}
	}
	return out
}

// SortedKeys returns the keys of props in order, so that what is built
// from them (messages, lists) does not change from run to run.
func SortedKeys(props map[string]string) []string {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ServerOf is the host and port a dialect's DSN writes for c: the host must
// be set and hold none of the characters in forbidden (those the driver's
// DSN syntax gives a meaning), and the port defaults to defaultPort. product
// names the database in the errors ("MySQL", "Oracle").
func ServerOf(c Conn, product, forbidden string, defaultPort int) (string, int, error) {
	if c.Host == "" {
		return "", 0, fmt.Errorf("%s connection has no host", product)
	}
	if strings.ContainsAny(c.Host, forbidden) {
		return "", 0, fmt.Errorf("%s host %q is not a host name or address", product, c.Host)
	}
	port := c.Port
	if port == 0 {
		port = defaultPort
	}
	if port < 1 || port > 65535 {
		return "", 0, fmt.Errorf("port %d is out of range (1-65535)", port)
	}
	return c.Host, port, nil
}
