#!/usr/bin/env python3
"""A bounded soak of hanserve on loopback: several hundred keep-alive connections with a request in
flight on each, mixing searches (Chinese, mixed, phrase, OR, exclusion, title) and writes, for a fixed
time. Checks: no 5xx and no broken connection; every report acknowledged with 200 is searchable at the
end; RSS flat after warm-up; no file descriptors leaked once the clients are gone, also after clients
that send a 1 MB query (over the HTTP layer's request-line limit) and leave. Prints the figures.

    scripts/soak.py              short run (15 s, 300 connections) for CI
    scripts/soak.py --full       60 s, 500 connections
    scripts/soak.py --duration S --connections N --write-percent P --binary PATH

RSS is "flat" when it grows by less than --rss-slack-mib (default 64) plus 25% between the end of
the warm-up (the first third) and the end of the run: the index grows by every write, and Xapian's
caches grow with it, so a little growth is expected; a leak per request grows without bound.
"""
import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import time

import serverharness as harness

QUERIES = ["科技服务业", "宁波", "Debian", "参考手册", "系统", "2021年", "\"Debian 参考手册\"", "宁波 OR 甬",
           "文件 -系统", "title:附录", "软件包", "网络", "配置 文件", "内核", "apt-get", "用户"]


class Connection:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, port):
        self.port = port
        self.reader = self.writer = None

    async def request(self, method, path, body=b"", content_type="application/json"):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(harness.HOST, self.port)
        head = f"{method} {path} HTTP/1.1\r\nHost: {harness.HOST}\r\nContent-Length: {len(body)}\r\n"
        if body:
            head += f"Content-Type: {content_type}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        status = int(status_line.split()[1])
        length, chunked, close = 0, False, False
        while True:
            line = (await self.reader.readline()).decode("latin-1").strip()
            if not line:
                break
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.lower() == "close":
                close = True
        if chunked:
            data = b""
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                data += await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        else:
            data = await self.reader.readexactly(length)
        if close:
            self.close()
        return status, data

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Soak:
    def __init__(self, port, write_percent):
        self.port = port
        self.write_percent = write_percent
        self.statuses = {}
        self.latencies = {"search": [], "write": []}
        self.acknowledged = []
        self.connection_errors = []
        self.server_errors = []  # (request, answer) of the first 5xx answers, for the failure message
        self.sequence = 0

    async def client(self, number, deadline):
        connection = Connection(self.port)
        while time.monotonic() < deadline:
            if random.randrange(100) < self.write_percent:
                self.sequence += 1
                marker = f"soak{self.sequence}c{number}"
                document_id = f"soak/{self.sequence}#{number}"
                kind, method, path = "write", "POST", "/documents"
                body = json.dumps(harness.report(document_id, marker)).encode()
            else:
                query = random.choice(QUERIES)
                if self.acknowledged and random.random() < 0.2:
                    query = "soak" + random.choice(self.acknowledged)[0]
                kind, method, path, body = "search", "GET", harness.search_path(query, limit=10), b""
                document_id = None
            started = time.monotonic()
            try:
                status, data = await connection.request(method, path, body)
            except (OSError, ConnectionError, asyncio.IncompleteReadError) as error:
                self.connection_errors.append(f"{kind}: {error!r}")
                connection.close()
                continue
            self.latencies[kind].append(time.monotonic() - started)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status >= 500 and len(self.server_errors) < 3:
                self.server_errors.append((f"{method} {path} {body[:200]!r}", data[:500].decode("utf-8", "replace")))
            if kind == "write" and status == 200:
                self.acknowledged.append((marker[4:], document_id))
        connection.close()


async def sample(server, samples, stop):
    while not stop.is_set():
        samples.append((time.monotonic(), server.rss_kib(), server.open_fds()))
        try:
            await asyncio.wait_for(stop.wait(), 1.0)
        except asyncio.TimeoutError:
            pass


async def run_load(server, args):
    soak = Soak(server.port, args.write_percent)
    samples, stop = [], asyncio.Event()
    sampler = asyncio.create_task(sample(server, samples, stop))
    started = time.monotonic()
    deadline = started + args.duration
    await asyncio.gather(*(soak.client(n, deadline) for n in range(args.connections)))
    elapsed = time.monotonic() - started
    stop.set()
    await sampler
    return soak, samples, elapsed, started


def oversized_requests(port, count):
    """`count` clients that each send a 1 MB query (a request line far over the HTTP layer's limit),
    read the answer and leave. Returns the status lines they got."""
    import socket
    import threading
    answers = []
    for _ in range(count):
        request = f"GET {harness.search_path('科' * (1 << 20))} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        with socket.create_connection((harness.HOST, port), timeout=5) as sock:
            threading.Thread(target=lambda: _send_quietly(sock, request), daemon=True).start()
            try:
                answers.append(sock.recv(200).split(b"\r\n")[0].decode())
            except OSError as error:
                answers.append(repr(error))
    return answers


