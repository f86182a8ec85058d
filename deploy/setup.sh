#!/bin/sh
# /usr/lib/sqlscim/setup: prepares this host for sqlscim.service the way the
# Okta On-Prem SCIM Server (OPS) installer prepares it for
# OktaOnPremScimServer.service. The package's install script runs it; run it
# again, as root, to finish an installation made without CUSTOMER_ID:
#
#   sudo CUSTOMER_ID=<your Okta subdomain> /usr/lib/sqlscim/setup
#
# or to list the databases the agent's configurations may reach:
#
#   sudo ALLOWED_DATABASES=db1.example.com:3306,db2.example.com:5432 /usr/lib/sqlscim/setup
#
# 1. the service user and group okscimserver (the OPS user, so that the files
#    of an existing OPS installation keep working);
# 2. the log directory /var/log/OktaOnPremScimServer;
# 3. the databases the agent's configurations may reach: sqlscim refuses
#    every request carrying the agent's configuration until they are listed
#    (header.allowed_databases); ALLOWED_DATABASES goes into
#    /etc/default/sqlscim as SQLSCIM_HEADER_ALLOWED_DATABASES;
# 4. the credentials: an existing OPS installation's are reused untouched;
#    without one, and with CUSTOMER_ID set, `sqlscim init` generates
#    the bearer token, certificate and keystore in the OPS locations, which
#    then go to okscimserver with the modes OPS uses.
#
# It never replaces or rotates credentials. Exit status: 0 when the
# credentials are in place, 3 when no customer id is known yet, 1 on an error.
set -eu

OPS_DIR=/etc/OktaOnPremScimServer
PKI_DIR=/etc/pki/tls
LOG_DIR=/var/log/OktaOnPremScimServer
SERVICE_USER=okscimserver
SQLSCIM=/usr/bin/sqlscim
ENV_FILE=/etc/default/sqlscim

say() { printf 'sqlscim: %s\n' "$*"; }

if [ "$(id -u)" != 0 ]; then
  say "run this as root: sudo $0"
  exit 1
fi

# 1. The service user and group.
if ! getent group "$SERVICE_USER" >/dev/null 2>&1; then
  groupadd --system "$SERVICE_USER"
  say "created the group $SERVICE_USER"
fi
if ! getent passwd "$SERVICE_USER" >/dev/null 2>&1; then
  shell=/usr/sbin/nologin
  [ -x "$shell" ] || shell=/sbin/nologin
  useradd --system --gid "$SERVICE_USER" --home-dir "$OPS_DIR" --no-create-home \
    --shell "$shell" --comment "Okta On-Prem SCIM Server (sqlscim)" "$SERVICE_USER"
  say "created the user $SERVICE_USER"
fi

# 2. The log directory (sqlscim writes application.log there in OPS mode).
if [ ! -d "$LOG_DIR" ]; then
  install -d -m 0750 -o "$SERVICE_USER" -g "$SERVICE_USER" "$LOG_DIR"
fi

# 3. The databases the agent's configurations may reach.
if [ -n "${ALLOWED_DATABASES:-}" ]; then
  case $ALLOWED_DATABASES in
  *[!]A-Za-z0-9.:*,/_[-]*)
    say "ALLOWED_DATABASES=$ALLOWED_DATABASES holds a character no database address has;"
    say "write host:port rules separated by commas, e.g. db1.example.com:3306,10.0.0.0/8:5432"
    exit 1
    ;;
  esac
  if grep -q '^SQLSCIM_HEADER_ALLOWED_DATABASES=' "$ENV_FILE" 2>/dev/null; then
    sed -i "s|^SQLSCIM_HEADER_ALLOWED_DATABASES=.*|SQLSCIM_HEADER_ALLOWED_DATABASES=$ALLOWED_DATABASES|" "$ENV_FILE"
  else
    printf 'SQLSCIM_HEADER_ALLOWED_DATABASES=%s\n' "$ALLOWED_DATABASES" >>"$ENV_FILE"
  fi
  chmod 600 "$ENV_FILE"
  say "the agent's configurations may reach $ALLOWED_DATABASES ($ENV_FILE)"
