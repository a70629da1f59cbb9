# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Sockets and HTTP: one listening socket per device, one selector loop, one thread per connection.

A single thread waits on all listening sockets at once and hands each accepted
connection to a short-lived handler thread (TLS handshake included), so a
thousand idle devices cost a thousand file descriptors and no threads.
"""

import http.server
import resource
import selectors
import socket
import sys
import threading
import time
import traceback

from sim_api import CONTROL_PREFIX, Response, fault_response, handle_api, handle_control

MAX_BODY = 1024 * 1024
IDLE_TIMEOUT = 30.0


class DeviceRequestHandler(http.server.BaseHTTPRequestHandler):
    """Serves one connection to one device; HTTP/1.1 keep-alive with Content-Length framing."""

    protocol_version = "HTTP/1.1"
    server_version = "lantime-sim/1"
    sys_version = ""
    timeout = IDLE_TIMEOUT
    # headers and body leave in two writes; with Nagle on, keep-alive clients would wait for a delayed ACK
    disable_nagle_algorithm = True

    def __init__(self, request, client_address, device):
        self.device = device
        super().__init__(request, client_address, None)

    def version_string(self):
        return self.server_version

    def log_message(self, *args):  # pylint: disable=arguments-differ
        """Silent: the request log lives in GET /_sim/stats, and headers are never printed."""

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def _dispatch(self):
        method = self.command
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        body = self._read_body()
        if body is None:
            return
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            self._send(self._guarded(handle_control, self.device, method, path, body, self.client_address[0]))
            return
        generation = self.device.generation
        fault = self.device.take_fault(method, path)
        kind = fault["kind"] if fault else None
        if kind == "drop":
            self.device.record(method, path, 0, generation)
            self.close_connection = True
            return
        if kind == "delay":
            time.sleep(fault["delay-ms"] / 1000.0)
        if kind == "status":
            response = fault_response(fault)
        else:
            response = self._guarded(handle_api, self.device, method, path, self.headers, body)
        latency = self.device.settings["latency-ms"]
        if latency:
            time.sleep(latency / 1000.0)
        # logged before the reply goes out, so a client that reads /_sim/stats next sees it; a request
        # still being served (a delay fault, latency) when the device was reset is dropped unlogged
        if not self.device.record(method, path, response.status, generation):
            self.close_connection = True
            return
        self._send(response, kind)

    def _guarded(self, function, *args):
        try:
            return function(*args)
        except Exception:  # pylint: disable=broad-exception-caught
            # a bug in the simulator must show as a 500 to the client, not as a dropped connection
            traceback.print_exc(file=sys.stderr)
            return Response.message(500, "internal simulator error")

    def _read_body(self):
        """The request body (b"" if none); None after answering 413/400 for a body we will not read."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self.close_connection = True
            self._send(Response.message(413 if length > MAX_BODY else 400, "bad Content-Length"))
            return None
        return self.rfile.read(length) if length else b""

    def _read_chunked(self):
        chunks = []
        total = 0
        while True:
            size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY:
                self.close_connection = True
                self._send(Response.message(413, "request body too large"))
                return None
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _send(self, response, fault_kind=None):
        body = response.body
        length = len(body)
        if fault_kind == "malformed":
            # cut the document in the middle: still framed correctly, but no longer valid JSON
            body = body[:len(body) // 2] + b"\x00<<garbled"
            length = len(body)
        elif fault_kind == "truncated":
            # announce the full length, send half, then hang up
            body = body[:len(body) // 2]
            self.close_connection = True
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(length))
        for name, value in response.headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()


def serve_connection(sock, address, device, tls_context):
    try:
        sock.settimeout(IDLE_TIMEOUT)
        if tls_context is not None:
            sock = tls_context.wrap_socket(sock, server_side=True)
        DeviceRequestHandler(sock, address, device)
    except (OSError, ValueError):
        pass  # client went away, TLS handshake failed, or the connection timed out
    finally:
        try:
            sock.close()
        except OSError:
            pass


class Server:
    """All devices' listening sockets and the loop that accepts on them."""

    def __init__(self, devices, host, port, tls_context=None):
        self.devices = devices
        self.tls_context = tls_context
        self.selector = selectors.DefaultSelector()
        self.listeners = []
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self.selector.register(self._wake_r, selectors.EVENT_READ, None)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        url_host = "[%s]" % host if ":" in host else host
        if host in ("0.0.0.0", ""):
            url_host = "127.0.0.1"
        elif host == "::":
            url_host = "[::1]"
        scheme = "https" if tls_context is not None else "http"
        for index, device in enumerate(devices):
            listener = socket.create_server((host, port + index if port else 0), family=family, backlog=128)
            listener.setblocking(False)
            self.listeners.append(listener)
            self.selector.register(listener, selectors.EVENT_READ, device)
            device.url = "%s://%s:%d" % (scheme, url_host, listener.getsockname()[1])

    def wake(self):
        """Make serve_forever return; safe to call from a signal handler."""
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass

    def serve_forever(self):
        while True:
            for key, _events in self.selector.select():
                if key.data is None:
                    return
                self._accept_all(key.fileobj, key.data)

    def _accept_all(self, listener, device):
        while True:
            try:
                sock, address = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                # e.g. EMFILE: leave the rest in the backlog for the next round
                sys.stderr.write("accept failed: %s\n" % exc)
                time.sleep(0.05)
                return
            threading.Thread(target=serve_connection, args=(sock, address, device, self.tls_context), daemon=True).start()

    def close(self):
        for listener in self.listeners:
            self.selector.unregister(listener)
            listener.close()
        self.selector.close()
        self._wake_r.close()
        self._wake_w.close()


def raise_file_limit():
    """Lift the soft limit of open files to the hard limit (a thousand devices need a thousand sockets)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else 1048576
    if soft == resource.RLIM_INFINITY or soft >= target:
        return
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError):
        pass
