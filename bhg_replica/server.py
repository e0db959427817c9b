"""The replica's HTTP server: a web server for browsers and a forward proxy for crawlers.

A crawler configured with the server as its HTTP proxy fetches the site's real URLs:
``http://`` ones arrive as absolute-form requests, ``https://`` ones through ``CONNECT`` and TLS
with a self-signed certificate for the site's hosts. Only the site's hosts are answered.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
import ssl
import struct
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bhg_replica.catalog import CLOCK_PATH
from bhg_replica.site import SITE_HOSTS, Response, Site


def self_signed_context(hosts: frozenset[str]) -> ssl.SSLContext:
    """A server TLS context with a fresh self-signed certificate naming ``hosts``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bhg-crawler replica")])
    now = dt.datetime.now(dt.UTC)
    names: list[x509.GeneralName] = [x509.DNSName(host) for host in sorted(hosts)]
    names.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(key, hashes.SHA256())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as folder:
        cert_path = os.path.join(folder, "cert.pem")
        key_path = os.path.join(folder, "key.pem")
        with open(cert_path, "wb") as out:
            out.write(certificate.public_bytes(serialization.Encoding.PEM))
        with open(key_path, "wb") as out:
            out.write(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
        context.load_cert_chain(cert_path, key_path)
    return context


class ReplicaHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    timeout = 30
    server: ReplicaServer
    tunnel_host: str | None = None

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def do_CONNECT(self) -> None:
        host, _, port = self.path.rpartition(":")
        if host not in SITE_HOSTS or port not in ("443", "80"):
            self.server.count_offsite()
            self._send(Response(502, f"The replica does not serve {self.path}.\n".encode(), "text/plain"), True)
            self.close_connection = True
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        self.tunnel_host = host
        self.close_connection = False  # the tunnel lives as long as the client keeps it
        if port == "443":
            self.connection = self.server.tls.wrap_socket(self.connection, server_side=True)
            self.rfile = self.connection.makefile("rb")
            self.wfile = self.connection.makefile("wb")

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass  # the client went away: what is left to flush goes nowhere
        finally:
            if isinstance(self.connection, ssl.SSLSocket):
                self.connection.close()  # socketserver closes only the socket it accepted

    def _serve(self, send_body: bool) -> None:
        target = urlsplit(self.path)
        if target.scheme in ("http", "https"):  # absolute form: a proxied request
            host = target.hostname or ""
        else:
            host = (self.headers.get("Host") or self.tunnel_host or "").rsplit(":", 1)[0].strip("[]")
            if host.replace(".", "").isdigit() or host in ("localhost", "::1"):
                host = ""  # a browser talking to the replica directly
        if host == "" and target.path == CLOCK_PATH:  # asked of the replica itself, not through it
            self._send(Response(200, self.server.site.catalog.now.isoformat().encode(), "text/plain"), send_body)
            return
        if not self.server.site.serves(host):
            self.server.count_offsite()
        response = self.server.site.respond(host, target.path or "/", target.query)
        response = response.conditional(self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since"))
        self._send(response.encoded_for(self.headers.get("Accept-Encoding", "")), send_body)

    def _send(self, response: Response, send_body: bool) -> None:
        if response.cut == "unanswered":  # RST before a byte of an answer: SO_LINGER with a zero timeout, and
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()  # closed before socketserver's shutdown() would send a FIN
            self.close_connection = True
            return
        if response.delay or self.server.latency:
            time.sleep(response.delay + self.server.latency)
        self.send_response(response.status)
        body = response.body
        if response.status != 304:  # a 304 has no body, and says nothing of one
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.server.count(response.status)
        if not send_body:
            return
        if response.cut:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            if response.cut == "reset":  # RST, not FIN: SO_LINGER with a zero timeout
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        if response.trickle:
            pieces = 10
            for at in range(pieces):
                self.wfile.write(body[at * len(body) // pieces : (at + 1) * len(body) // pieces])
                self.wfile.flush()
                time.sleep(response.trickle / pieces)
            return
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        if self.server.access_log:
            super().log_message(format, *args)


class ReplicaServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(
        self, site: Site, host: str = "127.0.0.1", port: int = 0, access_log: bool = False, latency: float = 0.0
    ):
        self.site = site
        self.access_log = access_log
        self.latency = latency  # seconds every answer waits: a network between the crawler and the site
        self.tls = self_signed_context(SITE_HOSTS)
        self.served: dict[int, int] = {}
        self.offsite = 0  # requests for hosts that are not the site's: a crawler that left the site
        self._lock = threading.Lock()
        super().__init__((host, port), ReplicaHandler)

    @property
    def url(self) -> str:
        host, port = self.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def handle_error(self, request: object, client_address: object) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError, ssl.SSLError)):
            return  # a client that went away is no news
        super().handle_error(request, client_address)  # type: ignore[arg-type]

    def count(self, status: int) -> None:
        with self._lock:
            self.served[status] = self.served.get(status, 0) + 1

    def count_offsite(self) -> None:
        with self._lock:
            self.offsite += 1

    def start_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, name="bhg-replica", daemon=True)
        thread.start()
        return thread
