"""The replica's server: proxy for http and https, direct browsing, gzip, the command line."""

from __future__ import annotations

import gzip
import http.client
import ssl
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from bhg_replica.process import running_replica
from bhg_replica.server import ReplicaServer
from bhg_replica.site import Site


def address(server: ReplicaServer) -> tuple[str, int]:
    host, port = server.server_address[:2]
    return str(host), int(port)


@contextmanager
def connected(server: ReplicaServer) -> Iterator[http.client.HTTPConnection]:
    connection = http.client.HTTPConnection(*address(server), timeout=10)
    try:
        yield connection
    finally:
        connection.close()


def test_plain_http_through_the_proxy(replica_server: ReplicaServer) -> None:
    with connected(replica_server) as connection:
        connection.request("GET", "http://baohagiang.vn/xa-hoi", headers={"Host": "baohagiang.vn"})
        response = connection.getresponse()
        assert response.status == 200
        assert "XÃ HỘI" in response.read().decode()


def test_https_through_a_connect_tunnel(replica_server: ReplicaServer, site: Site) -> None:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the replica's certificate is self-signed
    slot = site.catalog.live[0]
    with closing(http.client.HTTPSConnection(*address(replica_server), timeout=10, context=context)) as connection:
        connection.set_tunnel("baohagiang.vn", 443)
        connection.request("GET", site.writer.path(slot), headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Encoding") == "gzip"
        assert response.getheader("Last-Modified")
        body = gzip.decompress(response.read()).decode()
        assert site.writer.title(slot) in body
        # the same tunnel carries a second request
        connection.request("GET", "/robots.txt")
        assert connection.getresponse().read().startswith(b"User-agent")


def test_other_hosts_are_refused(replica_server: ReplicaServer) -> None:
    with connected(replica_server) as connection:
        connection.request("CONNECT", "example.com:443")
        assert connection.getresponse().status == 502
    with connected(replica_server) as connection:
        connection.request("GET", "http://example.com/")
        assert connection.getresponse().status == 502


def test_a_browser_can_talk_to_it_directly(replica_server: ReplicaServer) -> None:
    with connected(replica_server) as connection:
        connection.request("GET", "/")
        response = connection.getresponse()
        assert response.status == 200
        assert b"https://baohagiang.vn/xa-hoi" in response.read()


def test_serve_command_prints_its_address_and_serves() -> None:
    with running_replica(40, 3) as url:
        host, port = url.removeprefix("http://").split(":")
        with closing(http.client.HTTPConnection(host, int(port), timeout=10)) as connection:
            connection.request("GET", "http://baohagiang.vn/robots.txt")
            assert connection.getresponse().status == 200


def test_save_command_writes_pages(tmp_path: Path, site: Site) -> None:
    url = site.writer.canonical_url(site.catalog.live[5])
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bhg_crawler",
            "replica",
            "save",
            "--out",
            str(tmp_path),
            url,
            "https://baohagiang.vn/missing-page",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "HTTP 404, not saved" in result.stderr
    saved = list(tmp_path.glob("*.html"))
    assert len(saved) == 1
    assert saved[0].read_bytes() == site.respond("baohagiang.vn", site.writer.path(site.catalog.live[5])).body


def test_bad_size_is_a_one_line_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bhg_crawler", "replica", "urls", "--articles", "3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "bhg-crawl: articles must be between 10 and 120000, not 3"


def test_conditional_get_answers_304_without_a_body(replica_server: ReplicaServer, site: Site) -> None:
    url = site.writer.canonical_url(site.catalog.live[7]).replace("https://", "http://")
    with connected(replica_server) as connection:
        connection.request("GET", url)
        first = connection.getresponse()
        first.read()
        etag = first.getheader("ETag")
        assert etag is not None
        connection.request("GET", url, headers={"If-None-Match": etag})
        again = connection.getresponse()
        assert again.status == 304
        assert again.read() == b""
        assert again.getheader("ETag") == etag
        assert again.getheader("Content-Length") is None
        connection.request("GET", "/robots.txt", headers={"Host": "baohagiang.vn"})  # the connection lives on
        assert connection.getresponse().status == 200
