package config

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/magiconair/properties"
)

// opsKey says what an OPS properties key becomes in our configuration.
type opsKey struct {
	// ours is the sqlscim key it sets; empty means the key is understood and
	// has no effect here.
	ours string
	// convert turns the OPS value into our format; nil keeps it.
	convert func(string) (string, error)
	// why explains, for ignored keys, why they do not matter.
	why string
}

func millis(v string) (string, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 {
		return "", fmt.Errorf("%q is not a number of milliseconds", v)
	}
	return (time.Duration(n) * time.Millisecond).String(), nil
}

func springPath(v string) (string, error) {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "classpath:") {
		return "", fmt.Errorf("%q is inside the OPS jar; point it at a file", v)
	}
	return strings.TrimPrefix(v, "file:"), nil
}

func mustBe(allowed ...string) func(string) (string, error) {
	return func(v string) (string, error) {
		for _, a := range allowed {
			if strings.EqualFold(strings.TrimSpace(v), a) {
				return "", nil
			}
		}
		return "", fmt.Errorf("%q is not supported; sqlscim needs %s", v, strings.Join(allowed, " or "))
	}
}

// opsKeys lists every key of an OPS properties file that sqlscim knows.
var opsKeys = map[string]opsKey{
	"server.port":                         {ours: "server.port"},
	"server.address":                      {ours: "server.address"},
	"server.servlet.context-path":         {ours: "server.context_path"},
	"server.ssl.enabled":                  {convert: mustBe("true"), why: "sqlscim serves HTTPS only"},
	"server.ssl.key-store-type":           {convert: mustBe("PKCS12"), why: "the keystore is read as PKCS#12"},
	"server.ssl.key-store":                {ours: "tls.keystore", convert: springPath},
	"server.ssl.key-store-password":       {ours: "tls.keystore_password"},
	"server.ssl.key-password":             {why: "PKCS#12 keys share the keystore password"},
	"server.ssl.key-alias":                {ours: "tls.key_alias"},
	"server.ssl.client-auth":              {convert: mustBe("NONE"), why: "no client certificates are asked for"},
	"server.ssl.enabled-protocols":        {ours: "tls.protocols"},
	"server.max-http-request-header-size": {ours: "server.max_header_bytes"},
	"scim.security.bearer.token":          {ours: "auth.token"},

	"app.datasource.hikari.maximumPoolSize":           {ours: "pool.max_open"},
	"app.datasource.hikari.minimumIdle":               {ours: "pool.min_idle"},
	"app.datasource.hikari.connectionTimeout":         {ours: "pool.connection_timeout", convert: millis},
	"app.datasource.hikari.validationTimeout":         {ours: "pool.validation_timeout", convert: millis},
	"app.datasource.hikari.idleTimeout":               {ours: "pool.idle_timeout", convert: millis},
	"app.datasource.hikari.keepaliveTime":             {ours: "pool.keepalive", convert: millis},
	"app.datasource.hikari.maxLifetime":               {ours: "pool.max_lifetime", convert: millis},
	"app.datasource.hikari.initializationFailTimeout": {why: "pools open lazily, on a tenant's first request"},

	"logging.level.root":                     {ours: "log.level"},
	"logging.level.com.okta.server.scim":     {ours: "log.level"},
	"logging.file.name":                      {ours: "log.file"},
	"logging.pattern.file":                   {why: "zap writes its own line format"},
	"logging.pattern.console":                {why: "zap writes its own line format"},
	"logging.level.org.springframework":      {why: "there is no Spring inside sqlscim"},
	"logging.level.org.springframework.jdbc": {why: "there is no Spring inside sqlscim"},
	"logging.level.com.zaxxer.hikari":        {why: "there is no HikariCP inside sqlscim"},
	"spring.main.banner-mode":                {why: "there is no Spring inside sqlscim"},
}

// opsProperties is what an OPS properties file sets, in our keys.
type opsProperties struct {
	path   string
	values map[string]string // our key → value
	from   map[string]string // our key → the OPS key it came from
}

// readProperties reads an OPS properties file. An unknown key is an error,
// so that a typo (scim.security.bearer.tokn) cannot silently drop a setting.
func readProperties(path string) (*opsProperties, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// Spring reads .properties files as ISO-8859-1 unless they are UTF-8;
	// accept both.
	enc := properties.UTF8
	if !utf8.Valid(raw) {
		enc = properties.ISO_8859_1
	}
	loader := properties.Loader{Encoding: enc, DisableExpansion: true}
	p, err := loader.LoadBytes(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable properties file: %w", path, err)
	}
	out := &opsProperties{path: path, values: map[string]string{}, from: map[string]string{}}
	keys := p.Keys()
	sort.SliceStable(keys, func(i, j int) bool {
		// logging.level.root first, so the more specific scim logger level wins.
		return keys[i] == "logging.level.root" && keys[j] != "logging.level.root"
	})
	for _, k := range keys {
		v, _ := p.Get(k)
		spec, ok := opsKeys[k]
		if !ok {
			if strings.HasPrefix(k, "logging.level.") {
				continue // levels of other Java loggers mean nothing here
			}
			return nil, fmt.Errorf("%s: unknown key %q; remove the line (sqlscim understands the keys OktaOnPremScimServer writes, listed in docs/configuration.md)", path, k)
		}
		if spec.convert != nil {
			cv, err := spec.convert(v)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %v", path, k, err)
			}
			if spec.ours != "" {
				v = cv
			}
		}
		if spec.ours == "" {
			continue
		}
		out.values[spec.ours] = v
		out.from[spec.ours] = k
	}
	return out, nil
}
