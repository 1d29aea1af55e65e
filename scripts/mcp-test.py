#!/usr/bin/env python3
"""Drives HanSearch's MCP servers with the official MCP Python SDK (a real client), over stdio
(`hanindex mcp`, launched by the SDK) and over Streamable HTTP (`hanserve`'s /mcp), and compares the
search tool with `GET /search` of the same server.

Usage: scripts/mcp-test.py HANINDEX HANSERVE INDEX_DIR WORK_DIR   (scripts/mcp-test.sh sets it all up)
The index must hold Tests/Data/dev.jsonl. Prints the protocol version negotiated on each transport and
ends with 'N passed, N failed'.
"""
import asyncio
import json
import os
import shutil
import sys
import traceback
import urllib.error
import urllib.parse
import urllib.request
from importlib.metadata import version as package_version

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serverharness  # noqa: E402

from mcp import ClientSession, StdioServerParameters  # noqa: E402
from mcp.client.stdio import stdio_client  # noqa: E402

try:  # mcp 2.x
    from mcp.client.streamable_http import streamable_http_client as _http_client
    from mcp.shared._httpx_utils import create_mcp_http_client

    def http_client(url, headers):
        return _http_client(url, http_client=create_mcp_http_client(headers=headers))
except ImportError:  # mcp 1.x
    from mcp.client.streamable_http import streamablehttp_client

    def http_client(url, headers):
        return streamablehttp_client(url, headers=headers)

HANINDEX, HANSERVE, INDEX, WORK = sys.argv[1:5]
TOKEN = "mcp-test-token"
QUERIES = [
    {"query": "Debian"},
    {"query": "\"Debian 参考手册\"", "limit": 5},
    {"query": "系统 OR 网络", "limit": 20, "offset": 3},
    {"query": "技术", "limit": 0, "facets": ["source"]},
    {"query": "Debian -翻译", "sort": "date", "limit": 7},
    {"query": "title:附录"},
]
BAD_QUERIES = ["\"Debian", "OR 系统", "-Debian"]
EXPECTED_TOOLS = {"search", "get_document", "index_stats", "add_reports", "delete_document"}

passed, failed = 0, 0
negotiated = []


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def dump(model):
    """A pydantic model of the SDK as the JSON of the protocol (camelCase keys), in either SDK major version."""
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def http_search(base, arguments):
    """GET /search with the same arguments as the search tool."""
    names = {"query": "q"}
    pairs = []
    for name, value in arguments.items():
        pairs.append((names.get(name, name), ",".join(value) if isinstance(value, list) else str(value)))
    with urllib.request.urlopen(base + "/search?" + urllib.parse.urlencode(pairs)) as response:
        return json.load(response)


def text_of(result):
    return "\n".join(part.get("text", "") for part in result.get("content", []))


