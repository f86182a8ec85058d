#!/usr/bin/env bash
# The four tests of Okta's generic database connector guide, sent with curl
# the way the Okta Provisioning Agent sends them, against
#
#   the Docker lab (make lab; default): the tenants jdbc_on_prem (MariaDB) and
#     jdbc_on_prem_pg (PostgreSQL) of docker/lab-tenants.yaml, then
#     jdbc_on_prem again with the configuration in the X-OKTA-ONPREM-DATA
#     header (docker/lab-agent-header.json, MariaDB with SQL statements);
#     the rows are checked with SQL in the database containers;
#   make run's demo (--demo): the SQLite tenant jdbc_on_prem; the header is
#     checked to be decoded and refused, since a SQLite file cannot come
#     from the agent.
#
# 1. import: GET /Users paged by 100 as Okta pages, and GET /Entitlements
# 2. assign a new user with "VPN Access" and "GitHub Admin": the lookup by
#    userName first (an empty list), then POST /Users
# 3. update the title and department: PUT /Users/{id}
# 4. unassign: PATCH /Users/{id} active=false (Okta never deletes)
#
# Each run creates its own users (labtest-<time>-<n>@example.com), so it can
# run again; they end deactivated, as after the guide's test 4.
#
# Usage: docker/lab-test.sh [--demo] [--url URL] [--token TOKEN] [--cacert FILE]
#                           [--data-dir DIR] [--compose-file FILE]
#   --url       the context path URL (default https://localhost:1443/ws/rest)
#   --token     the bearer token, without "Bearer " (default: asked from the
#               lab container, or read from DIR/conf/config-*.properties with --demo)
#   --cacert    the server's certificate (default: from the lab container, or
#               DIR/certs/OktaOnPremScimServer-*.crt with --demo)
#   --data-dir  make run's data directory (default: ./data of the repository)
# Needs bash, curl, sed, grep and base64; the lab mode also needs docker compose.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
mode=lab
url=https://localhost:1443/ws/rest
token=
cacert=
data_dir=$root/data
compose_file=$root/docker/docker-compose.yml

while [[ $# -gt 0 ]]; do
  case $1 in
    --demo) mode=demo ;;
    --url) url=${2:?--url needs a value}; shift ;;
    --token) token=${2:?--token needs a value}; shift ;;
    --cacert) cacert=${2:?--cacert needs a value}; shift ;;
    --data-dir) data_dir=${2:?--data-dir needs a value}; shift ;;
    --compose-file) compose_file=${2:?--compose-file needs a value}; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "lab-test: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
url=${url%/}

