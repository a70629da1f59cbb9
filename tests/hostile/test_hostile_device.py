# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The hostile device itself: each mode misbehaves as documented, and stop() never hangs."""

import base64
import gzip
import http.client
import json
import os
import socket
import sys
import time
import zlib

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile_device import (  # noqa: E402  pylint: disable=wrong-import-position
    TOKEN, HostileDevice, build_gzip_bomb, crc32_repeat, dumps, nested, status_document,
)

STATUS = "/api/status/chassis0"
WRITE = "/api/configuration/chassis0/slots/rsc/module/rsc"


def connect(dev, timeout=5.0):
    return http.client.HTTPConnection("127.0.0.1", dev.port, timeout=timeout)


def get(dev, path, method="GET", body=None, headers=None):
    conn = connect(dev)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def raw(dev, request, timeout=2.0):
    sock = socket.create_connection(("127.0.0.1", dev.port), timeout=timeout)
    sock.sendall(request)
    return sock


def read_for(sock, seconds, limit=None):
    """Everything the server sends within ``seconds`` (or until it closes / ``limit`` bytes)."""
    data = bytearray()
    end = time.monotonic() + seconds
    while time.monotonic() < end and (limit is None or len(data) < limit):
        sock.settimeout(max(0.01, end - time.monotonic()))
        try:
            chunk = sock.recv(1 << 20)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
    return bytes(data)


def stopped_cleanly(dev):
    """Stop the device; true when all its threads ended (it gives them 10 s, far more than a clean stop takes)."""
    running = dev.stop()
    assert running == [], 'still running after stop(): %s' % running
    return True


def write(dev, changes, headers=None):
    return get(dev, WRITE, "POST", json.dumps(changes), dict({"Content-Type": "application/json"}, **(headers or {})))


# ---------------------------------------------------------------------------------------------- base


def test_ok_routes_keepalive_and_write():
    with HostileDevice() as dev:
        assert dev.url == "http://127.0.0.1:%d" % dev.port
        conn = connect(dev)
        conn.request("GET", STATUS + "?x=1", headers={"X-Case": "Kept"})
        response = conn.getresponse()
        document = json.loads(response.read())
        assert response.status == 200 and response.getheader("Content-Type") == "application/json"
        assert document == status_document()
        assert document["system-information"]["API Version"] == "LANTIME REST API V16.03.004"
        # same connection: keep-alive with Content-Length framing
        conn.request("GET", STATUS + "/slots/rsc")
        slot = json.loads(conn.getresponse().read())
        assert slot["data"]["module"]["rsc"]["switch-mode"] == "auto"
        conn.request("PUT", "/api/get-token")
        assert json.loads(conn.getresponse().read()) == {"token": TOKEN}
        conn.request("POST", WRITE, body=json.dumps({"switch-mode": "manual", "selected-clock": "clk2"}))
        response = conn.getresponse()
        assert response.status == 200
        assert json.loads(response.read()) == {"data": {"switch-mode": "manual", "selected-clock": "clk2"}}
        conn.request("GET", STATUS + "/slots/rsc")
        rsc = json.loads(conn.getresponse().read())["data"]["module"]["rsc"]
        assert rsc["selected-clock"] == "clk2" and rsc["switch-mode"] == "manual" and rsc["switchover-count"] == 1
        conn.request("GET", "/api/status/chassis0/slots/nope")
        response = conn.getresponse()
        assert response.status == 404 and json.loads(response.read()) == {"message": "not found"}
        conn.request("POST", WRITE, body=json.dumps({"switch-mode": "sometimes"}))
        response = conn.getresponse()
        assert response.status == 400 and response.read()
        conn.close()
        assert dev.state == {"switch-mode": "manual", "selected-clock": "clk2"}
        first = dev.requests[0]
        assert first["method"] == "GET" and first["path"] == STATUS + "?x=1" and first["body"] == b""
        assert first["headers"]["X-Case"] == "Kept"
        assert dev.requests[3]["body"] == b'{"switch-mode": "manual", "selected-clock": "clk2"}'
        assert len(dev.requests) == 7