elif ! grep -q '^SQLSCIM_HEADER_ALLOWED_DATABASES=\|^SQLSCIM_HEADER_ALLOW_ANY_DATABASE=' "$ENV_FILE" 2>/dev/null; then
  say "requests carrying the agent's configuration get 403 until you list the databases"
  say "they may reach (the host and port of each Okta app's connector configuration):"
  say "  sudo ALLOWED_DATABASES=db.example.com:3306 /usr/lib/sqlscim/setup"
  say "or set SQLSCIM_HEADER_ALLOWED_DATABASES in $ENV_FILE; see /usr/share/doc/sqlscim/security.md"
fi

# 4. The credentials. customer-id.conf names the installation; CUSTOMER_ID
#    is needed only when it does not exist, as for the OPS installer.
file_id=
if [ -f "$OPS_DIR/customer-id.conf" ]; then
  file_id=$(sed -n 's/^[[:space:]]*CUSTOMER_ID[[:space:]]*=[[:space:]]*//p' "$OPS_DIR/customer-id.conf" |
    head -n 1 | tr -d "\"' \r")
fi
if [ -n "$file_id" ] && [ -n "${CUSTOMER_ID:-}" ] && [ "$CUSTOMER_ID" != "$file_id" ]; then
  say "CUSTOMER_ID=$CUSTOMER_ID differs from CUSTOMER_ID=$file_id in $OPS_DIR/customer-id.conf;"
  say "run again without CUSTOMER_ID to use the existing installation"
  exit 1
fi
id=${file_id:-${CUSTOMER_ID:-}}
if [ -z "$id" ]; then
  say "no credentials yet: $OPS_DIR/customer-id.conf does not exist and CUSTOMER_ID is not set."
  say "finish the installation with: sudo CUSTOMER_ID=<your Okta subdomain> /usr/lib/sqlscim/setup"
  exit 3
fi

props=$OPS_DIR/config-$id.properties
crt=$PKI_DIR/certs/OktaOnPremScimServer-$id.crt
key=$PKI_DIR/private/OktaOnPremScimServer-$id.key
p12=$PKI_DIR/private/OktaOnPremScimServer-$id.p12

if [ -f "$props" ]; then
  say "reusing the credentials of customer id $id ($props, $crt):"
  say "the token and the certificate stay the same, nothing changes in Okta"
  for f in "$props" "$key" "$p12" "$p12.pass"; do
    [ -e "$f" ] || continue
    owner=$(stat -c %U "$f")
    if [ "$owner" != "$SERVICE_USER" ]; then
      say "warning: $f belongs to $owner, and the service runs as $SERVICE_USER;"
      say "if it cannot read it: chown $SERVICE_USER:$SERVICE_USER $f"
    fi
  done
  exit 0
fi

say "generating a bearer token, a certificate and a keystore for customer id $id"
# /etc/pki/tls/certs and /etc/pki/tls/private as RHEL ships them (mode 755):
# the service user must reach its own files inside (mode 600).
for d in /etc/pki "$PKI_DIR" "$PKI_DIR/certs" "$PKI_DIR/private"; do
  [ -d "$d" ] || install -d -m 0755 "$d"
done
had_id_file=
[ -f "$OPS_DIR/customer-id.conf" ] && had_id_file=yes
[ -d "$OPS_DIR" ] || install -d -m 0750 -o "$SERVICE_USER" -g "$SERVICE_USER" "$OPS_DIR"

# sqlscim init creates the credentials (only it and serve do) and prints where.
if ! err=$(CUSTOMER_ID=$id "$SQLSCIM" init --ops-dir "$OPS_DIR" 2>&1 >/dev/null); then
  say "generating the credentials failed: $err"
  exit 1
fi
for f in "$props" "$key" "$p12" "$p12.pass"; do
  chown "$SERVICE_USER:$SERVICE_USER" "$f"
  chmod 600 "$f"
done
chown "$SERVICE_USER:$SERVICE_USER" "$crt"
chmod 644 "$crt"
if [ -z "$had_id_file" ]; then
  chown "$SERVICE_USER:$SERVICE_USER" "$OPS_DIR/customer-id.conf"
  chmod 644 "$OPS_DIR/customer-id.conf"
fi
say "done. Upload $crt to Okta as \"Public Key\";"
say "print the API token with: sudo sqlscim credentials"
