package postgres

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/sqlscim/sqlscim/internal/db"
)

// DSN builds a pgx connection URL,
// postgres://user:password@host:port/database?k=v, with url.URL. The query
// is percent-encoded by hand (a space is %20, never "+", which pgx would
// keep as a plus). A host that is an absolute path (a Unix socket
// directory) goes into the host parameter.
//
// PgJDBC properties are translated (case-insensitively on the name):
//
//	PgJDBC property                 libpq/pgx parameter
//	---------------                 -------------------
//	ssl=true | false                sslmode=require | disable (unless sslmode is set)
//	sslmode=<mode>                  sslmode (disable, allow, prefer, require, verify-ca, verify-full)
//	sslfactory=...NonValidatingFactory  accepted: require does not verify either
//	currentSchema=<s>               search_path
//	ApplicationName=<n>             application_name
//	connectTimeout, loginTimeout    connect_timeout, seconds (the smaller non-zero one)
//	targetServerType=<t>            target_session_attrs (any, primary/master -> primary,
//	                                secondary/slave -> standby, preferSecondary/preferSlave -> prefer-standby)
//
// These PgJDBC properties are accepted and ignored:
//
//	socketTimeout                   pgx has no per-read timeout; statement deadlines come from
//	                                the request context
//	tcpKeepAlive                    Go enables TCP keep-alives by default
//	prepareThreshold, preparedStatementCacheQueries, preparedStatementCacheSizeMiB
//	                                pgx prepares and caches statements itself
//	defaultRowFetchSize             pgx streams rows
//	stringtype                      pgx binds parameters with the types the server infers
//	                                (the effect of stringtype=unspecified)
//	reWriteBatchedInserts           sqlscim does not batch
//	binaryTransfer                  pgx picks text or binary per type
//	loggerLevel, loggerFile         sqlscim logs itself
//	assumeMinServerVersion          no effect in pgx
//
// libpq parameters pass through: sslmode, sslrootcert, sslcert, sslkey,
// sslpassword, sslsni, sslnegotiation, channel_binding, application_name,
// search_path, connect_timeout, target_session_attrs and options. A libpq
// parameter wins over the PgJDBC property that translates to it. Any other
// property is an error: pgx would send it to the server as a run-time
// parameter, which the server rejects at connect time.
func (d Dialect) DSN(c db.Conn) (string, error) {
	host, port, err := d.server(c)
	if err != nil {
		return "", err
	}
	user, pass := c.User, c.Password.Reveal()
	params, err := translate(c.Properties, &user, &pass)
	if err != nil {
		return "", err
	}
	u := url.URL{Scheme: "postgres", Path: "/" + c.Database}
	if isSocketDir(host) {
		params["host"] = host
		params["port"] = strconv.Itoa(port)
	} else {
		u.Host = net.JoinHostPort(host, strconv.Itoa(port))
	}
	switch {
	case pass != "" && user == "":
		return "", errors.New("PostgreSQL connection has a password but no user")
	case pass != "":
		u.User = url.UserPassword(user, pass)
	case user != "":
		u.User = url.User(user)
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var q []string
	for _, k := range keys {
		q = append(q, escape(k)+"="+escape(params[k]))
	}
	u.RawQuery = strings.Join(q, "&")
	return u.String(), nil
}

// escape percent-encodes every byte but the unreserved ones.
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// nativeParams are the libpq parameters passed through.
var nativeParams = map[string]bool{
	"sslmode": true, "sslrootcert": true, "sslcert": true, "sslkey": true, "sslpassword": true, "sslsni": true,
	"sslnegotiation": true, "channel_binding": true, "application_name": true, "search_path": true,
	"connect_timeout": true, "target_session_attrs": true, "options": true,
}

// ignoredProps are PgJDBC properties accepted without effect, by
// lower-cased name; DSN's comment gives the reasons.
var ignoredProps = map[string]bool{
	"sockettimeout": true, "tcpkeepalive": true, "preparethreshold": true, "preparedstatementcachequeries": true,
	"preparedstatementcachesizemib": true, "defaultrowfetchsize": true, "stringtype": true,
	"rewritebatchedinserts": true, "binarytransfer": true, "loggerlevel": true, "loggerfile": true,
	"assumeminserverversion": true,
}

var sslModes = map[string]bool{"disable": true, "allow": true, "prefer": true, "require": true, "verify-ca": true, "verify-full": true}

var targetServerTypes = map[string]string{
	"any": "any", "primary": "primary", "master": "primary", "secondary": "standby", "slave": "standby",
	"prefersecondary": "prefer-standby", "preferslave": "prefer-standby",
}

// translate turns the properties into libpq parameters. user and password
// properties fill empty fields.
func translate(props map[string]string, user, pass *string) (map[string]string, error) {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	translated := map[string]string{}
	native := map[string]string{}
	timeout := 0
	for _, k := range keys {
		v := strings.TrimSpace(props[k])
		lk := strings.ToLower(strings.TrimSpace(k))
		switch {
		case lk == "user":
			if *user == "" {
				*user = v
			}
		case lk == "password":
			if *pass == "" {
				*pass = props[k]
			}
		case lk == "ssl":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return nil, fmt.Errorf("PostgreSQL connection property %s=%q: want true or false", k, v)
			}
			translated["sslmode"] = map[bool]string{true: "require", false: "disable"}[b]
		case lk == "sslmode":
			m := strings.ToLower(v)
			if !sslModes[m] {
				return nil, fmt.Errorf("PostgreSQL connection property %s=%q: want disable, allow, prefer, require, verify-ca or verify-full", k, v)
			}
			native["sslmode"] = m
		case lk == "sslfactory":
			if v != "org.postgresql.ssl.NonValidatingFactory" {
				return nil, fmt.Errorf("PostgreSQL connection property sslfactory=%q is not supported; use sslmode=verify-full with sslrootcert=<CA file>", v)
			}
		case lk == "currentschema":
			translated["search_path"] = v
		case lk == "applicationname":
			translated["application_name"] = v
		case lk == "connecttimeout" || lk == "logintimeout":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("PostgreSQL connection property %s=%q: want a number of seconds", k, v)
			}
			if n > 0 && (timeout == 0 || n < timeout) {
				timeout = n
			}
		case lk == "targetservertype":
			t, ok := targetServerTypes[strings.ToLower(v)]
			if !ok {
				return nil, fmt.Errorf("PostgreSQL connection property %s=%q: want any, primary, secondary or preferSecondary", k, v)
			}
			translated["target_session_attrs"] = t
		case ignoredProps[lk]:
		case nativeParams[lk]:
			if lk == "connect_timeout" {
				if n, err := strconv.Atoi(v); err != nil || n < 0 {
					return nil, fmt.Errorf("PostgreSQL connection property %s=%q: want a number of seconds", k, v)
				}
			}
			native[lk] = v
		default:
			return nil, fmt.Errorf("unknown PostgreSQL connection property %q; pgx would send it to the server as a run-time parameter, which the server rejects. Use a PgJDBC property sqlscim translates (ssl, sslmode, currentSchema, ApplicationName, connectTimeout, loginTimeout, targetServerType) or a libpq parameter (sslmode, sslrootcert, sslcert, sslkey, application_name, search_path, connect_timeout, target_session_attrs, options)", k)
		}
	}
	if timeout > 0 {
		translated["connect_timeout"] = strconv.Itoa(timeout)
	}
	for k, v := range native {
		translated[k] = v
	}
	return translated, nil
}
