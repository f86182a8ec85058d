#!/bin/sh
# sqlscim package: after installation or upgrade.
#   deb: postinst configure [<version upgraded from>]   (abort-* after a failed upgrade)
#   rpm: %post <installed versions>: 1 on installation, 2 on upgrade
# Creates the okscimserver user and, with CUSTOMER_ID set and no OPS
# installation present, the credentials (/usr/lib/sqlscim/setup); starts
# sqlscim.service on a new installation unless OktaOnPremScimServer.service
# is running or enabled; restarts it on an upgrade if it runs.
set -e

case "${1:-}" in
  configure) if [ -n "${2:-}" ]; then mode=upgrade; else mode=install; fi ;;
  1) mode=install ;;
  [0-9]*) mode=upgrade ;;
  *) exit 0 ;;
esac

ready=yes
status=0
/usr/lib/sqlscim/setup || status=$?
if [ "$status" != 0 ]; then
  ready=
  if [ "$status" != 3 ]; then
    echo "sqlscim: the setup failed; fix the problem above, then run: sudo /usr/lib/sqlscim/setup"
  fi
fi

# Without a running systemd (a container, a chroot, some CI machines) there
# is nothing to reload or start.
if [ ! -d /run/systemd/system ]; then
  echo "sqlscim: systemd is not running here; start the server with: sqlscim serve --ops-dir /etc/OktaOnPremScimServer (as user okscimserver)"
  exit 0
fi
systemctl daemon-reload >/dev/null 2>&1 || true

if [ "$mode" = upgrade ]; then
  systemctl try-restart sqlscim.service >/dev/null 2>&1 || true
  exit 0
fi

if systemctl is-active --quiet OktaOnPremScimServer.service ||
  systemctl is-enabled --quiet OktaOnPremScimServer.service 2>/dev/null; then
  cat <<'HINT'
sqlscim: the Okta On-Prem SCIM Server (OktaOnPremScimServer.service) is running or enabled,
so sqlscim.service was not started. Both use port 1443 and the same files. To switch:
  sudo systemctl disable --now OktaOnPremScimServer.service
  sudo systemctl enable --now sqlscim.service
Nothing changes in Okta. To go back:
  sudo systemctl disable --now sqlscim.service
  sudo systemctl enable --now OktaOnPremScimServer.service
See /usr/share/doc/sqlscim/migrate-from-ops.md
HINT
  exit 0
fi

if [ -z "$ready" ]; then
  echo "sqlscim: sqlscim.service was not started: it has no credentials yet"
  exit 0
fi
if ! systemctl enable --now sqlscim.service; then
  echo "sqlscim: sqlscim.service did not start; see: journalctl -u sqlscim.service"
fi
exit 0