async def exercise(session, transport, base, writes_allowed):
    """Runs the checks common to both transports; `base` is a hanserve URL with the same index."""
    initialized = dump(await session.initialize())
    negotiated.append((transport, initialized["protocolVersion"], initialized["serverInfo"]))
    print(f"info {transport}: protocol {initialized['protocolVersion']} with server {initialized['serverInfo']}")

    tools = {tool["name"]: tool for tool in dump(await session.list_tools())["tools"]}
    expected = EXPECTED_TOOLS if writes_allowed else EXPECTED_TOOLS - {"add_reports", "delete_document"}
    check(f"{transport}: tools listed", set(tools) == expected, sorted(tools))
    for name, tool in tools.items():
        schema = tool.get("inputSchema", {})
        check(f"{transport}: {name} has a description and an object schema",
              len(tool.get("description", "")) > 40 and schema.get("type") == "object", tool)
    check(f"{transport}: search's schema requires query",
          tools["search"]["inputSchema"].get("required") == ["query"]
          and "limit" in tools["search"]["inputSchema"]["properties"], tools["search"]["inputSchema"])

    resources = dump(await session.list_resources())["resources"]
    check(f"{transport}: the query language is a resource", [r["uri"] for r in resources] == ["hansearch://docs/query-language"])
    language = dump(await session.read_resource(resources[0]["uri"]))
    check(f"{transport}: the query language resource reads", "title:" in language["contents"][0].get("text", ""))

    for arguments in QUERIES:
        result = dump(await session.call_tool("search", arguments))
        expected_answer = http_search(base, arguments)
        content = result.get("structuredContent") or {}
        same = (not result.get("isError") and content.get("total") == expected_answer["total"]
                and [hit["id"] for hit in content.get("hits", [])] == [hit["id"] for hit in expected_answer["hits"]]
                and content.get("facets") == expected_answer.get("facets"))
        check(f"{transport}: search {arguments} = GET /search (total {expected_answer['total']})", same,
              f"tool: {content.get('total')} {[h['id'] for h in content.get('hits', [])][:5]}; "
              f"http: {expected_answer['total']} {[h['id'] for h in expected_answer['hits']][:5]}")
        without_time = {k: v for k, v in content.items() if k != "took_ms"}
        check(f"{transport}: search {arguments['query']} structured content is GET /search's JSON",
              without_time == {k: v for k, v in expected_answer.items() if k != "took_ms"})
        if expected_answer["hits"]:
            first = expected_answer["hits"][0]
            check(f"{transport}: search text names the first hit", first["id"] in text_of(result)
                  and first["title"] in text_of(result), text_of(result)[:300])

    for query in BAD_QUERIES:
        result = dump(await session.call_tool("search", {"query": query}))
        check(f"{transport}: bad query {query!r} is a tool error with the parser's message",
              result.get("isError") is True and "cannot be parsed" in text_of(result), result)
    result = dump(await session.call_tool("search", {"query": "Debian", "limit": "ten"}))
    check(f"{transport}: a wrong argument type is a tool error naming it",
          result.get("isError") is True and "\"limit\"" in text_of(result), result)

    document = dump(await session.call_tool("get_document", {"id": "debref-cn-0001"}))
    with urllib.request.urlopen(base + "/documents/debref-cn-0001") as response:
        expected_document = json.load(response)
    check(f"{transport}: get_document = GET /documents/{{id}}", document.get("structuredContent") == expected_document)
    missing = dump(await session.call_tool("get_document", {"id": "no-such-document"}))
    check(f"{transport}: an unknown document is a tool error naming it",
          missing.get("isError") is True and "no-such-document" in text_of(missing), missing)

    stats = dump(await session.call_tool("index_stats", {}))
    check(f"{transport}: index_stats counts the documents", (stats.get("structuredContent") or {}).get("documents", 0) > 800, stats)


async def add_and_find(session, transport, base, identifier, word):
    """add_reports makes a report searchable at once, over MCP and over GET /search; bad records are all named."""
    bad = dump(await session.call_tool("add_reports", {"reports": [
        {"id": f"{identifier}-ok", "title": "好", "body": "好的"},
        {"id": f"{identifier}-bad-date", "title": "坏", "body": "坏的", "date": "2024-13-40"},
        {"title": "无编号", "body": "没有编号"},
    ]}))
    records = ((bad.get("structuredContent") or {}).get("error") or {}).get("records") or []
    check(f"{transport}: add_reports with bad records is refused, every one named",
          bad.get("isError") is True and [r.get("index") for r in records] == [1, 2]
          and f"{identifier}-bad-date" in text_of(bad), bad)
    check(f"{transport}: nothing of a refused batch is indexed",
          http_search(base, {"query": "好的"})["total"] == 0 or f"{identifier}-ok" not in
          [h["doc"] for h in http_search(base, {"query": "好的", "limit": 100})["hits"]])

    added = dump(await session.call_tool("add_reports", {"reports": [
        {"id": identifier, "title": "测试报告", "body": f"这份报告提到{word}。", "date": "2024-05-06", "source": "mcp-test"}]}))
    check(f"{transport}: add_reports indexes", added.get("isError") is not True
          and (added.get("structuredContent") or {}).get("ids") == [identifier], added)
    found = dump(await session.call_tool("search", {"query": word}))
    check(f"{transport}: the added report is found by the search tool",
          [h["doc"] for h in (found.get("structuredContent") or {}).get("hits", [])] == [identifier], found)
    check(f"{transport}: the added report is found by GET /search",
          [h["doc"] for h in http_search(base, {"query": word})["hits"]] == [identifier])
    deleted = dump(await session.call_tool("delete_document", {"id": identifier}))
    check(f"{transport}: delete_document deletes", (deleted.get("structuredContent") or {}).get("deleted") == identifier, deleted)
    check(f"{transport}: the deleted report is gone", http_search(base, {"query": word})["total"] == 0)