for tool in curl sed grep base64; do
  command -v "$tool" >/dev/null || { echo "lab-test: $tool is needed" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

compose() { docker compose -f "$compose_file" "$@"; }

# --- token and certificate, found the way an admin finds them --------------
if [[ -z $token || -z $cacert ]]; then
  if [[ $mode == demo ]]; then
    if [[ -z $token ]]; then
      props=$(ls "$data_dir"/conf/config-*.properties 2>/dev/null | head -n 1 || true)
      [[ -n $props ]] || { echo "lab-test: no $data_dir/conf/config-*.properties; start the demo with make run" >&2; exit 2; }
      token=$(sed -n 's/^scim\.security\.bearer\.token=//p' "$props")
    fi
    if [[ -z $cacert ]]; then
      cacert=$(ls "$data_dir"/certs/OktaOnPremScimServer-*.crt 2>/dev/null | head -n 1 || true)
      [[ -n $cacert ]] || { echo "lab-test: no certificate in $data_dir/certs" >&2; exit 2; }
    fi
  else
    creds=$(compose exec -T sqlscim sqlscim credentials --data-dir /data) ||
      { echo "lab-test: cannot ask the lab for its credentials; is it running (make lab)?" >&2; exit 2; }
    [[ -n $token ]] || token=$(sed -n 's/^Bearer //p' <<<"$creds" | head -n 1)
    if [[ -z $cacert ]]; then
      cacert=$tmp/lab.crt
      sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' <<<"$creds" >"$cacert"
    fi
  fi
fi
token=${token#Bearer }
[[ -n $token ]] || { echo "lab-test: no bearer token" >&2; exit 2; }
[[ -s $cacert ]] || { echo "lab-test: no certificate at $cacert" >&2; exit 2; }

# --- HTTP and checks ---------------------------------------------------------
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok      $*"; }
fail() { failed=$((failed + 1)); echo "FAILED  $*"; [[ -z ${body:-} ]] || echo "        $status ${body:0:400}"; }

app=
agent_header=
status=
body=
# call METHOD PATH [FILE]: one request like the agent's; sets status and body.
call() {
  local args=(--silent --show-error --max-time 60 --cacert "$cacert" -X "$1"
    -H "Authorization: Bearer $token" -H "Accept: application/scim+json"
    -o "$tmp/body" -w '%{http_code}')
  [[ -z $agent_header ]] || args+=(-H "X-OKTA-ONPREM-DATA: $agent_header")
  [[ -z ${3:-} ]] || args+=(-H "Content-Type: application/scim+json; charset=utf-8" --data-binary "@$3")
  status=$(curl "${args[@]}" "$url/$app/scim/v2$2" 2>"$tmp/err") || status=000
  body=$(cat "$tmp/body" 2>/dev/null || true)
  [[ $status != 000 ]] || body=$(cat "$tmp/err")
  return 0
}
has() { grep -qF -- "$1" <<<"$body"; }
total() { sed -n 's/.*"totalResults":\([0-9][0-9]*\).*/\1/p' <<<"$body" | head -n 1; }

# sql DB QUERY: one value from the lab database (lab mode only).
sql() {
  if [[ $1 == mariadb ]]; then
    compose exec -T mariadb mariadb -uoktademo -poktademo oktademo -N -B -e "$2"
  else
    compose exec -T postgres psql -U oktademo -d oktademo -tA -c "$2"
  fi
}

stamp=$(date +%s)$$
run=0

# lab_tests LABEL DB: the guide's four tests on $app (with $agent_header if set).
lab_tests() {
  local label=$1 db=$2
  run=$((run + 1))
  local uid=labtest-$stamp-$run@example.com uname=lab.test.$stamp.$run
  echo "== $label: $url/$app/scim/v2"

  call GET /Status
  if [[ $status == 200 ]] && has "Scim Server is running"; then ok "$label: Status"; else fail "$label: Status"; fi

  # Test 1: import, page by page, as Okta does.
  local start=1 seen=0 tot=0 pages=0
  while :; do
    call GET "/Users?startIndex=$start&count=100"
    [[ $status == 200 ]] || break
    tot=$(total)
    seen=$((seen + $(grep -o '"userName":' <<<"$body" | wc -l)))
    pages=$((pages + 1))
    [[ -n $tot && $((start + 100)) -le $tot && $pages -lt 100 ]] || break
    start=$((start + 100))
  done
  if [[ $status == 200 && -n $tot && $seen -eq $tot && $tot -ge 13 ]]; then
    ok "$label: test 1 import: $seen active users in $pages page(s)"
  else
    fail "$label: test 1 import: $seen users read, totalResults ${tot:-?}"
  fi
  call GET /Users/luke.skywalker@galaxy.local
  if [[ $status == 200 ]] && has '"Confluence Edit"' && has '"GitHub Admin"' && has '"VPN Access"'; then
    ok "$label: test 1 import: Luke Skywalker with his 3 entitlements"
  else
    fail "$label: test 1 import: Luke Skywalker"
  fi
  call GET /Entitlements
  if [[ $status == 200 && $(total) == 10 ]] && has '"VPN Access"'; then ok "$label: test 1 import: 10 entitlements"; else fail "$label: test 1 import: entitlements"; fi

  # Test 2: assign a new user with two entitlements.
  call GET "/Users?filter=userName%20eq%20%22$uid%22"
  if [[ $status == 200 && $(total) == 0 ]]; then ok "$label: test 2 assign: lookup by userName finds nobody"; else fail "$label: test 2 assign: lookup before create"; fi
  sed -e "s/testuser@example\.com/$uid/g" -e "s/test\.user/$uname/g" "$root/testdata/lab/2-create-user.json" >"$tmp/create.json"
  call POST /Users "$tmp/create.json"
  if [[ $status == 201 ]] && has "\"id\":\"$uid\""; then ok "$label: test 2 assign: created $uid"; else fail "$label: test 2 assign: create"; fi
  call GET "/Users/$uid"
  if [[ $status == 200 ]] && has '"VPN Access"' && has '"GitHub Admin"'; then ok "$label: test 2 assign: entitlements VPN Access and GitHub Admin"; else fail "$label: test 2 assign: entitlements"; fi
  if [[ $mode == lab ]]; then
    local row
    row=$(sql "$db" "SELECT USERNAME FROM USERS WHERE USER_ID = '$uid'" 2>&1 || true)
    if [[ $row == "$uname" ]]; then ok "$label: test 2 assign: USERS row in $db"; else fail "$label: test 2 assign: USERS row in $db: $row"; fi
  fi

  # Test 3: update title and department.
  sed -e "s/testuser@example\.com/$uid/g" -e "s/test\.user/$uname/g" "$root/testdata/lab/3-update-user.json" >"$tmp/update.json"
  call PUT "/Users/$uid" "$tmp/update.json"
  if [[ $status == 200 ]]; then ok "$label: test 3 update: PUT"; else fail "$label: test 3 update: PUT"; fi
  call GET "/Users/$uid"
  if [[ $status == 200 ]] && has '"Senior Engineer"' && has '"Platform"'; then ok "$label: test 3 update: title and department"; else fail "$label: test 3 update: title and department"; fi

  # Test 4: unassign, which deactivates.
  call PATCH "/Users/$uid" "$root/testdata/lab/4-deactivate.json"
  if [[ $status == 200 ]] && has '"active":false'; then ok "$label: test 4 unassign: deactivated"; else fail "$label: test 4 unassign: PATCH active=false"; fi
  call GET "/Users/$uid"
  if [[ $status == 200 ]] && has '"active":false'; then ok "$label: test 4 unassign: reads back inactive"; else fail "$label: test 4 unassign: read back"; fi
  if [[ $mode == lab ]]; then
    local active
    active=$(sql "$db" "SELECT IS_ACTIVE FROM USERS WHERE USER_ID = '$uid'" 2>&1 || true)
    if [[ $active == 0 || $active == f ]]; then ok "$label: test 4 unassign: IS_ACTIVE false in $db"; else fail "$label: test 4 unassign: IS_ACTIVE in $db: $active"; fi
  fi
}

if [[ $mode == lab ]]; then
  app=jdbc_on_prem agent_header=
  lab_tests "MariaDB, stored procedures (tenants file)" mariadb
  app=jdbc_on_prem_pg agent_header=
  lab_tests "PostgreSQL, stored procedures (tenants file)" postgres
  app=jdbc_on_prem agent_header=$(base64 <"$root/docker/lab-agent-header.json" | tr -d '\n')
  lab_tests "MariaDB, SQL statements (X-OKTA-ONPREM-DATA header)" mariadb
else
  app=jdbc_on_prem agent_header=
  lab_tests "demo, SQLite (make run)" sqlite
  # The agent's header is decoded, and a SQLite database refused: only the
  # local tenants file may name a file on the server.
  app=jdbc_on_prem
  agent_header=$(printf '%s' '{"database":{"type":"sqlite","database":"/tmp/lab.db"},"operations":{"get_users":{"type":"sql","statement":"SELECT 1","user_id_column":"USER_ID"}}}' | base64 | tr -d '\n')
  echo "== X-OKTA-ONPREM-DATA header: $url/$app/scim/v2"
  call GET "/Users?count=1"
  if [[ $status == 400 ]] && has "SQLite"; then ok "header: decoded, and a SQLite database refused (400)"; else fail "header: a SQLite configuration must be refused with 400"; fi
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