def test_connection_close_is_honoured():
    with HostileDevice() as dev:
        sock = raw(dev, b"GET /api/get-token HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = read_for(sock, 2.0)
        sock.close()
        assert data.startswith(b"HTTP/1.1 404 ") and b"Connection: close" in data
        assert data.endswith(b'{"message": "not found"}')   # and then the server closed


def test_auth_basic_and_bearer():
    with HostileDevice(auth=("admin", "secret")) as dev:
        good = "Basic " + base64.b64encode(b"admin:secret").decode()
        bad = "Basic " + base64.b64encode(b"admin:wrong").decode()
        assert get(dev, STATUS)[0] == 401
        assert get(dev, STATUS, headers={"Authorization": bad})[0] == 401
        assert get(dev, STATUS, headers={"Authorization": "Bearer nope"})[0] == 401
        status, dummy, body = get(dev, "/api/get-token", "PUT", headers={"Authorization": good})
        assert status == 200 and json.loads(body)["token"] == TOKEN
        assert get(dev, STATUS, headers={"Authorization": "Bearer " + TOKEN})[0] == 200
        assert get(dev, STATUS, headers={"Authorization": good})[0] == 200


# ---------------------------------------------------------------------------------------------- slow


def test_drip_sends_the_right_reply_slowly():
    with HostileDevice(mode="drip", drip_bytes=200, drip_interval=0.02) as dev:
        started = time.monotonic()
        status, dummy, body = get(dev, STATUS)
        assert status == 200 and json.loads(body) == status_document()
        assert time.monotonic() - started >= 0.1   # ~1800 bytes in 200-byte steps


def test_drip_paths_selects_requests():
    with HostileDevice(mode="drip", drip_interval=30.0, paths=["/api/configuration/"]) as dev:
        # A dripped reply would pause 30 s after its first byte: the read would time out after 5 s.
        assert get(dev, STATUS)[0] == 200


def test_drip_stop_is_quick_and_bounded():
    dev = HostileDevice(mode="drip", drip_interval=1.0).start()
    sock = raw(dev, b"GET /api/status/chassis0 HTTP/1.1\r\nHost: x\r\n\r\n")
    assert read_for(sock, 0.3) == b"H"
    assert stopped_cleanly(dev)
    sock.close()
    with HostileDevice(mode="drip", drip_interval=0.05, max_duration=0.5) as dev:
        sock = raw(dev, b"GET /api/status/chassis0 HTTP/1.1\r\nHost: x\r\n\r\n")
        data = read_for(sock, 2.0)
        assert 3 <= len(data) <= 20   # the deadline cut it off, then the server closed
        sock.close()


def test_endless_headers():
    dev = HostileDevice(mode="endless_headers").start()
    sock = raw(dev, b"GET /api/status/chassis0 HTTP/1.1\r\nHost: x\r\n\r\n")
    data = read_for(sock, 0.3)
    assert data.startswith(b"HTTP/1.1 200 OK\r\nX-Pad-1: " + b"x" * 60 + b"\r\nX-Pad-2: ")
    assert b"\r\n\r\n" not in data and data.count(b"X-Pad-") > 5
    assert stopped_cleanly(dev)
    sock.close()


def test_endless_headers_gives_up_after_max_duration():
    with HostileDevice(mode="endless_headers", interval=0.05, max_duration=0.5) as dev:
        sock = raw(dev, b"GET /api/status/chassis0 HTTP/1.1\r\nHost: x\r\n\r\n")
        started = time.monotonic()
        data = read_for(sock, 30.0)  # until the device closes the connection
        assert time.monotonic() - started > 0.4 and b"X-Pad-" in data
        sock.setblocking(False)
        assert sock.recv(1) == b""  # closed by the device, not cut off by read_for's deadline
        sock.close()


def test_endless_body_streams_chunks_without_end():
    dev = HostileDevice(mode="endless_body").start()
    sock = raw(dev, b"GET /api/status/chassis0 HTTP/1.1\r\nHost: x\r\n\r\n")
    data = read_for(sock, 2.0, limit=1 << 20)
    head, dummy, rest = data.partition(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in head and head.startswith(b"HTTP/1.1 200 ")
    assert rest.startswith(b"10000\r\n    ") and len(rest) >= 1 << 20 and b"\r\n0\r\n" not in rest
    # the client stops reading; the server is blocked in send and must still stop at once
    time.sleep(0.2)
    assert stopped_cleanly(dev)
    sock.close()


def test_huge_is_framed_valid_json():
    size = 5 * 1024 * 1024
    with HostileDevice(mode="huge", size=size) as dev:
        conn = connect(dev)
        conn.request("GET", STATUS)
        response = conn.getresponse()
        body = response.read()
        assert int(response.getheader("Content-Length")) == size == len(body)
        assert json.loads(body) == status_document()
        conn.request("GET", STATUS)   # still keep-alive afterwards
        assert len(conn.getresponse().read()) == size
        conn.close()


def test_huge_stop_while_client_is_not_reading():
    dev = HostileDevice(mode="huge").start()
    sock = raw(dev, b"GET /api/status/chassis0 HTTP/1.1\r\nHost: x\r\n\r\n")
    assert read_for(sock, 0.2, limit=1000).startswith(b"HTTP/1.1 200 ")
    time.sleep(0.2)
    assert stopped_cleanly(dev)
    sock.close()


def test_gzip_bomb_small():
    inflated = 32 * 1024 * 1024
    with HostileDevice(mode="gzip_bomb", inflated=inflated) as dev:
        status, headers, body = get(dev, STATUS)
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert int(headers["Content-Length"]) == len(body) < inflated // 500
        plain = gzip.decompress(body)   # also checks the CRC and length trailer
        assert len(plain) == inflated
        document = plain.rstrip(b" ")
        assert json.loads(document) == status_document()


def test_gzip_bomb_default_is_cheap():
    started = time.monotonic()
    body = build_gzip_bomb()
    assert time.monotonic() - started < 2.0
    assert 900 * 1024 < len(body) < 1200 * 1024
    inflater = zlib.decompressobj(31)
    head = inflater.decompress(body[:4096], 1 << 20)
    assert head == b" " * (1 << 20)
    assert int.from_bytes(body[-4:], "little") == 1 << 30
    assert build_gzip_bomb() is body   # cached


def test_crc_algebra():
    block = bytes(range(256)) * 3 + b"odd"
    for count in (1, 2, 3, 7, 8, 13):
        assert crc32_repeat(zlib.crc32(block), len(block), count) == zlib.crc32(block * count)


# ---------------------------------------------------------------------------------------------- replies


def test_status_mode():
    with HostileDevice(mode="status", headers=[("Retry-After", "nan")]) as dev:
        status, headers, body = get(dev, STATUS)
        assert status == 503 and headers["Retry-After"] == "nan" and "message" in json.loads(body)
    with HostileDevice(mode="status", status=418, body="<html>teapot</html>", paths=["/api/configuration/"]) as dev:
        assert get(dev, STATUS)[0] == 200
        status, dummy, body = write(dev, {"switch-mode": "manual"})
        assert status == 418 and body == b"<html>teapot</html>"
        assert dev.state["switch-mode"] == "auto"


def test_echo_mode_leaks_every_header():
    with HostileDevice(mode="echo") as dev:
        sock = raw(dev, b"GET /api/status/chassis0 HTTP/1.1\r\nHost: x\r\nAuthorization: Basic c2VjcmV0\r\n"
                        b"Connection: close\r\n\r\n")
        data = read_for(sock, 2.0)
        sock.close()
        assert data.startswith(b"HTTP/1.1 500 ") and b"text/plain" in data
        body = data.partition(b"\r\n\r\n")[2]
        assert body == (b"GET /api/status/chassis0 HTTP/1.1\r\nHost: x\r\nAuthorization: Basic c2VjcmV0\r\n"
                        b"Connection: close\r\n")


def test_mutate_shapes():
    def broken(doc):
        rsc = doc["data"]["chassis0"]["slots"][2]["module"]["rsc"]
        rsc["front-panel"] = "auto"
        rsc["switch-mode"] = 1
        rsc["clocks"] = 2
        rsc["watchdog-ok"] = float("nan")
        doc["system-information"] = ["M3000"]
        doc["data"]["chassis0"]["slots"][3]["slot-id"] = 7
        doc["data"]["chassis0"]["slots"][0]["object-id"] = doc["data"]["chassis0"]["slots"][0]["slot-id"] = "rsc/../../../x"
        return doc

    with HostileDevice(mode="mutate", mutate=broken) as dev:
        status, dummy, body = get(dev, STATUS)
        assert status == 200 and b"NaN" in body and b'"front-panel": "auto"' in body
        status, dummy, body = get(dev, STATUS + "/slots/rsc")
        assert status == 200 and json.loads(body)["system-information"] == ["M3000"]
        assert get(dev, STATUS + "/slots/7")[0] == 200
        assert get(dev, STATUS + "/slots/rsc/../../../x")[0] == 200
        assert get(dev, STATUS + "/slots/rsc%2F..%2F..%2F..%2Fx")[0] == 200
        # writes are untouched by mutate
        status, dummy, body = write(dev, {"selected-clock": "clk2"})
        assert status == 200 and dev.state["selected-clock"] == "clk2"


def test_mutate_deep_nesting():
    depth = 100000
    assert dumps(nested(5000)) == '{"n": ' * 5000 + "{}" + "}" * 5000
    assert dumps([[1, {"a": [2, {}]}]] * 2) == json.dumps([[1, {"a": [2, {}]}]] * 2)

    def deep(doc):
        doc["data"]["chassis0"]["slots"][2]["module"]["rsc"] = nested(depth)
        return doc

    with HostileDevice(mode="mutate", mutate=deep) as dev:
        status, dummy, body = get(dev, STATUS)
        assert status == 200 and body.count(b'{"n": ') == depth
        status, dummy, body = get(dev, STATUS + "/slots/rsc")
        assert status == 200 and body.count(b'{"n": ') == depth


def test_write_reply_statuses_still_apply():
    for code in (400, 401, 500):
        with HostileDevice(mode="write_reply", write_status=code) as dev:
            status, dummy, body = write(dev, {"switch-mode": "manual"})
            assert status == code and "message" in json.loads(body)
            assert dev.state["switch-mode"] == "manual"
            assert json.loads(get(dev, STATUS)[2])["data"]["chassis0"]["slots"][2]["module"]["rsc"]["switch-mode"] == "manual"
    with HostileDevice(mode="write_reply", write_status=302) as dev:
        status, headers, dummy = write(dev, {"selected-clock": "clk2"})
        assert status == 302 and headers["Location"] == "/elsewhere"
        assert dev.state["selected-clock"] == "clk2"


def test_write_reply_drop_and_poll_without_slot():
    with HostileDevice(mode="write_reply", write_status=None, write_drop=True, poll_without_slot=True) as dev:
        assert json.loads(get(dev, STATUS + "/slots/rsc")[2])["data"]["slot-id"] == "rsc"
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            write(dev, {"selected-clock": "clk2"})
        assert dev.state["selected-clock"] == "clk2"
        status, dummy, body = get(dev, STATUS + "/slots/rsc")
        assert status == 200 and json.loads(body) == {"data": {}}
        rsc = json.loads(get(dev, STATUS)[2])["data"]["chassis0"]["slots"][2]["module"]["rsc"]
        assert rsc["selected-clock"] == "clk2"


def test_slow_settle():
    with HostileDevice(mode="slow_settle", settle=0.5) as dev:
        status, dummy, body = write(dev, {"selected-clock": "clk2"})
        assert status == 200 and json.loads(body)["data"]["selected-clock"] == "clk2"
        assert dev.state["selected-clock"] == "clk2"
        rsc = json.loads(get(dev, STATUS + "/slots/rsc")[2])["data"]["module"]["rsc"]
        assert rsc["selected-clock"] == "clk1"
        time.sleep(0.6)
        rsc = json.loads(get(dev, STATUS + "/slots/rsc")[2])["data"]["module"]["rsc"]
        assert rsc["selected-clock"] == "clk2" and rsc["switchover-count"] == 1


def test_plain_for_tls_answers_plain_http():
    import ssl  # pylint: disable=import-outside-toplevel
    with HostileDevice(mode="plain_for_tls") as dev:
        assert dev.https_url == "https://127.0.0.1:%d" % dev.port
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        # A device that held the handshake would end in a TimeoutError after 10 s, not in this SSLError.
        conn = http.client.HTTPSConnection("127.0.0.1", dev.port, timeout=10, context=context)
        with pytest.raises(ssl.SSLError, match="WRONG_VERSION_NUMBER|wrong version number|record layer"):
            conn.request("GET", STATUS)
            conn.getresponse()
        conn.close()
        assert dev.tls_attempts == 1 and dev.requests == []
        assert get(dev, STATUS)[0] == 200


# ---------------------------------------------------------------------------------------------- robustness


def test_stop_with_many_endless_clients():
    dev = HostileDevice(mode="endless_body").start()
    socks = [raw(dev, b"GET /api/status/chassis0 HTTP/1.1\r\nHost: x\r\n\r\n") for dummy in range(4)]
    idle = socket.create_connection(("127.0.0.1", dev.port))   # connected, never sends a request
    half = raw(dev, b"GET /api/status/chassis0 HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
    time.sleep(0.3)
    assert stopped_cleanly(dev)
    for sock in socks + [idle, half]:
        sock.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", dev.port), timeout=1).recv(1)


def test_bad_requests_do_not_kill_the_device():
    with HostileDevice() as dev:
        sock = raw(dev, b"garbage\r\n\r\n")
        assert read_for(sock, 1.0).startswith(b"HTTP/1.1 400 ")
        sock.close()
        sock = raw(dev, b"GET / HTTP/1.1\r\nX: " + b"a" * 70000 + b"\r\n\r\n")
        assert read_for(sock, 1.0).startswith(b"HTTP/1.1 431 ")
        sock.close()
        sock = raw(dev, b"POST " + WRITE.encode() + b" HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                        b"Connection: close\r\n\r\n"
                        b"19\r\n{\"switch-mode\": \"manual\"}\r\n0\r\n\r\n")
        assert read_for(sock, 1.0).startswith(b"HTTP/1.1 200 ")
        sock.close()
        assert dev.state["switch-mode"] == "manual"
        assert get(dev, STATUS)[0] == 200


def test_unknown_mode_or_option_is_refused():
    with pytest.raises(ValueError):
        HostileDevice(mode="nonsense")
    with pytest.raises(TypeError):
        HostileDevice(mode="drip", size=3)
