#!/usr/bin/env python3
"""Crash safety of hanserve, on loopback.

Rounds of concurrent writers POSTing reports (single objects, arrays and JSON Lines) while the server
is SIGKILLed at a random moment; after each restart every write that was answered 200 must be
readable (GET /documents/{id}) and whole (a search for its unique word finds all its segments), and
every write that was not answered must be whole or absent — never partial. A last round sends SIGTERM
instead: the server must exit 0, answer the writes that were in flight, and have committed them.

    scripts/crash-test-serve.py [--kills N] [--writers N] [--binary PATH]
"""
import argparse
import os
import random
import shutil
import tempfile
import threading
import time
import json

import serverharness as harness

PARAGRAPHS = 2


class Writers:
    """Threads that POST reports until stopped, remembering which ids were acknowledged with 200."""

    def __init__(self, port, count, round_number):
        self.port = port
        self.acknowledged, self.attempted = [], []
        self.after_stop = 0
        self.errors = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.stop_time = None
        self.threads = [threading.Thread(target=self.run, args=(round_number, n)) for n in range(count)]
        for thread in self.threads:
            thread.start()

    def run(self, round_number, writer):
        sequence = 0
        while not self.stopping.is_set():
            sequence += 1
            size = random.choice([1, 1, 3])
            reports = [harness.report(f"crash/r{round_number}/w{writer}/{sequence}-{k}",
                                      f"cr{round_number}w{writer}s{sequence}k{k}", PARAGRAPHS) for k in range(size)]
            style = random.choice(["object", "array", "ndjson"]) if size == 1 else random.choice(["array", "ndjson"])
            if style == "object":
                body, kind = json.dumps(reports[0]), "application/json"
            elif style == "array":
                body, kind = json.dumps(reports), "application/json"
            else:
                body, kind = "\n".join(map(json.dumps, reports)) + "\n", "application/x-ndjson"
            ids = [r["id"] for r in reports]
            with self.lock:
                self.attempted += ids
            try:
                status, _ = harness.request(self.port, "POST", "/documents", body.encode(), kind, timeout=20)
            except OSError:
                time.sleep(0.05)  # the server is gone; keep trying until told to stop
                continue
            if status == 200:
                with self.lock:
                    self.acknowledged += ids
                    if self.stop_time is not None:
                        self.after_stop += 1
            elif status >= 500 and status != 503:
                with self.lock:
                    self.errors.append(f"POST answered {status}")

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join()


def segments_found(port, marker):
    status, body = harness.request(port, "GET", harness.search_path(marker, limit=10))
    if status != 200:
        harness.fail(f"search for {marker} answered {status}: {body}")
    return body["total"]


def check(port, writers, label):
    """Every acknowledged write whole; every other write whole or absent."""
    acknowledged = set(writers.acknowledged)
    missing = harness.missing_documents(port, sorted(acknowledged))
    if missing:
        harness.fail(f"{label}: {len(missing)} acknowledged documents lost, e.g. {missing[:3]}")
    for document_id in writers.attempted:
        found = segments_found(port, marker_of(document_id))
        if found not in (0, PARAGRAPHS) or (document_id in acknowledged and found != PARAGRAPHS):
            harness.fail(f"{label}: document {document_id} has {found} of {PARAGRAPHS} segments")
    unacknowledged_present = sum(1 for i in set(writers.attempted) - acknowledged
                                 if segments_found(port, marker_of(i)) == PARAGRAPHS)
    return len(acknowledged), len(set(writers.attempted)), unacknowledged_present


def marker_of(document_id):
    """The unique word of the report written with `document_id` (crash/r{R}/w{W}/{S}-{K})."""
    round_number, writer, rest = document_id.split("/")[1:]
    sequence, k = rest.split("-")
    return f"cr{round_number[1:]}{writer}s{sequence}k{k}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--binary", default=None)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    random.seed(seed)
    binary = args.binary or harness.debug_binary("hanserve")
    work = tempfile.mkdtemp(prefix="hanserve-crash-")
    index, log = os.path.join(work, "index"), os.path.join(work, "hanserve.log")
    print(f"crash-test-serve: {args.kills} SIGKILLs then one SIGTERM, {args.writers} writers, seed {seed}")
    try:
        rounds = []
        for round_number in range(1, args.kills + 2):
            graceful = round_number == args.kills + 1
            server = harness.Server(binary, index, log)
            writers = Writers(server.port, args.writers, round_number)
            time.sleep(random.uniform(0.5, 2.5))
            with writers.lock:
                writers.stop_time = time.monotonic()
            if graceful:
                status = server.stop()
                if status != 0:
                    harness.fail(f"SIGTERM: hanserve exited with status {status}; see {log}")
            else:
                server.kill()
            writers.stop()
            if writers.errors:
                harness.fail(f"round {round_number}: {writers.errors[:3]}")
            server = harness.Server(binary, index, log)
            try:
                acknowledged, attempted, extra = check(server.port, writers, f"round {round_number}")
            finally:
                server.stop()
            how = "SIGTERM" if graceful else "SIGKILL"
            print(f"round {round_number} ({how}): {attempted} writes sent, {acknowledged} acknowledged — all "
                  f"found whole after restart; {extra} unacknowledged ones committed whole, none partial; "
                  f"{writers.after_stop} answered 200 after the signal")
            rounds.append(acknowledged)
        print(f"crash-test-serve: OK — {args.kills} kills, {sum(rounds)} acknowledged writes, none lost")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
