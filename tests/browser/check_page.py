#!/usr/bin/python3
"""Opens a page in headless Chromium through the DevTools protocol and
checks it as a reader would see it: it loads, every image has loaded, no
console error or exception, and the given texts are shown as text.

usage: check_page.py PAGE SCREENSHOT TEXT...
Exit 0 when all holds; otherwise prints what did not, exit 1.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket  # Debian: python3-websocket


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("check_page: no chromium (scripts/install-deps.sh test installs it)")


class Page:
    def __init__(self, url):
        self.ws = websocket.create_connection(url, timeout=30)
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, event, seconds=30):
        end = time.time() + seconds
        while time.time() < end:
            if any(e.get("method") == event for e in self.events):
                return True
            self.ws.settimeout(max(0.1, end - time.time()))
            try:
                self.events.append(json.loads(self.ws.recv()))
            except websocket.WebSocketTimeoutException:
                break
        return False


def main():
    page, shot, texts = sys.argv[1], sys.argv[2], sys.argv[3:]
    profile = tempfile.mkdtemp(prefix="papercut-chromium-")
    proc = subprocess.Popen(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-extensions", f"--user-data-dir={profile}",
         "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
         "--window-size=1200,900", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    problems = []
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        for _ in range(300):
            if os.path.exists(port_file) and open(port_file).read().count("\n") >= 1:
                break
            time.sleep(0.1)
        port = open(port_file).read().split("\n")[0]
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        target = next(t for t in targets if t["type"] == "page")
        p = Page(target["webSocketDebuggerUrl"])
        for domain in ("Page", "Runtime", "Log"):
            p.call(f"{domain}.enable")
        p.call("Page.navigate", url="file://" + os.path.abspath(page))
        if not p.wait_for("Page.loadEventFired"):
            problems.append("the page did not finish loading")
        state = p.call("Runtime.evaluate", returnByValue=True, expression="""(() => ({
            images: Array.from(document.images).map(i => ({
                alt: i.alt, ok: i.complete && i.naturalWidth > 0})),
            scripts: document.scripts.length,
            text: document.body.innerText,
            title: document.title}))()""")["result"]["value"]
        height = p.call("Runtime.evaluate", returnByValue=True,
                        expression="document.documentElement.scrollHeight")["result"]["value"]
        p.call("Emulation.setDeviceMetricsOverride", width=1200, height=min(int(height), 6000),
               deviceScaleFactor=1, mobile=False)
        png = p.call("Page.captureScreenshot", format="png")["data"]
        with open(shot, "wb") as f:
            f.write(base64.b64decode(png))
        for e in p.events:
            m = e.get("method")
            if m == "Runtime.exceptionThrown":
                problems.append("exception: " + json.dumps(e["params"])[:300])
            elif m == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"):
                problems.append("console error: " + json.dumps(e["params"]["args"])[:300])
            elif m == "Log.entryAdded" and e["params"]["entry"]["level"] == "error":
                problems.append("console error: " + e["params"]["entry"]["text"][:300])
        if not state["images"]:
            problems.append("no images on the page")
        for img in state["images"]:
            if not img["ok"]:
                problems.append(f"image did not load: {img['alt']}")
        if state["scripts"]:
            problems.append(f"{state['scripts']} script elements on the page")
        for t in texts:
            if t not in state["text"]:
                problems.append(f"not shown as text: {t!r}")
        print(f"check_page: '{state['title']}', {len(state['images'])} images,"
              f" screenshot {shot}")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)
    for problem in problems:
        print("check_page: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
