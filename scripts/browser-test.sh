#!/usr/bin/env bash
# End-to-end test of the real hanserve binary: indexes corpus/ into a temporary index, starts the server
# on a free loopback port, checks every route against the OpenAPI document (scripts/openapi_check.py),
# drives the search page in headless Chromium (scripts/browser_test.py, screenshots saved), then stops
# the server with SIGTERM and checks that it shuts down cleanly. CONFIG=release to test a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "CJK\|WenQuanYi" || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
python3 -c "import jsonschema, openapi_spec_validator" 2>/dev/null || python3 -m pip install -q jsonschema openapi-spec-validator

config="${CONFIG:-debug}"
swift build -c "$config" --product hanindex
swift build -c "$config" --product hanserve
bin="$(swift build -c "$config" --show-bin-path)"

work="$(mktemp -d -t hanserve-browser-test-XXXXXX)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; wait "$server_pid" || true; fi
}
trap cleanup EXIT

"$bin/hanindex" index corpus --index "$work/index" >/dev/null
"$bin/hanserve" --index "$work/index" --host 127.0.0.1 --port 0 >"$work/server.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 100); do
    url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/server.log" | head -1 || true)"
    [ -n "$url" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; echo "browser-test: hanserve did not start" >&2; exit 1; }
    sleep 0.1
done
[ -n "$url" ] || { cat "$work/server.log" >&2; echo "browser-test: hanserve did not print its URL" >&2; exit 1; }
echo "browser-test: hanserve is listening on $url"

python3 scripts/openapi_check.py "$url"
python3 scripts/browser_test.py "$url" "$work/screenshots"

kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=""
[ "$status" -eq 0 ] || { tail -5 "$work/server.log" >&2; echo "browser-test: hanserve exited with $status after SIGTERM" >&2; exit 1; }
grep -q "index closed" "$work/server.log" || { echo "browser-test: hanserve did not close the index on SIGTERM" >&2; exit 1; }
echo "browser-test: hanserve shut down cleanly; screenshots in $work/screenshots"
