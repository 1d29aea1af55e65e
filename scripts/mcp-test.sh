#!/usr/bin/env bash
# MCP test (issue 16) with the official MCP Python SDK as the client: indexes Tests/Data/dev.jsonl into a
# temporary index, then scripts/mcp-test.py launches `hanindex mcp` over stdio and talks to hanserve's
# /mcp over Streamable HTTP (started with a token, on a free loopback port), comparing the search tool
# with GET /search, checking tool errors, writes and their token. It prints the negotiated protocol
# versions. MCP_SDK="mcp==X.Y.Z ..." tests another SDK version (in a virtual environment of its own);
# CONFIG=release tests a release build. Everything it creates is removed on exit.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
cd "$(dirname "$0")/.."
source scripts/setup.sh

sdk="${MCP_SDK:-mcp==2.3.0}"
config="${CONFIG:-debug}"
corpus="${HANSEARCH_DEV_CORPUS:-Tests/Data/dev.jsonl}"
[ -f "$corpus" ] || { echo "mcp-test: $corpus not found (set HANSEARCH_DEV_CORPUS)" >&2; exit 1; }

work="$(mktemp -d -t hansearch-mcp-test-XXXXXX)"
trap 'rm -rf "$work"' EXIT

# A virtual environment per run: the SDK (and its pinned dependencies) stay out of the system's python.
python3 -m venv "$work/venv"
# Unquoted: MCP_SDK may name several requirements (an old SDK needs an old pydantic).
# shellcheck disable=SC2086
"$work/venv/bin/python" -m pip install -q --disable-pip-version-check $sdk

swift build -c "$config" --product hanindex
swift build -c "$config" --product hanserve
bin="$(swift build -c "$config" --show-bin-path)"

"$bin/hanindex" index "$corpus" --index "$work/index" >/dev/null
"$work/venv/bin/python" scripts/mcp-test.py "$bin/hanindex" "$bin/hanserve" "$work/index" "$work"
