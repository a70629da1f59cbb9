# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""A hostile LTOS device: an in-process HTTP server that answers like a broken, slow, chatty or
malicious LANTIME IMS chassis.

Standard library only. Start it from a pytest test, point ``ansible-playbook`` at ``dev.url`` and
look at ``dev.requests`` / ``dev.state`` afterwards::

    with HostileDevice(mode="drip", drip_interval=0.5) as dev:
        run_playbook(url=dev.url)

Every endless or slow reply stops after ``max_duration`` seconds (default 60) or as soon as
``stop()`` is called; ``stop()`` itself returns within about two seconds whatever the clients do.
See README.md next to this file for the modes.
"""

import base64
import email.utils
import http
import json
import socket
import sys
import threading
import time
import traceback
import urllib.parse
import zlib

__all__ = ["HostileDevice", "MODES", "TOKEN", "build_gzip_bomb", "dumps", "nested", "status_document"]

TOKEN = "ABCDEF0123456789"
MODES = (
    "ok", "drip", "endless_headers", "endless_body", "huge", "gzip_bomb", "status", "echo",
    "mutate", "write_reply", "plain_for_tls", "slow_settle",
)
RSC_SLOT = "rsc"
CLOCK_SLOTS = ("clk1", "clk2")
SWITCH_MODES = ("auto", "manual")

STATUS_PATH = "/api/status/chassis0"
SLOT_PREFIX = STATUS_PATH + "/slots/"
TOKEN_PATH = "/api/get-token"
CONFIG_PREFIX = "/api/configuration/chassis0/slots/"
CONFIG_SUFFIX = "/module/rsc"

IO_TICK = 0.1              # every blocking socket call wakes up this often to look at the stop flag
STREAM_BLOCK = 64 * 1024
MAX_HEAD = 64 * 1024       # request line and headers
MAX_BODY = 8 * 1024 * 1024
JSON_TYPE = "application/json"


# --------------------------------------------------------------------------------------------
# the document


def status_document(state=None):
    """A fresh, valid LTOS status document of an IMS chassis (two clocks, an RSC, an I/O card)."""
    state = dict(state or {})
    selected = state.get("selected-clock", "clk1")

    def clock_slot(slot_id, position, serial):
        return {
            "object-id": slot_id, "slot-id": slot_id, "slot-type": "clk", "slot-position": position,
            "module": {
                "info": {"model": "gps180", "serial-number": serial, "software-revision": "v2.34"},
                "sync-status": {"clock-status": {"clock": "synchronized"}},
            },
        }

    rsc = {
        "switch-mode": state.get("switch-mode", "auto"),
        "selected-clock": selected,
        "front-panel": {"mode-switch": "auto", "clock-switch": "clk1"},
        "outputs-enabled": True,
        "clocks": [{"object-id": "clk1", "time-sync": True}, {"object-id": "clk2", "time-sync": True}],
        "time-limit-error": False,
        "watchdog-ok": True,
        "access-control-override": False,
        "switchover-count": state.get("switchover-count", 0),
        "last-switchover": state.get("last-switchover", "never"),
    }
    slots = [
        clock_slot("clk1", "0,2,1", "C1"),
        clock_slot("clk2", "0,3,1", "C2"),
        {
            "object-id": RSC_SLOT, "slot-id": RSC_SLOT, "slot-type": "rsc", "slot-position": "0,4,1",
            "module": {"info": {"model": "rsc180", "serial-number": "R1", "software-revision": "v1.12"}, "rsc": rsc},
        },
        {
            "object-id": "io1", "slot-id": "io1", "slot-type": "io", "slot-position": "0,6,1",
            "module": {"info": {"model": "liu", "serial-number": "I1", "software-revision": "v1"}},
        },
    ]
    return {
        "system-information": {
            "API Version": "LANTIME REST API V16.03.004", "version": "fw_7.08.004",
            "serial-number": "HOSTILE0001", "hostname": "hostile.example", "model": "M3000",
        },
        "data": {"object-id": "chassis0", "chassis0": {"model": "M3000", "serial-number": "HOSTILE0001", "slots": slots}},
        "changes": {"pending-changes": 0},
        "links": {"self": "https://localhost" + STATUS_PATH},
    }


def nested(depth, key="n", leaf=None):
    """A dict nested ``depth`` levels deep ({"n": {"n": ... leaf}}), built without recursion."""
    value = {} if leaf is None else leaf
    for dummy in range(depth):
        value = {key: value}
    return value


_encode_string = json.encoder.encode_basestring_ascii   # what json.dumps uses for str with ensure_ascii


def _json_key(key):
    if isinstance(key, str):
        return json.dumps(key)
    if key is True:
        return '"true"'
    if key is False:
        return '"false"'
    if key is None:
        return '"null"'
    if isinstance(key, (int, float)):
        return json.dumps(json.dumps(key))
    raise TypeError("keys must be str, int, float, bool or None, not %s" % type(key).__name__)


def dumps(obj):
    """json.dumps (NaN allowed, default separators) that also copes with any nesting depth."""
    try:
        return json.dumps(obj)
    except RecursionError:
        pass
    out = []
    keys = {}           # encoded keys, by key
    stack = []          # open containers: [iterator, closing bracket, first member still to come]
    value, have_value = obj, True
    while True:
        if have_value:
            have_value = False
            if isinstance(value, dict):
                if value:
                    out.append("{")
                    stack.append([iter(value.items()), "}", True])
                else:
                    out.append("{}")
            elif isinstance(value, (list, tuple)):
                if value:
                    out.append("[")
                    stack.append([iter(value), "]", True])
                else:
                    out.append("[]")
            elif isinstance(value, str):
                out.append(_encode_string(value))
            else:
                out.append(json.dumps(value))
        if not stack:
            return "".join(out)
        frame = stack[-1]
        try:
            member = next(frame[0])
        except StopIteration:
            out.append(frame[1])
            stack.pop()
            continue
        separator = "" if frame[2] else ", "
        frame[2] = False
        if frame[1] == "}":
            key, value = member
            encoded = keys.get(key) if isinstance(key, str) else None
            if encoded is None:
                encoded = keys[key] = _json_key(key) + ": "
            out.append(separator + encoded)
        else:
            value = member
            if separator:
                out.append(separator)
        have_value = True


# --------------------------------------------------------------------------------------------
# the gzip bomb: a deflate stream made of one compressed block repeated, CRC from GF(2) algebra

_CRC_POLY = 0xEDB88320
_zero_byte_ops = []   # _zero_byte_ops[k]: the CRC-32 register operator for 2**k zero bytes
_bomb_cache = {}
_bomb_lock = threading.Lock()


def _apply(operator, register):
    result = 0
    bit = 0
    while register:
        if register & 1:
            result ^= operator[bit]
        register >>= 1
        bit += 1
    return result


def _compose_twice(operator):
    return [_apply(operator, column) for column in operator]


def _zero_op(power):
    if not _zero_byte_ops:
        one_bit = [_CRC_POLY] + [1 << n for n in range(31)]
        operator = one_bit
        for dummy in range(3):      # one bit -> two -> four -> eight bits = one byte
            operator = _compose_twice(operator)
        _zero_byte_ops.append(operator)
    while len(_zero_byte_ops) <= power:
        _zero_byte_ops.append(_compose_twice(_zero_byte_ops[-1]))
    return _zero_byte_ops[power]


def crc32_concat(crc_a, crc_b, length_b):
    """CRC-32 of A+B from crc32(A), crc32(B) and len(B), without touching the data."""
    power = 0
    while length_b:
        if length_b & 1:
            crc_a = _apply(_zero_op(power), crc_a)
        length_b >>= 1
        power += 1
    return crc_a ^ crc_b


def crc32_repeat(crc_block, block_length, count):
    """CRC-32 of a block repeated ``count`` times."""
    crc, piece_crc, piece_length = 0, crc_block, block_length
    while count:
        if count & 1:
            crc = crc32_concat(crc, piece_crc, piece_length)
        count >>= 1
        if count:
            piece_crc = crc32_concat(piece_crc, piece_crc, piece_length)
            piece_length *= 2
    return crc


def build_gzip_bomb(inflated=1 << 30, prefix=b"", block=1 << 20):
    """A gzip member that inflates to ``inflated`` bytes: ``prefix`` then spaces.

    Built in milliseconds and cached: one block of spaces is compressed after a full flush (which
    empties the deflate window, so the compressed block is self-contained and byte-aligned) and
    the result is repeated; the trailer's CRC is computed from the block's CRC. Deflate cannot do
    much better than about 1000:1, so the compressed size follows from ``inflated`` (1 GiB -> ~1 MiB).
    """
    key = (inflated, prefix, block)
    with _bomb_lock:
        cached = _bomb_cache.get(key)
        if cached is not None:
            return cached
        prefix = prefix[:inflated]
        fill = inflated - len(prefix)
        count, rest = divmod(fill, block)
        spaces = b" " * block
        deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
        parts = [b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"]
        if prefix:
            parts.append(deflater.compress(prefix) + deflater.flush(zlib.Z_FULL_FLUSH))
        crc = zlib.crc32(prefix)
        if count:
            piece = deflater.compress(spaces) + deflater.flush(zlib.Z_FULL_FLUSH)
            again = deflater.compress(spaces) + deflater.flush(zlib.Z_FULL_FLUSH)
            if piece == again:
                parts.append(piece * count)
            else:   # a zlib that keeps state across a full flush: compress for real
                parts.extend([piece, again])
                parts.extend(deflater.compress(spaces) + deflater.flush(zlib.Z_FULL_FLUSH) for dummy in range(count - 2))
            crc = crc32_concat(crc, crc32_repeat(zlib.crc32(spaces), block, count), block * count)
        if rest:
            parts.append(deflater.compress(spaces[:rest]))
            crc = crc32_concat(crc, zlib.crc32(spaces[:rest]), rest)
        parts.append(deflater.flush(zlib.Z_FINISH))
        parts.append((crc & 0xFFFFFFFF).to_bytes(4, "little") + (inflated & 0xFFFFFFFF).to_bytes(4, "little"))
        result = b"".join(parts)
        _bomb_cache[key] = result
        return result


# --------------------------------------------------------------------------------------------
# HTTP plumbing


class _Request:
    __slots__ = ("method", "target", "version", "header_list", "head", "body")

    def __init__(self, method, target, version, header_list, head):
        self.method = method
        self.target = target
        self.version = version
        self.header_list = header_list
        self.head = head          # request line and header lines exactly as received
        self.body = b""

    def header(self, name, default=None):
        name = name.lower()
        for key, value in self.header_list:
            if key.lower() == name:
                return value
        return default

    @property
    def path(self):
        return self.target.split("?", 1)[0].split("#", 1)[0]

    def wants_close(self):
        tokens = [t.strip().lower() for t in (self.header("Connection") or "").split(",")]
        if "close" in tokens:
            return True
        return self.version == "HTTP/1.0" and "keep-alive" not in tokens


class _Response:
    __slots__ = ("status", "headers", "body", "close")

    def __init__(self, status, body=b"", headers=None, content_type=JSON_TYPE, close=False):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.status = status
        self.headers = list(headers or [])
        names = {name.lower() for name, dummy in self.headers}
        if content_type and "content-type" not in names:
            self.headers.insert(0, ("Content-Type", content_type))
        if "content-length" not in names:
            self.headers.append(("Content-Length", str(len(body))))
        self.body = body
        self.close = close

    @classmethod
    def json(cls, status, obj, headers=None, close=False):
        return cls(status, dumps(obj), headers, close=close)

    @classmethod
    def message(cls, status, text, headers=None, close=False):
        return cls.json(status, {"message": text}, headers, close)


class _Closed(Exception):
    """The connection is gone, the device is stopping, or a deadline passed."""


def _reason(status):
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _status_line(status):
    return ("HTTP/1.1 %d %s\r\n" % (status, _reason(status))).encode("latin-1")


def _head_bytes(status, headers, close):
    lines = [_status_line(status)]
    names = {name.lower() for name, dummy in headers}
    if "date" not in names:
        lines.append(("Date: %s\r\n" % email.utils.formatdate(usegmt=True)).encode("latin-1"))
    if "server" not in names:
        lines.append(b"Server: LANTIME-hostile/1\r\n")
    for name, value in headers:
        lines.append(("%s: %s\r\n" % (name, value)).encode("latin-1", "replace"))
    if close and "connection" not in names:
        lines.append(b"Connection: close\r\n")
    lines.append(b"\r\n")
    return b"".join(lines)


class _Connection:
    """One accepted socket; every read and write gives up on stop() or on its deadline."""

    def __init__(self, sock, stopping):
        self.sock = sock
        self.stopping = stopping
        self.buffer = bytearray()
        sock.settimeout(IO_TICK)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def _check(self, deadline):
        if self.stopping.is_set() or time.monotonic() > deadline:
            raise _Closed()

    def fill(self, deadline):
        while True:
            self._check(deadline)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError as exc:
                raise _Closed() from exc
            if not data:
                raise _Closed()
            self.buffer += data
            return

    def read_until(self, marker, limit, deadline):
        """Bytes up to and including ``marker``; None if more than ``limit`` bytes come first."""
        start = 0
        while True:
            index = self.buffer.find(marker, start)
            if index >= 0:
                end = index + len(marker)
                if end > limit:
                    return None
                data = bytes(self.buffer[:end])
                del self.buffer[:end]
                return data
            if len(self.buffer) > limit:
                return None
            start = max(0, len(self.buffer) - len(marker) + 1)
            self.fill(deadline)

    def read_exact(self, count, deadline):
        while len(self.buffer) < count:
            self.fill(deadline)
        data = bytes(self.buffer[:count])
        del self.buffer[:count]
        return data

    def send(self, data, deadline):
        view = memoryview(data)
        while view:
            self._check(deadline)
            try:
                sent = self.sock.send(view)
            except socket.timeout:
                continue
            except OSError as exc:
                raise _Closed() from exc
            view = view[sent:]

    def pause(self, seconds, deadline):
        if self.stopping.wait(max(0.0, min(seconds, deadline - time.monotonic()))):
            raise _Closed()
        self._check(deadline)


# --------------------------------------------------------------------------------------------
# the device


class HostileDevice:
    """An LTOS device on 127.0.0.1 that misbehaves in the chosen ``mode`` (see README.md)."""

    def __init__(self, mode="ok", paths=None, auth=None, max_duration=60.0, idle_timeout=30.0, **options):
        if mode not in MODES:
            raise ValueError("unknown mode %r (one of %s)" % (mode, ", ".join(MODES)))
        self.mode = mode
        self.paths = list(paths) if paths is not None else ["/api/"]
        self.auth = tuple(auth) if auth else None
        self.max_duration = float(max_duration)
        self.idle_timeout = float(idle_timeout)
        self.options = options
        known = {
            "drip": {"drip_bytes", "drip_interval"},
            "endless_headers": {"interval"},
            "endless_body": set(),
            "huge": {"size"},
            "gzip_bomb": {"compressed", "inflated"},
            "status": {"status", "headers", "body"},
            "echo": {"status"},
            "mutate": {"mutate"},
            "write_reply": {"write_status", "write_drop", "write_headers", "poll_without_slot"},
            "slow_settle": {"settle"},
        }.get(mode, set())
        unknown = set(options) - known
        if unknown:
            raise TypeError("mode %r takes no option(s) %s" % (mode, ", ".join(sorted(unknown))))
        if mode == "mutate" and not callable(options.get("mutate")):
            raise TypeError("mode 'mutate' needs a callable mutate=")

        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._requests = []
        self._config = {"switch-mode": "auto", "selected-clock": "clk1"}
        self._visible = {"switch-mode": "auto", "selected-clock": "clk1", "switchover-count": 0, "last-switchover": "never"}
        self._pending = []      # slow_settle: (due, changes) not yet visible in the status
        self._writes = 0
        self._tls_attempts = 0
        self._listener = None
        self._acceptor = None
        self._threads = []
        self._sockets = set()
        self.port = None

    # ---- life cycle

    def start(self):
        if self._listener is not None:
            return self
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        listener.settimeout(IO_TICK)
        self._listener = listener
        self.port = listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept_loop, name="hostile-accept-%d" % self.port, daemon=True)
        self._acceptor.start()
        return self

    def stop(self, grace=10.0):
        """Stop serving, whatever the clients are doing: shut every connection, wait at most ``grace`` seconds for
        the device's threads to end, and return those still running (none after a clean stop, at once).

        Tests check the list, not the time: a generous grace keeps a busy machine from failing a correct stop.
        """
        self._stopping.set()
        with self._lock:
            sockets = list(self._sockets)
            threads = list(self._threads)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        deadline = time.monotonic() + grace
        if self._acceptor is not None:
            self._acceptor.join(max(0.0, deadline - time.monotonic()))
        if self._listener is not None:
            self._listener.close()
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            leftovers = list(self._sockets)
            self._sockets.clear()
        for sock in leftovers:
            try:
                sock.close()
            except OSError:
                pass
        return [thread.name for thread in [self._acceptor] + threads if thread is not None and thread.is_alive()]

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # ---- what tests look at

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    @property
    def https_url(self):
        return "https://127.0.0.1:%d" % self.port

    @property
    def requests(self):
        with self._lock:
            return [dict(r, headers=dict(r["headers"])) for r in self._requests]

    @property
    def tls_attempts(self):
        """How many connections opened with a TLS handshake (answered with a plain-HTTP 400, not recorded)."""
        with self._lock:
            return self._tls_attempts

    @property
    def state(self):
        """The RSC configuration the device holds (applied writes, settled or not)."""
        with self._lock:
            return dict(self._config)

    @property
    def visible_state(self):
        """The RSC state the status document shows now (differs from ``state`` while settling)."""
        with self._lock:
            self._settle_locked()
            return dict(self._visible)

    # ---- connections

    def _accept_loop(self):
        while not self._stopping.is_set():
            try:
                sock, dummy = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self._lock:
                if self._stopping.is_set():
                    sock.close()
                    return
                self._sockets.add(sock)
                self._threads = [t for t in self._threads if t.is_alive()]
                thread = threading.Thread(target=self._serve, args=(sock,), name="hostile-conn", daemon=True)
                self._threads.append(thread)
            thread.start()

    def _serve(self, sock):
        conn = _Connection(sock, self._stopping)
        try:
            while True:
                request = self._read_request(conn)
                if request is None:
                    return
                with self._lock:
                    self._requests.append({
                        "method": request.method, "path": request.target,
                        "headers": self._header_dict(request.header_list), "body": request.body,
                    })
                if not self._answer(conn, request):
                    return
        except _Closed:
            pass
        except Exception:  # pylint: disable=broad-exception-caught
            traceback.print_exc(file=sys.stderr)
        finally:
            self._linger(sock)
            with self._lock:
                self._sockets.discard(sock)
            try:
                sock.close()
            except OSError:
                pass

    def _linger(self, sock, seconds=0.5, limit=1 << 20):
        """Half-close, then swallow what the client still sends, so that closing with unread
        data (a refused oversized request) does not reset the connection before it reads our reply."""
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            return
        end = time.monotonic() + seconds
        swallowed = 0
        while swallowed < limit and time.monotonic() < end and not self._stopping.is_set():
            try:
                data = sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            if not data:
                return
            swallowed += len(data)

    @staticmethod
    def _header_dict(header_list):
        result = {}
        for name, value in header_list:
            result[name] = result[name] + ", " + value if name in result else value
        return result

    def _read_request(self, conn):
        deadline = time.monotonic() + self.idle_timeout
        while conn.buffer[:2] == b"\r\n":   # stray blank lines between requests are allowed
            del conn.buffer[:2]
        if not conn.buffer:
            conn.fill(deadline)
        if conn.buffer[:1] == b"\x16":   # a TLS ClientHello: answer in plain HTTP, as a plain server would
            with self._lock:
                self._tls_attempts += 1
            self._reply(conn, None, _Response.message(400, "plain HTTP port; the client sent a TLS handshake", close=True), deadline)
            return None
        head = conn.read_until(b"\r\n\r\n", MAX_HEAD, deadline)
        if head is None:
            conn.send(_head_bytes(431, [("Content-Length", "0")], True), deadline)
            return None
        lines = head[:-4].split(b"\r\n")
        parts = lines[0].decode("latin-1").split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            self._reply(conn, None, _Response.message(400, "bad request line", close=True), deadline)
            return None
        header_list = []
        for line in lines[1:]:
            name, sep, value = line.decode("latin-1").partition(":")
            if sep:
                header_list.append((name.strip(), value.strip()))
        request = _Request(parts[0], parts[1], parts[2], header_list, head[:-2])
        if (request.header("Expect") or "").lower() == "100-continue":
            conn.send(b"HTTP/1.1 100 Continue\r\n\r\n", deadline)
        if "chunked" in (request.header("Transfer-Encoding") or "").lower():
            chunks, total = [], 0
            while True:
                size_line = conn.read_until(b"\r\n", 1024, deadline)
                try:
                    size = int((size_line or b"x").split(b";", 1)[0].strip(), 16)
                except ValueError:
                    size = -1
                if size < 0 or total + size > MAX_BODY:
                    self._reply(conn, request, _Response.message(400, "bad chunked body", close=True), deadline)
                    return None
                if size == 0:
                    while conn.read_until(b"\r\n", MAX_HEAD, deadline) not in (b"\r\n", None):
                        pass
                    break
                chunks.append(conn.read_exact(size, deadline))
                conn.read_exact(2, deadline)
                total += size
            request.body = b"".join(chunks)
        else:
            try:
                length = int(request.header("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > MAX_BODY:
                self._reply(conn, request, _Response.message(413 if length > 0 else 400, "bad Content-Length", close=True), deadline)
                return None
            request.body = conn.read_exact(length, deadline) if length else b""
        return request

    def _reply(self, conn, request, response, deadline):
        """Send a framed response; False when the connection must close afterwards."""
        close = response.close or request is None or request.wants_close()
        conn.send(_head_bytes(response.status, response.headers, close), deadline)
        if response.body and (request is None or request.method != "HEAD") and response.status not in (204, 304):
            conn.send(response.body, deadline)
        return not close

    # ---- answering

    def _selected(self, path):
        return any(path.startswith(prefix) for prefix in self.paths)

    def _answer(self, conn, request):
        deadline = time.monotonic() + self.max_duration
        mode = self.mode if self._selected(request.path) else "ok"
        opts = self.options
        if mode == "endless_headers":
            return self._endless_headers(conn, deadline, float(opts.get("interval", 0.01)))
        if mode == "endless_body":
            return self._endless_body(conn, deadline)
        if mode == "huge":
            return self._huge(conn, request, deadline, int(opts.get("size", 64 * 1024 * 1024)))
        if mode == "gzip_bomb":
            return self._gzip_bomb(conn, request, deadline)
        if mode == "status":
            status = int(opts.get("status", 503))
            body = opts.get("body")
            if body is None:
                body = dumps({"message": "hostile device: status %d" % status})
            return self._reply(conn, request, _Response(status, body, opts.get("headers")), deadline)
        if mode == "echo":
            body = request.head   # request line and every header line, verbatim
            return self._reply(conn, request, _Response(int(opts.get("status", 500)), body, content_type="text/plain"), deadline)
        response = self._base(request, mode)
        if response is None:      # write_reply with write_drop: applied, no answer at all
            return False
        if mode == "drip":
            return self._drip(conn, request, response, deadline)
        return self._reply(conn, request, response, deadline)

    def _drip(self, conn, request, response, deadline):
        close = response.close or request.wants_close()
        data = _head_bytes(response.status, response.headers, close)
        if request.method != "HEAD":
            data += response.body
        step = max(1, int(self.options.get("drip_bytes", 1)))
        interval = float(self.options.get("drip_interval", 1.0))
        for offset in range(0, len(data), step):
            if offset:
                conn.pause(interval, deadline)
            conn.send(data[offset:offset + step], deadline)
        return not close

    def _endless_headers(self, conn, deadline, interval):
        conn.send(_status_line(200), deadline)
        number = 0
        while True:
            number += 1
            conn.send(("X-Pad-%d: %s\r\n" % (number, "x" * 60)).encode("ascii"), deadline)
            if interval > 0:
                conn.pause(interval, deadline)

    def _endless_body(self, conn, deadline):
        conn.send(_head_bytes(200, [("Content-Type", JSON_TYPE), ("Transfer-Encoding", "chunked")], False), deadline)
        chunk = b"%x\r\n" % STREAM_BLOCK + b" " * STREAM_BLOCK + b"\r\n"
        while True:
            conn.send(chunk, deadline)

    def _huge(self, conn, request, deadline, size):
        document = dumps(self._status_doc()).encode("utf-8")
        if len(document) > size:
            document = b"{}"
        size = max(size, len(document))
        close = request.wants_close()
        conn.send(_head_bytes(200, [("Content-Type", JSON_TYPE), ("Content-Length", str(size))], close), deadline)
        if request.method == "HEAD":
            return not close
        conn.send(document, deadline)
        left = size - len(document)
        block = b" " * STREAM_BLOCK
        while left > 0:
            piece = block if left >= STREAM_BLOCK else block[:left]
            conn.send(piece, deadline)
            left -= len(piece)
        return not close

    def _gzip_bomb(self, conn, request, deadline):
        inflated = int(self.options.get("inflated", 1 << 30))
        block = 1 << 20
        compressed = self.options.get("compressed")
        if compressed:   # smaller blocks cost more bytes each; pick the block that lands near the target
            pieces = max(1, min(inflated // 1024, int(compressed) // 1040))
            block = max(1024, inflated // pieces)
        body = build_gzip_bomb(inflated, dumps(status_document()).encode("utf-8"), block)
        headers = [("Content-Type", JSON_TYPE), ("Content-Encoding", "gzip"), ("Content-Length", str(len(body)))]
        return self._reply(conn, request, _Response(200, body, headers), deadline)

    # ---- the well-behaved base

    def _authorized(self, request):
        if not self.auth:
            return True
        scheme, dummy, credentials = (request.header("Authorization") or "").strip().partition(" ")
        credentials = credentials.strip()
        if scheme.lower() == "bearer":
            return credentials == TOKEN
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                return False
            return decoded == "%s:%s" % self.auth
        return False

    def _settle_locked(self):
        now = time.monotonic()
        while self._pending and self._pending[0][0] <= now:
            self._show_locked(self._pending.pop(0)[1])

    def _show_locked(self, changes):
        if "selected-clock" in changes and changes["selected-clock"] != self._visible["selected-clock"]:
            self._visible["switchover-count"] += 1
            self._visible["last-switchover"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self._visible.update(changes)

    def _status_doc(self):
        with self._lock:
            self._settle_locked()
            visible = dict(self._visible)
        return status_document(visible)

    def _mutated(self, mode):
        document = self._status_doc()
        if mode == "mutate":
            document = self.options["mutate"](document)
        return document

    def _base(self, request, mode):
        if not self._authorized(request):
            return _Response.message(401, "authentication required", [("WWW-Authenticate", 'Basic realm="LANTIME"')])
        method = request.method
        path = request.path.rstrip("/") or "/"
        reading = method in ("GET", "HEAD")
        try:
            if method == "PUT" and path == TOKEN_PATH:
                return _Response.json(200, {"token": TOKEN})
            if reading and path == STATUS_PATH:
                return _Response(200, dumps(self._mutated(mode)))
            if reading and path.startswith(SLOT_PREFIX):
                return self._slot_read(path, mode)
            if method == "POST" and path.startswith(CONFIG_PREFIX) and path.endswith(CONFIG_SUFFIX):
                return self._write(request, path, mode)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            traceback.print_exc(file=sys.stderr)
            return _Response.message(500, "hostile device failed: %s" % type(exc).__name__)
        return _Response.message(404, "not found")

    def _slot_read(self, path, mode):
        if mode == "write_reply" and self.options.get("poll_without_slot"):
            with self._lock:
                written = self._writes
            if written:
                return _Response.json(200, {"data": {}})
        slot_id = urllib.parse.unquote(path[len(SLOT_PREFIX):])
        document = self._mutated(mode)
        slot = _find_slot(document, slot_id)
        if slot is None:
            return _Response.message(404, "not found")
        info = document.get("system-information") if isinstance(document, dict) else None
        changes = document.get("changes") if isinstance(document, dict) else None
        return _Response(200, dumps({
            "system-information": info if info is not None else status_document()["system-information"],
            "data": slot,
            "changes": changes if changes is not None else {"pending-changes": 0},
            "links": {"self": "https://localhost" + path},
        }))

    def _write(self, request, path, mode):
        slot_id = urllib.parse.unquote(path[len(CONFIG_PREFIX):-len(CONFIG_SUFFIX)])
        if slot_id != RSC_SLOT:
            return _Response.message(404, "not found")
        try:
            changes = json.loads(request.body.decode("utf-8")) if request.body else None
        except (UnicodeDecodeError, ValueError):
            return _Response.message(400, "body is not valid JSON")
        if not isinstance(changes, dict) or not changes:
            return _Response.message(400, "body must be a JSON object with switch-mode and/or selected-clock")
        unknown = sorted(set(changes) - {"switch-mode", "selected-clock"})
        if unknown:
            return _Response.message(400, "unknown key(s): %s" % ", ".join(unknown))
        if "switch-mode" in changes and changes["switch-mode"] not in SWITCH_MODES:
            return _Response.message(400, "switch-mode must be one of auto, manual")
        if "selected-clock" in changes and changes["selected-clock"] not in CLOCK_SLOTS:
            return _Response.message(400, "selected-clock must be one of clk1, clk2")
        with self._lock:
            self._writes += 1
            self._config.update(changes)
            config = dict(self._config)
            if mode == "slow_settle":
                self._pending.append((time.monotonic() + float(self.options.get("settle", 3.0)), dict(changes)))
            else:
                self._show_locked(changes)
        if mode == "write_reply":
            status = self.options.get("write_status")
            if status is None:
                if self.options.get("write_drop"):
                    return None
                status = 200
            status = int(status)
            if status != 200:
                headers = self.options.get("write_headers")
                if headers is None and 300 <= status < 400:
                    headers = [("Location", "/elsewhere")]
                return _Response.message(status, "hostile device: write applied, answered %d" % status, headers)
        return _Response.json(200, {"data": config})


def _find_slot(document, slot_id):
    """The slot whose slot-id or object-id (as text) is ``slot_id``, in a possibly broken document."""
    data = document.get("data") if isinstance(document, dict) else None
    chassis = data.get("chassis0") if isinstance(data, dict) else None
    slots = chassis.get("slots") if isinstance(chassis, dict) else None
    if not isinstance(slots, list):
        return None
    for slot in slots:
        if isinstance(slot, dict) and slot_id in (str(slot.get("slot-id")), str(slot.get("object-id"))):
            return slot
    return None
