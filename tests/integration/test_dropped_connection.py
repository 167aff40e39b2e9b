"""A phone that loses its connection half-way leaves nothing behind on a real HTTP server."""

import os
import socket
import time
from urllib.parse import urlsplit

import pytest

from evidence.models import EvidenceItem
from tests.conftest import bearer, png_bytes

pytestmark = pytest.mark.slow


def test_a_connection_dropped_mid_upload_stores_nothing(live_server, alice_case, alice, media):
    boundary = "----cut"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nscreenshot\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'
    ).encode()
    data = png_bytes() + os.urandom(512 * 1024)
    tail = f"\r\n--{boundary}--\r\n".encode()
    url = urlsplit(live_server.url)
    token = bearer(alice)["HTTP_AUTHORIZATION"]
    request = (
        f"POST /api/v1/cases/{alice_case.id}/evidence HTTP/1.1\r\nHost: {url.netloc}\r\n"
        f"Authorization: {token}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(head) + len(data) + len(tail)}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((url.hostname, url.port)) as sock:
        sock.sendall(request + head + data[: len(data) // 2])
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(10)
        try:
            sock.recv(4096)
        except OSError:
            pass
    time.sleep(0.5)
    assert EvidenceItem.objects.count() == 0
    assert os.listdir(media / "tmp") == []
    assert not (media / "evidence").exists() or not any(os.scandir(media / "evidence"))
