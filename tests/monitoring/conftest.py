"""Real servers on 127.0.0.1 for the checks to probe: HTTP, TCP and TLS.

Each is started by the test that asks for it and stopped after; nothing leaves this
machine (the metadata redirect is refused before any connection is made).
"""

import datetime as dt
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer, ThreadingMixIn

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from monitoring import services


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self):
        server = self.server
        server.hits += 1
        mode = server.mode
        if mode == "slow":
            time.sleep(server.delay)
        if mode == "redirect-metadata":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if mode == "redirect-local":
            self.send_response(302)
            self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = server.body.encode()
        self.send_response(500 if mode == "unhealthy" else 200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _answer


class HttpTarget:
    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.mode, self.server.hits, self.server.delay = "healthy", 0, 1.5
        self.server.body = "status: all good"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/health"

    def set(self, mode: str, body: str | None = None):
        self.server.mode = mode
        if body is not None:
            self.server.body = body

    @property
    def hits(self):
        return self.server.hits

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def http_target():
    target = HttpTarget()
    yield target
    target.stop()


class _Accepting(ThreadingMixIn, TCPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Quiet:
    def __init__(self, request, client_address, server):
        request.close()


@pytest.fixture
def tcp_target():
    server = _Accepting(("127.0.0.1", 0), _Quiet)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"127.0.0.1:{port}"


def make_certificate(tmp_path, days_left: float):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=30))
            .not_valid_after(now + dt.timedelta(days=days_left))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path, cert.not_valid_after_utc


class TlsTarget:
    """A TLS server with a self-signed certificate that expires in `days_left` days."""

    def __init__(self, tmp_path, days_left: float):
        cert_path, key_path, self.not_after = make_certificate(tmp_path, days_left)
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert_path, key_path)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.target = f"localhost:{self.port}"
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            try:
                conn.settimeout(2)
                with self.context.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(1)
            except (OSError, ssl.SSLError):
                pass
            finally:
                conn.close()

    def stop(self):
        self.running = False
        self.thread.join(2)
        self.sock.close()


@pytest.fixture
def tls_target(tmp_path):
    made = []

    def make(days_left: float = 10):
        folder = tmp_path / f"tls{len(made)}"
        folder.mkdir()
        target = TlsTarget(folder, days_left)
        made.append(target)
        return target

    yield make
    for target in made:
        target.stop()


@pytest.fixture
def make_check(db):
    def make(**fields):
        fields.setdefault("name", "Intranet")
        fields.setdefault("kind", "http")
        return services.check_create(actor=None, **fields)

    return make
