"""A real webhook receiver for tests: a threaded http.server on 127.0.0.1.

It records every request (path, headers, body) and answers from a script of status
codes (the last one repeats). `hold` makes it keep requests open until released, the
window a kill test needs between a claim and an answer.
"""

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict
    body: bytes


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):  # noqa: N802 (http.server's naming)
        server = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with server.lock:
            server.received.append(Received(self.path, dict(self.headers.items()), body))
            status = server.script.pop(0) if len(server.script) > 1 else server.script[0]
        if server.hold.is_set():
            server.released.wait(30)
        answer = server.answer
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.script = [200]
        self.answer = b"ok"
        self.hold, self.released = threading.Event(), threading.Event()
        self.url = f"http://127.0.0.1:{self.server_port}/hook"

    def answers(self, *codes: int, body: bytes = b"ok") -> None:
        with self.lock:
            self.script, self.answer = list(codes), body

    def start(self) -> "Receiver":
        threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self.released.set()
        self.shutdown()
        self.server_close()