async def over_stdio(base):
    """`hanindex mcp` read-only, launched by the SDK on the index hanserve serves."""
    parameters = StdioServerParameters(command=HANINDEX, args=["mcp", "--index", INDEX])
    with open(os.path.join(WORK, "stdio-stderr.log"), "a") as errlog:
        async with stdio_client(parameters, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                await exercise(session, "stdio", base, writes_allowed=False)
                refused = dump(await session.call_tool("add_reports", {"reports": [
                    {"id": "mcp-test-readonly", "title": "只读", "body": "只读的"}]}))
                check("stdio: a read-only server refuses writes as a tool error",
                      refused.get("isError") is True and "--writable" in text_of(refused), refused)


async def over_http(base, headers, transport):
    async with http_client(base + "/mcp", headers) as streams:
        read, write = streams[0], streams[1]
        async with ClientSession(read, write) as session:
            if headers:
                await exercise(session, transport, base, writes_allowed=True)
                await add_and_find(session, transport, base, "mcp-test-http", "独角兽乙")
            else:
                initialized = dump(await session.initialize())
                print(f"info {transport}: protocol {initialized['protocolVersion']}")
                result = dump(await session.call_tool("search", {"query": "Debian"}))
                check(f"{transport}: reads need no token", result.get("isError") is not True
                      and (result.get("structuredContent") or {}).get("total", 0) > 0, result)
                for name, arguments in [("add_reports", {"reports": [{"id": "mcp-test-no-token", "title": "无", "body": "无令牌"}]}),
                                        ("delete_document", {"id": "debref-cn-0001"})]:
                    refused = dump(await session.call_tool(name, arguments))
                    check(f"{transport}: {name} without the token is refused",
                          refused.get("isError") is True and "Bearer" in text_of(refused), refused)
                check(f"{transport}: the refused add wrote nothing", http_search(base, {"query": "无令牌"})["total"] == 0)
                with urllib.request.urlopen(base + "/documents/debref-cn-0001") as response:
                    check(f"{transport}: the refused delete deleted nothing", response.status == 200)
    wrong = {"Authorization": "Bearer wrong-" + TOKEN}
    async with http_client(base + "/mcp", wrong) as streams:
        async with ClientSession(streams[0], streams[1]) as session:
            await session.initialize()
            refused = dump(await session.call_tool("delete_document", {"id": "debref-cn-0001"}))
            check(f"{transport}: a wrong token is refused", refused.get("isError") is True and "wrong" in text_of(refused), refused)


async def auto_mode(base):
    """mcp 2.x's high-level Client probes the 2026-07-28 protocol (server/discover) first and must fall
    back to initialize with this server, over both transports."""
    try:
        from mcp import Client
    except ImportError:  # mcp 1.x has no such client
        return
    expected = http_search(base, {"query": "Debian"})
    for transport, server in [("stdio (Client auto)", StdioServerParameters(command=HANINDEX, args=["mcp", "--index", INDEX])),
                              ("http (Client auto)", base + "/mcp")]:
        async with Client(server) as client:
            negotiated.append((transport, client.protocol_version, dump(client.server_info)))
            result = dump(await client.call_tool("search", {"query": "Debian"}))
            check(f"{transport}: search = GET /search", (result.get("structuredContent") or {}).get("total") == expected["total"], result)


def raw_http_checks(base):
    """What a client library hides: GET is 405, and a call without a session is refused."""
    request = urllib.request.Request(base + "/mcp", method="GET", headers={"Accept": "text/event-stream"})
    try:
        urllib.request.urlopen(request)
        check("http: GET /mcp is 405", False, "answered 2xx")
    except urllib.error.HTTPError as error:
        check("http: GET /mcp is 405", error.code == 405 and "POST" in (error.headers.get("Allow") or ""), error.code)
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).encode()
    request = urllib.request.Request(base + "/mcp", data=body, method="POST", headers={
        "Content-Type": "application/json", "Accept": "application/json, text/event-stream"})
    try:
        urllib.request.urlopen(request)
        check("http: a request without a session is refused", False, "answered 2xx")
    except urllib.error.HTTPError as error:
        check("http: a request without a session is refused", error.code == 400, error.code)


