#!/usr/bin/env python3
"""Drives hanserve's search page in headless Chromium over the DevTools protocol (standard library only).

Usage: scripts/browser_test.py http://127.0.0.1:PORT SCREENSHOT_FOLDER
Types a Chinese query into the search box, checks the highlighted results and the pagination, opens
an article and checks that the hit is highlighted, checks the messages for no results and for a bad
query, filters by a source facet and clears it, and saves a screenshot of each step. Exits non-zero naming the first check that fails.
"""
import base64
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

BASE = sys.argv[1].rstrip("/")
OUT = sys.argv[2]
QUERY = "科技服务业"
FACET_QUERY = "技术"  # matches the manuals (one source) and the newspaper page (no source) in corpus/
os.makedirs(OUT, exist_ok=True)


def fail(message):
    sys.exit(f"browser-test: FAILED: {message}")


class WebSocket:
    """A minimal client WebSocket (RFC 6455): text frames out, whole messages in."""

    def __init__(self, url):
        match = re.match(r"ws://([^:/]+):(\d+)(/.*)", url)
        host, port, path = match.group(1), int(match.group(2)), match.group(3)
        self.sock = socket.create_connection((host, port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.sock.recv(4096)
        if b" 101 " not in response.split(b"\r\n")[0]:
            fail(f"DevTools WebSocket handshake refused: {response[:200]!r}")
        self.buffer = response.split(b"\r\n\r\n", 1)[1]

    def send(self, text):
        payload = text.encode()
        header = bytes([0x81])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        elif len(payload) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(payload))
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _read(self, count):
        while len(self.buffer) < count:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                fail("the browser closed the DevTools connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def receive(self):
        message = b""
        while True:
            first, second = self._read(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(length)
            message += payload
            if first & 0x80:
                return message.decode()


class Browser:
    def __init__(self):
        chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if not chromium:
            fail("chromium is not installed (apt-get install chromium)")
        self.profile = tempfile.mkdtemp(prefix="hanserve-chromium-")
        self.process = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
             "--no-first-run", "--remote-debugging-port=0", f"--user-data-dir={self.profile}",
             "--window-size=1200,1500", "--lang=zh-CN", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 30
        port = None
        while time.time() < deadline and port is None:
            line = self.process.stderr.readline()
            match = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
            if match:
                port = int(match.group(1))
        if port is None:
            fail("chromium did not start its DevTools server")
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = next(t for t in targets if t["type"] == "page")
        self.ws = WebSocket(page["webSocketDebuggerUrl"])
        self.next_id = 0
        self.call("Page.enable")
        self.call("Runtime.enable")

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.receive())
            if message.get("id") == self.next_id:
                if "error" in message:
                    fail(f"{method}: {message['error']}")
                return message.get("result", {})

    def js(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            fail(f"JavaScript error in {expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, what, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.js(f"!!({expression})"):
                return
            time.sleep(0.1)
        fail(f"timed out waiting for {what}; page text: {self.js('document.body.innerText')[:400]!r}")

    def open(self, url):
        self.call("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete' && location.href !== 'about:blank'", f"{url} to load")

    def screenshot(self, name):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path = os.path.join(OUT, name)
        with open(path, "wb") as file:
            file.write(base64.b64decode(data))
        print(f"browser-test: saved {path}")

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def check(condition, message):
    if not condition:
        fail(message)
    print(f"browser-test: ok - {message}")


browser = Browser()
try:
    # 1. Type a Chinese query into the box and press Enter.
    browser.open(BASE + "/")
    browser.wait_for("document.activeElement && document.activeElement.id === 'q'", "the search box to have focus")
    browser.call("Input.insertText", text=QUERY)
    for kind in ("keyDown", "keyUp"):
        browser.call("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13,
                     **({"text": "\r"} if kind == "keyDown" else {}))
    browser.wait_for("document.querySelectorAll('ol.hits li.hit').length > 0", "the results")
    state = browser.js("""({
        url: location.search,
        summary: document.getElementById('summary').innerText,
        cards: document.querySelectorAll('li.hit').length,
        hits: document.querySelectorAll('li.hit .snippet').length
              + [...document.querySelectorAll('li.hit a.more')].reduce((n, a) => n + Number(a.dataset.count), 0),
        docs: [...document.querySelectorAll('li.hit')].map(li => li.dataset.doc),
        marks: [...document.querySelectorAll('li.hit .snippet')].map(s => [...s.querySelectorAll('mark')].map(m => m.textContent)),
        titles: [...document.querySelectorAll('li.hit h3 a')].map(a => a.textContent),
        pages: [...document.querySelectorAll('nav.pages a, nav.pages span')].map(e => e.textContent),
        font: getComputedStyle(document.body).fontFamily,
    })""")
    check("q=" + urllib.parse.quote(QUERY) in state["url"] or QUERY in urllib.parse.unquote(state["url"]),
          f"the URL carries the query ({state['url']})")
    check(re.search(r"找到 (\d+) 个段落", state["summary"]) is not None, f"the summary counts the matches: {state['summary']}")
    total = int(re.search(r"找到 (\d+) 个段落", state["summary"]).group(1))
    check(state["hits"] == min(total, 10), f"{state['hits']} hits shown on the first page of {total}")
    check(len(set(state["docs"])) == state["cards"] <= state["hits"],
          f"the hits are grouped by article: {state['cards']} cards, one per article")
    check(all(marks and all(m.replace(" ", "") == QUERY for m in marks) for marks in state["marks"]),
          f"every snippet highlights {QUERY} and nothing else")
    check(all(state["titles"]), "every hit has a title")
    if total > 10:
        check("下一页" in state["pages"] and "2" in state["pages"], f"pagination is shown: {state['pages']}")
    browser.screenshot("1-results.png")

    # 2. The second page.
    if total > 10:
        browser.js("[...document.querySelectorAll('nav.pages a')].find(a => a.textContent === '2').click()")
        browser.wait_for("document.querySelector('nav.pages span.current') && "
                         "document.querySelector('nav.pages span.current').textContent === '2'", "page 2")
        shown = browser.js("document.querySelectorAll('li.hit .snippet').length + "
                           "[...document.querySelectorAll('li.hit a.more')].reduce((n, a) => n + Number(a.dataset.count), 0)")
        check(shown == min(10, total - 10), f"page 2 shows the remaining {shown} hits")
        browser.js("history.back()")
        browser.wait_for("document.querySelector('nav.pages span.current') && "
                         "document.querySelector('nav.pages span.current').textContent === '1'", "back to page 1")

    # 3. Open the first article: the hit paragraph is highlighted and scrolled into view.
    hit_id = browser.js("new URLSearchParams(new URL(document.querySelector('li.hit h3 a').href).search).get('hit')")
    browser.js("document.querySelector('li.hit h3 a').click()")
    browser.wait_for("document.querySelector('article h1')", "the article")
    article = browser.js("""({
        title: document.querySelector('article h1').textContent,
        paragraphs: document.querySelectorAll('article .body p').length,
        target: document.querySelector('article p.target') && document.querySelector('article p.target').id,
        targetMarks: [...document.querySelectorAll('article p.target mark')].map(m => m.textContent),
        matched: document.querySelectorAll('article p.matched').length,
        visible: (() => { const r = document.querySelector('article p.target').getBoundingClientRect();
                          return r.top >= 0 && r.bottom <= innerHeight; })(),
    })""")
    check(article["title"] != "", f"the article has its title: {article['title']}")
    check(article["target"] == hit_id, f"the clicked hit {hit_id} is the highlighted paragraph")
    check(article["targetMarks"] and all(m.replace(" ", "") == QUERY for m in article["targetMarks"]),
          f"the query is marked inside the hit paragraph: {article['targetMarks']}")
    check(article["matched"] >= 1 and article["paragraphs"] >= article["matched"],
          f"{article['matched']} of {article['paragraphs']} paragraphs are marked as matching")
    check(article["visible"], "the hit paragraph is scrolled into view")
    browser.screenshot("2-article.png")

    # 4. No results, and a bad query, give clear messages.
    browser.open(BASE + "/?q=" + urllib.parse.quote("这个词组肯定不存在于语料"))
    browser.wait_for("document.querySelector('.message')", "the no-results message")
    text = browser.js("document.querySelector('.message').innerText")
    check("没有找到" in text, f"no results says so: {text.splitlines()[0]}")
    browser.screenshot("3-no-results.png")
    browser.open(BASE + "/?q=" + urllib.parse.quote('"未闭合的引号'))
    browser.wait_for("document.querySelector('.message.error')", "the error message")
    text = browser.js("document.querySelector('.message.error').innerText")
    check("检索式有误" in text and "引号" in text and "quote" in text,
          f"a bad query says what is wrong in Chinese, with the server's reason: {' / '.join(text.splitlines())}")
    browser.screenshot("4-bad-query.png")

    # 5. Facets: click a source to filter the results by it, then clear the filter.
    browser.open(BASE + "/?q=" + urllib.parse.quote(FACET_QUERY))
    browser.wait_for("document.querySelector('#facets [data-facet=source] a[data-value]')", "the source facet")
    before = int(re.search(r"找到 (\d+) 个段落", browser.js("document.getElementById('summary').innerText")).group(1))
    value, count = browser.js("""(() => { const a = document.querySelector('#facets [data-facet=source] a[data-value]');
        return [a.dataset.value, Number(a.querySelector('.count').textContent)]; })()""")
    check(0 < count <= before, f"the source facet lists {value} with {count} of {before} matching segments")
    browser.js("document.querySelector('#facets [data-facet=source] a[data-value]').click()")
    browser.wait_for("new URLSearchParams(location.search).get('source') && document.getElementById('summary')", "the filtered results")
    filtered = browser.js("""({
        summary: document.getElementById('summary').innerText,
        sources: [...document.querySelectorAll('li.hit .meta')].map(m => m.innerText),
        chosen: document.querySelector('#facets a.chosen') && document.querySelector('#facets a.chosen').dataset.value,
    })""")
    shown = int(re.search(r"找到 (\d+) 个段落", filtered["summary"]).group(1))
    check(shown == count, f"filtering by {value} finds exactly the {count} segments its facet counted ({shown})")
    check(filtered["sources"] and all(value in meta for meta in filtered["sources"]), f"every hit shown is from {value}")
    check(filtered["chosen"] == value, f"{value} is shown as the chosen filter")
    browser.screenshot("5-facet-filter.png")
    browser.js("document.getElementById('clear-filters').click()")
    browser.wait_for("!new URLSearchParams(location.search).get('source') && document.getElementById('summary')", "the unfiltered results")
    after = int(re.search(r"找到 (\d+) 个段落", browser.js("document.getElementById('summary').innerText")).group(1))
    check(after == before, f"clearing the filter brings back all {before} segments")
finally:
    browser.close()
print("browser-test: all checks passed")
