"""Shared by the hanserve reliability scripts (crash-test-serve.py, soak.py): starts the real binary on
a free loopback port, talks HTTP/1.1 to it with the standard library, and reads its RSS and open file
descriptors from /proc. Loopback only."""
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

HOST = "127.0.0.1"


def repo_root():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def debug_binary(product):
    """The path of `product` in the debug build, building it if needed (incremental)."""
    root = repo_root()
    built = subprocess.run(["swift", "build", "--product", product], cwd=root, capture_output=True, text=True)
    if built.returncode != 0:
        sys.stderr.write(built.stdout + built.stderr)
        raise SystemExit(f"building {product} failed")
    bin_path = subprocess.run(["swift", "build", "--show-bin-path"], cwd=root, check=True,
                              capture_output=True, text=True).stdout.strip()
    return os.path.join(bin_path, product)


class Server:
    """A running `hanserve` on 127.0.0.1 with a port it picked; `stop`/`kill` end it."""

    def __init__(self, binary, index, log_path, readers=None, idle_timeout=None):
        self.binary, self.index, self.log_path = binary, index, log_path
        arguments = [binary, "--index", index, "--host", HOST, "--port", "0"]
        if readers:
            arguments += ["--readers", str(readers)]
        if idle_timeout:
            arguments += ["--idle-timeout", str(idle_timeout)]
        self.log = open(log_path, "ab")
        self.process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=self.log)
        self.port = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.process.stdout.readline().decode("utf-8", "replace")
            if not line:
                break
            found = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
            if found:
                self.port = int(found.group(1))
                break
        if self.port is None:
            self.process.kill()
            raise RuntimeError(f"hanserve did not start; see {log_path}")
        # Keep draining stdout so the server never blocks on a full pipe.
        threading.Thread(target=self.process.stdout.read, daemon=True).start()

    @property
    def pid(self):
        return self.process.pid

    def kill(self):
        """SIGKILL: no chance to commit or close anything."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.log.close()

    def stop(self, timeout=60):
        """SIGTERM (graceful), returning the exit status."""
        self.process.send_signal(signal.SIGTERM)
        try:
            status = self.process.wait(timeout=timeout)
        finally:
            self.log.close()
        return status

    def rss_kib(self):
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def open_fds(self):
        return len(os.listdir(f"/proc/{self.pid}/fd"))


def request(port, method, path, body=None, content_type="application/json", timeout=30):
    """One request on a new connection: (status, parsed JSON body or raw text)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"Content-Type": content_type} if body is not None else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        try:
            return response.status, json.loads(raw)
        except ValueError:
            return response.status, raw.decode("utf-8", "replace")
    finally:
        connection.close()


def document_path(document_id):
    """`/documents/{id}` with the id percent-encoded (slashes and `#` too)."""
    return "/documents/" + urllib.parse.quote(document_id, safe="")


def search_path(query, **parameters):
    return "/search?" + urllib.parse.urlencode({"q": query, **parameters})


def report(document_id, marker, paragraphs=2):
    """A report whose every segment holds the unique word `marker`, so a search for it counts them."""
    body = "\n".join(f"第{n}段：可靠性测试文本 {marker} 写入后必须能搜到。" for n in range(1, paragraphs + 1))
    return {"id": document_id, "title": f"可靠性 {marker}", "body": body, "date": "2024-01-02"}


def missing_documents(port, ids):
    """The ids among `ids` that the server does not return (GET /documents/{id} is not 200)."""
    return [i for i in ids if request(port, "GET", document_path(i))[0] != 200]


def fail(message):
    print(f"FAILED: {message}", file=sys.stderr)
    sys.exit(1)
