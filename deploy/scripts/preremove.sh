#!/bin/sh
# sqlscim package: before removal.
#   deb: prerm remove | upgrade | deconfigure | failed-upgrade
#   rpm: %preun <versions left>: 0 on removal, 1 on upgrade
# Stops and disables sqlscim.service on removal; an upgrade restarts it
# after the new files are in place (postinstall).
set -e

case "${1:-}" in
  remove | 0)
    if [ -d /run/systemd/system ]; then
      systemctl disable --now sqlscim.service >/dev/null 2>&1 || true
    else
      systemctl --no-reload disable sqlscim.service >/dev/null 2>&1 || true
    fi
    ;;
esac
exit 0
