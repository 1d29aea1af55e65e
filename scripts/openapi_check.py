#!/usr/bin/env python3
"""Validates hanserve's OpenAPI document and checks real responses of a running server against it.

Usage: scripts/openapi_check.py http://127.0.0.1:PORT
Every request below is answered by the server; each answer's status must be documented for its
operation, its Content-Type must match, and a JSON body must validate against the documented schema.
Exits non-zero on the first mismatch. Writes (a POST and a DELETE) use ids prefixed openapi-check-.
"""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

import jsonschema
from openapi_spec_validator import validate

BASE = sys.argv[1].rstrip("/")
TOKEN = os.environ.get("HANSERVE_TOKEN")


# The headers of the last answer (MCP's session id comes back in one).
last_headers = {}


def request(method, path, body=None, content_type=None, extra_headers=None):
    global last_headers
    headers = dict(extra_headers or {})
    if content_type:
        headers["Content-Type"] = content_type
    if TOKEN and method in ("POST", "DELETE"):
        headers["Authorization"] = "Bearer " + TOKEN
    data = body.encode("utf-8") if isinstance(body, str) else body
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            last_headers = response.headers
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        last_headers = error.headers
        return error.code, error.headers.get("Content-Type", ""), error.read()


spec = json.loads(request("GET", "/openapi.json")[2])
validate(spec)
print("openapi-check: the document is a valid OpenAPI", spec["openapi"], "description")


def resolve(schema):
    """The schema with every $ref inlined (the components have no cycles)."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            name = schema["$ref"].split("/")[-1]
            return resolve(spec["components"]["schemas"][name])
        return {key: resolve(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [resolve(item) for item in schema]
    return schema


checked = set()


def check(method, template, path, expected_status, body=None, content_type=None, extra_headers=None):
    status, ctype, raw = request(method, path, body, content_type, extra_headers)
    where = f"{method} {path}"
    if status != expected_status:
        sys.exit(f"openapi-check: {where}: expected {expected_status}, got {status}: {raw[:300]!r}")
    operation = spec["paths"][template][method.lower()]
    documented = operation["responses"].get(str(status))
    if documented is None:
        sys.exit(f"openapi-check: {where}: status {status} is not documented for {method} {template}")
    if "content" not in documented:
        if raw:
            sys.exit(f"openapi-check: {where}: status {status} is documented without a body, but has one: {raw[:300]!r}")
        checked.add((method, template, status))
        return raw
    media = ctype.split(";")[0].strip()
    if media not in documented["content"]:
        sys.exit(f"openapi-check: {where}: Content-Type {media} is not documented ({list(documented['content'])})")
    schema = resolve(documented["content"][media]["schema"])
    if media == "application/json":
        value = json.loads(raw)
        try:
            jsonschema.validate(value, schema, format_checker=jsonschema.FormatChecker())
        except jsonschema.ValidationError as error:
            sys.exit(f"openapi-check: {where}: the body does not match the schema: {error.message}\n{raw[:500]!r}")
    checked.add((method, template, status))
    return raw


q = urllib.parse.quote
check("GET", "/", "/", 200)
check("GET", "/health", "/health", 200)
check("GET", "/stats", "/stats", 200)
check("GET", "/metrics", "/metrics", 200)
check("GET", "/openapi.json", "/openapi.json", 200)
found = json.loads(check("GET", "/search", "/search?q=" + q("科技服务业") + "&limit=3", 200))
assert found["total"] > 0 and len(found["hits"]) == 3, found
check("GET", "/search", "/search?q=" + q("科技") + "&sort=date&from=2000-01-01&to=2100-01-01&offset=2", 200)
check("GET", "/search", "/search?q=" + q("\"未闭合"), 400)
check("GET", "/search", "/search?q=a&limit=100000", 400)
faceted = json.loads(check("GET", "/search", "/search?q=" + q("科技") + "&limit=1&facets=source,year", 200))
assert "source" in faceted["facets"] and "year" in faceted["facets"], faceted
check("GET", "/search", "/search?q=" + q("科技") + "&year=2022&source=" + q("宁波日报"), 200)
check("GET", "/search", "/search?q=" + q("科技") + "&facets=sourcee", 400)
doc = found["hits"][0]["doc"]
check("GET", "/documents/{id}", "/documents/" + q(doc, safe="") + "?q=" + q("科技服务业"), 200)
check("GET", "/documents/{id}", "/documents/openapi-check-absent", 404)
check("GET", "/documents/{id}", "/documents/x?q=" + q("\""), 400)
reports = [{"id": "openapi-check-1", "title": "接口检查", "body": "接口检查专用段落。", "date": "2024-01-02"}]
check("POST", "/documents", "/documents", 200, json.dumps(reports), "application/json")
check("POST", "/documents", "/documents", 200, json.dumps(reports[0]) + "\n", "application/x-ndjson")
check("POST", "/documents", "/documents", 422, json.dumps([{"id": "", "title": "t", "body": "b"}, 3]), "application/json")
check("POST", "/documents", "/documents", 415, "id,title", "text/csv")
check("POST", "/documents", "/documents", 413, b"[" + b" " * (40 << 20) + b"]", "application/json")
check("DELETE", "/documents/{id}", "/documents/openapi-check-1", 200)
check("DELETE", "/documents/{id}", "/documents/openapi-check-1", 404)
# MCP (docs/mcp.md): an initialize opens a session, named in the answer's header, and DELETE ends it;
# scripts/mcp-test.py drives the endpoint with a real client.
mcp_accept = {"Accept": "application/json, text/event-stream"}
initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "openapi-check", "version": "1"}}}
stream = check("POST", "/mcp", "/mcp", 200, json.dumps(initialize), "application/json", mcp_accept)
assert b'"protocolVersion"' in stream, stream[:300]
session = {"Mcp-Session-Id": last_headers["Mcp-Session-Id"], "MCP-Protocol-Version": "2025-11-25"}
check("POST", "/mcp", "/mcp", 400, json.dumps({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}), "application/json", mcp_accept)
check("DELETE", "/mcp", "/mcp", 200, extra_headers=session)
check("DELETE", "/mcp", "/mcp", 404, extra_headers=session)
for method, path, status in [("GET", "/nowhere", 404), ("PUT", "/search", 405)]:
    got, ctype, raw = request(method, path)
    if got != status:
        sys.exit(f"openapi-check: {method} {path}: expected {status}, got {got}")
    jsonschema.validate(json.loads(raw), resolve({"$ref": "#/components/schemas/Error"}))
operations = {(m.upper(), p) for p, item in spec["paths"].items() for m in item if m != "parameters"}
missing = operations - {(m, p) for m, p, _ in checked}
if missing:
    sys.exit(f"openapi-check: operations never exercised: {sorted(missing)}")
print(f"openapi-check: {len(checked)} (operation, status) pairs match the document; all {len(operations)} operations exercised")
