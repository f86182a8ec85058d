#!/bin/sh
# sqlscim package: after removal.
#   deb: postrm remove | purge | upgrade | ...
#   rpm: %postun <versions left>: 0 on removal, 1 on upgrade
# The credentials, the user okscimserver and the log directory stay: they
# belong to the OPS installation as much as to sqlscim, and a new token or
# certificate would have to be entered in Okta again.
set -e

case "${1:-}" in
  remove | purge | 0)
    if [ -d /run/systemd/system ]; then
      systemctl daemon-reload >/dev/null 2>&1 || true
    fi
    if [ -d /etc/OktaOnPremScimServer ]; then
      echo "sqlscim: kept the credentials in /etc/OktaOnPremScimServer and /etc/pki/tls (token, certificate, keystore)"
    fi
    ;;
esac
exit 0