async def main():
    os.environ["HANSERVE_TOKEN"] = TOKEN
    server = serverharness.Server(HANSERVE, INDEX, os.path.join(WORK, "server.log"))
    base = f"http://{serverharness.HOST}:{server.port}"
    try:
        # Stdio first, read-only while hanserve holds the index: `hanindex mcp` only reads, and its
        # searches must equal the server's. The writable stdio run needs the index's lock, so it
        # runs on a copy with a server of its own.
        await over_stdio(base)
        await over_http(base, {"Authorization": "Bearer " + TOKEN}, "http")
        await over_http(base, {}, "http without token")
        raw_http_checks(base)
        await auto_mode(base)
    finally:
        status = server.stop()
        check("hanserve stops cleanly on SIGTERM", status == 0, status)
    copy = os.path.join(WORK, "index-copy")
    shutil.copytree(INDEX, copy)
    # The writable stdio server writes while no hanserve holds the lock; GET /search comes from a
    # hanserve started afterwards on the same copy (its reads see every commit).
    await writable_stdio(copy)


async def writable_stdio(copy):
    """`hanindex mcp --writable` (it takes the index's lock for each write, so no hanserve runs on the copy)."""
    parameters = StdioServerParameters(command=HANINDEX, args=["mcp", "--index", copy, "--writable"])
    with open(os.path.join(WORK, "stdio-stderr.log"), "a") as errlog:
        async with stdio_client(parameters, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                initialized = dump(await session.initialize())
                negotiated.append(("stdio --writable", initialized["protocolVersion"], initialized["serverInfo"]))
                tools = {tool["name"] for tool in dump(await session.list_tools())["tools"]}
                check("stdio --writable: all five tools listed", tools == EXPECTED_TOOLS, sorted(tools))
                added = dump(await session.call_tool("add_reports", {"reports": [
                    {"id": "mcp-test-stdio", "title": "测试报告", "body": "这份报告提到独角兽甲。", "date": "2024-05-06"}]}))
                check("stdio --writable: add_reports indexes", added.get("isError") is not True, added)
                found = dump(await session.call_tool("search", {"query": "独角兽甲"}))
                check("stdio --writable: the added report is found at once",
                      [h["doc"] for h in (found.get("structuredContent") or {}).get("hits", [])] == ["mcp-test-stdio"], found)
    server = serverharness.Server(HANSERVE, copy, os.path.join(WORK, "server-copy.log"))
    try:
        base = f"http://{serverharness.HOST}:{server.port}"
        check("stdio --writable: the committed report is in GET /search",
              [h["doc"] for h in http_search(base, {"query": "独角兽甲"})["hits"]] == ["mcp-test-stdio"])
    finally:
        server.stop()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except Exception:
        traceback.print_exc()
        failed += 1
    print(f"info client: mcp (Python SDK) {package_version('mcp')}")
    for transport, protocol, info in negotiated:
        print(f"info negotiated: {transport}: protocol {protocol} (client mcp {package_version('mcp')}, server {info.get('name')} {info.get('version')})")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