def _send_quietly(sock, data):
    try:
        sock.sendall(data)
    except OSError:
        pass  # the server refused the request before reading it all


def percentile(values, fraction):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="60 s with 500 connections")
    parser.add_argument("--duration", type=float)
    parser.add_argument("--connections", type=int)
    parser.add_argument("--write-percent", type=int, default=10)
    parser.add_argument("--rss-slack-mib", type=float, default=64)
    parser.add_argument("--idle-timeout", type=int, default=3, help="hanserve --idle-timeout (seconds)")
    parser.add_argument("--binary")
    args = parser.parse_args()
    args.duration = args.duration or (60 if args.full else 15)
    args.connections = args.connections or (500 if args.full else 300)
    root = harness.repo_root()
    binary = args.binary or harness.debug_binary("hanserve")
    hanindex = os.path.join(os.path.dirname(binary), "hanindex")
    work = tempfile.mkdtemp(prefix="hanserve-soak-")
    keep = bool(os.environ.get("SOAK_KEEP"))
    index, log = os.path.join(work, "index"), os.path.join(work, "hanserve.log")
    try:
        subprocess.run([hanindex, "index", os.path.join(root, "corpus"), "--index", index],
                       check=True, stdout=subprocess.DEVNULL)
        server = harness.Server(binary, index, log, idle_timeout=args.idle_timeout)
        # Each connection holds a descriptor; the limit must allow them all, or the test measures the limit.
        idle_fds, idle_rss = server.open_fds(), server.rss_kib()
        print(f"soak: {args.duration:.0f} s, {args.connections} connections, {args.write_percent}% writes, "
              f"pid {server.pid}; idle RSS {idle_rss / 1024:.1f} MiB, {idle_fds} fds")
        soak, samples, elapsed, started = asyncio.run(run_load(server, args))
        oversized = oversized_requests(server.port, 20)
        # The idle timeout closes what the refused oversized requests left open.
        time.sleep(args.idle_timeout + 2)
        after_fds, after_rss = server.open_fds(), server.rss_kib()
        acknowledged = soak.acknowledged
        lost = [document_id for marker, document_id in acknowledged
                if harness.request(server.port, "GET", harness.search_path("soak" + marker))[1].get("total") != 2]
        status = server.stop()

        warm = [s for s in samples if s[0] - started >= args.duration / 3]
        rss_warm = warm[0][1] if warm else idle_rss
        rss_end = samples[-1][1] if samples else after_rss
        peak_fds = max((s[2] for s in samples), default=after_fds)
        requests = sum(soak.statuses.values())
        server_errors = sum(n for code, n in soak.statuses.items() if code >= 500)
        print(f"requests: {requests} in {elapsed:.1f} s ({requests / elapsed:.0f}/s); statuses {dict(sorted(soak.statuses.items()))}; "
              f"broken connections {len(soak.connection_errors)}")
        for kind, values in soak.latencies.items():
            print(f"  {kind}: {len(values)}, p50 {percentile(values, 0.5):.1f} ms, p99 {percentile(values, 0.99):.1f} ms")
        print(f"acknowledged writes: {len(acknowledged)}, searchable at the end: {len(acknowledged) - len(lost)}")
        print(f"RSS MiB: idle {idle_rss / 1024:.1f}, after warm-up {rss_warm / 1024:.1f}, end {rss_end / 1024:.1f}, "
              f"after load {after_rss / 1024:.1f}; samples "
              + " ".join(f"{s[1] / 1024:.0f}" for s in samples[:: max(1, len(samples) // 12)]))
        print(f"fds: idle {idle_fds}, peak {peak_fds}, after load and 20 oversized requests {after_fds}")
        print(f"1 MB queries: {sorted(set(oversized))}")

        problems = []
        if server_errors:
            problems.append(f"{server_errors} responses were 5xx, e.g. {soak.server_errors}")
        other = {code: n for code, n in soak.statuses.items() if code != 200 and code < 500}
        if other:
            problems.append(f"unexpected statuses {other}")
        if soak.connection_errors:
            problems.append(f"{len(soak.connection_errors)} broken connections, e.g. {soak.connection_errors[:2]}")
        if lost:
            problems.append(f"{len(lost)} acknowledged reports are not searchable, e.g. {lost[:3]}")
        if rss_end > rss_warm * 1.25 + args.rss_slack_mib * 1024:
            problems.append(f"RSS grew from {rss_warm / 1024:.1f} to {rss_end / 1024:.1f} MiB after warm-up")
        if after_fds > idle_fds + 2:
            problems.append(f"file descriptors leaked: {idle_fds} idle before, {after_fds} after the load")
        if any(not answer.startswith("HTTP/1.1 4") for answer in oversized):
            problems.append(f"a 1 MB query was not answered 4xx: {sorted(set(oversized))}")
        if status != 0:
            problems.append(f"hanserve exited with {status} on SIGTERM")
        if problems:
            keep = True  # the log the message names
            harness.fail("; ".join(problems) + f" (log: {log})")
        print("soak: OK")
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
