"""A real chat receiver for tests: a threaded http.server on 127.0.0.1 that plays Slack's
incoming webhooks (/slack/hook), Slack's Web API (/api/chat.postMessage) and a Teams
Workflows webhook (/teams/flow), and records every request.

Each path answers from a script (the last entry repeats): an HTTP status, or for the Web
API a Slack error code answered with 200 {"ok": false}. chat.postMessage answers a new
`ts` per message, as Slack does, echoing the message after it (so answers pass 1 KB).
"""

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_PATH = "/api/chat.postMessage"


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict
    body: dict

    @property
    def text(self) -> str:
        return json.dumps(self.body)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):  # noqa: N802 (http.server's naming)
        server: ChatReceiver = self.server
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.loads(raw)
        with server.lock:
            server.received.append(Received(self.path, dict(self.headers.items()), body))
            script = server.scripts.setdefault(self.path, [None])
            step = script.pop(0) if len(script) > 1 else script[0]
            server.sequence += 1
            ts = f"1700000000.{server.sequence:06d}"
        if isinstance(step, int):
            self._answer(step, b"no_service" if step >= 400 else b"ok")
        elif self.path == API_PATH:
            answer = ({"ok": True, "channel": body.get("channel"), "ts": ts,
                       "message": {"type": "message", "ts": ts, "text": body.get("text"),
                                   "blocks": body.get("blocks")}}
                      if step is None else {"ok": False, "error": step})
            self._answer(200, json.dumps(answer).encode(), "application/json")
        elif self.path.startswith("/teams/"):
            self._answer(202, b"")
        else:
            self._answer(200, b"ok")

    def _answer(self, status: int, body: bytes, kind: str = "text/plain"):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class ChatReceiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.scripts: dict[str, list] = {}
        self.sequence = 0
        self.base = f"http://127.0.0.1:{self.server_port}"
        self.slack_hook = f"{self.base}/slack/hook"
        self.teams_flow = f"{self.base}/teams/flow"
        self.api = f"{self.base}/api"

    def script(self, path: str, *steps) -> None:
        with self.lock:
            self.scripts[path] = list(steps)

    def to(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path == path]

    def start(self) -> "ChatReceiver":
        threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
