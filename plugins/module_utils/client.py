# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Internal to meinberg.lantime, not a public API: the one LTOS REST API client, shared by the modules, the
inventory plugin and the rsc_events source.

It imports nothing from Ansible, so modules turn its errors into fail_json and plugins into AnsibleError.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import math
import re
import signal
import socket
import threading
import time
import traceback

from urllib.parse import quote, quote_plus

try:
    import requests
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    HTTPConnection = HTTPSConnection = HTTPConnectionPool = HTTPSConnectionPool = object

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map
from ansible_collections.meinberg.lantime.plugins.module_utils import errors
from ansible_collections.meinberg.lantime.plugins.module_utils import facts
from ansible_collections.meinberg.lantime.plugins.module_utils.connection import VISIBLE_ASCII, checked_base_url
from ansible_collections.meinberg.lantime.plugins.module_utils.errors import device_text

COLLECTION_VERSION = '0.3.0-dev0'
RETRY_STATUSES = (429, 502, 503, 504)
# Bounds that hold whatever the device does or the options say.
MAX_RETRY_AFTER = 30.0
MAX_PAUSE = 8.0
MAX_REPLY_BYTES = 16 * 1024 * 1024
READ_CHUNK = 64 * 1024
REDACTED = '********'
# What redaction looks for besides the literal secrets: credentials in headers and in URLs.
AUTH_HEADER = re.compile(r'(?i)\b((?:proxy-)?authorization\s*[:=]\s*["\']?\s*(?:basic|bearer|token)?\s*)[^\s"\',;]+')
URL_USERINFO = re.compile(r'(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s]*@')


# The client's errors, importable from here as before.
LantimeError = errors.LantimeError
ConfigurationError = errors.ConfigurationError
AuthenticationError = errors.AuthenticationError
PermissionDeniedError = errors.PermissionDeniedError
ApiDisabledError = errors.ApiDisabledError
NotFoundError = errors.NotFoundError
RejectedError = errors.RejectedError
TransportError = errors.TransportError
MalformedReplyError = errors.MalformedReplyError

if HAS_REQUESTS:
    class _ReplyTooLarge(requests.exceptions.RequestException):
        """The reply passed MAX_REPLY_BYTES (decoded)."""

    class _DeadlinePassed(requests.exceptions.RequestException):
        """The watchdog ended the request at its deadline."""


# -- a total deadline per request ----------------------------------------------------------------------------
# A socket timeout bounds each read, not the request: a device that drips one byte a second, or sends
# headers or a chunked body that never end, would hold a request for ever. A watchdog timer shuts the
# request's socket down when its deadline passes, which ends any read in progress.
_ACTIVE = threading.local()


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _block_stop_signals():
    if not hasattr(signal, 'pthread_sigmask'):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)


def _restore_signals(previous):
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class _Watchdog:
    def __init__(self, seconds):
        self.expired = False
        self._connections = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.001), self._fire)
        self._timer.daemon = True

    def __enter__(self):
        _ACTIVE.watchdog = self
        # The timer thread inherits the signal mask of the thread that starts it. With SIGINT and SIGTERM blocked
        # there, the kernel hands them to the thread that waits on the socket, so Ctrl-C ends that wait at once; a
        # timer thread that took them would leave the request blocked until the device answers or time runs out.
        blocked = _block_stop_signals()
        try:
            self._timer.start()
        finally:
            _restore_signals(blocked)
        return self

    def __exit__(self, *exc_info):
        self._timer.cancel()
        _ACTIVE.watchdog = None

    def watch(self, connection):
        with self._lock:
            self._connections.append(connection)
            if self.expired:
                self._shut(connection)

    def _fire(self):
        with self._lock:
            self.expired = True
            for connection in self._connections:
                self._shut(connection)

    @staticmethod
    def _shut(connection):
        sock = getattr(connection, 'sock', None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except (OSError, ValueError):
                pass


def _watch(connection):
    watchdog = getattr(_ACTIVE, 'watchdog', None)
    if watchdog is not None:
        watchdog.watch(connection)


class _Watched:
    """Mixed into urllib3's connection classes: each connection registers with the request's watchdog."""

    def connect(self):
        _watch(self)
        return super(_Watched, self).connect()

    def request(self, *args, **kwargs):  # pylint: disable=signature-differs
        _watch(self)
        return super(_Watched, self).request(*args, **kwargs)


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


if HAS_REQUESTS:
    class _WatchedAdapter(requests.adapters.HTTPAdapter):
        """An HTTPAdapter whose connections the request's watchdog can shut down."""

        @staticmethod
        def _use_watched_pools(manager):
            manager.pool_classes_by_scheme = {'http': _WatchedHTTPPool, 'https': _WatchedHTTPSPool}
            return manager

        def init_poolmanager(self, *args, **kwargs):
            super(_WatchedAdapter, self).init_poolmanager(*args, **kwargs)
            self._use_watched_pools(self.poolmanager)

        def proxy_manager_for(self, proxy, **proxy_kwargs):
            return self._use_watched_pools(super(_WatchedAdapter, self).proxy_manager_for(proxy, **proxy_kwargs))


class LantimeClient:
    """A requests session bound to one device.

    Reads (GET, and the token PUT) are retried with backoff on connection errors and 429/502/503/504.
    Writes are sent once, ever: a write that may have reached the device is never repeated; callers re-read.
    Each request has a total deadline (timeout) and a bounded reply size, whatever the device sends.
    Each attempt is recorded in api_calls (method, path, status, elapsed_ms): no headers, no bodies.
    """

    def __init__(self, host, username=None, password=None, token=None, validate_certs=True, ca_path=None,
                 use_proxy=True, timeout=30, retries=3, session=None, sleep=time.sleep, user_agent_extra=None,
                 write_style=None):
        self.base_url = checked_base_url(host, username, password, token, validate_certs, ca_path, timeout, retries)
        # Only checked here: the tasks build the write in their write_style, and the client sends what it is handed.
        if write_style is not None and write_style not in api_map.WRITE_STYLE_NAMES:
            raise ConfigurationError('invalid options: write_style: must be one of %s'
                                     % ', '.join(api_map.WRITE_STYLE_NAMES))
        if not HAS_REQUESTS:
            raise LantimeError('the Python library requests is needed on the controller: pip install requests')
        self.host = self.base_url.split('://', 1)[1].split('/', 1)[0]
        self.username = username
        self.password = password
        self.token = token
        self.timeout = timeout
        self.retries = retries
        self.api_calls = []
        self.warnings = []
        self._sleep = sleep
        self._secrets = []
        for secret in (password, token):
            self._add_secret(secret)
        if username is not None:
            credentials = ('%s:%s' % (username, password or '')).encode('utf-8')
            self._basic = 'Basic ' + base64.b64encode(credentials).decode('ascii')
            self._add_secret(self._basic.split(' ', 1)[1])
        else:
            self._basic = None
        self.session = session or requests.Session()
        self.session.trust_env = use_proxy
        if not isinstance(self.session.get_adapter('https://'), _WatchedAdapter):
            self.session.mount('https://', _WatchedAdapter())
            self.session.mount('http://', _WatchedAdapter())
        # Passed on every request: a session-level verify loses to REQUESTS_CA_BUNDLE in the environment.
        self.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        if not validate_certs:
            # The user chose this; one warning per request on stderr adds nothing.
            requests.packages.urllib3.disable_warnings(requests.packages.urllib3.exceptions.InsecureRequestWarning)
        if self.base_url.startswith('http://') and (username is not None or token):
            self.warnings.append('%s: the credentials go over plain HTTP, readable by anyone on the network; use '
                                 'https:// unless this management network is trusted' % self.host)
        agent = 'meinberg.lantime/%s' % COLLECTION_VERSION
        if user_agent_extra:
            agent += ' ' + user_agent_extra
        self.session.headers.update({'User-Agent': agent, 'Accept': 'application/json'})
        self._version_checked = False

    # -- public API --------------------------------------------------------------------------------
    def get(self, path, deadline=None):
        """GET a status or configuration path; return the parsed JSON document.

        deadline (a time.monotonic() value) bounds the whole call, retries and pauses included.
        """
        return self._request('GET', path, retry=True, deadline=deadline)

    def write(self, path, body, method, reply=None):
        """Send a configuration write exactly once (never retried, never renewed); return the parsed reply.

        path, body and method come from one api_map.WriteRequest (see rsc_card.apply_change()); the client has no
        default method of its own. reply (a dict), when given, receives the raw answer whatever its status: status,
        headers and content (bounded bytes), for the write trace and the refusal's hints; nothing when no answer came.
        """
        return self._request(method, path, body=body, retry=False, reply=reply)

    def allowed_methods(self, path, deadline=None):
        """OPTIONS on path, a read-only request: (HTTP status, the known methods its Allow header names, or None
        without the header). Any status is returned, not raised; a transport failure raises as for a read."""
        reply = {}
        self._request('OPTIONS', path, retry=True, deadline=deadline, reply=reply, raw=True)
        return reply['status'], api_map.allowed_methods(reply['headers'].get(api_map.ALLOW_HEADER))

    def fetch_token(self):
        """Ask the device for a bearer token with the username and password."""
        try:
            reply = self._request(api_map.TOKEN_METHOD, api_map.TOKEN_PATH, retry=True, basic=True)
        except NotFoundError as exc:
            raise NotFoundError('%s: %s %s: not found (HTTP 404): this device issues no tokens: %s'
                                % (self.host, api_map.TOKEN_METHOD, api_map.TOKEN_PATH, api_map.TOKEN_UNSUPPORTED_HINT),
                                exc.status)
        token = reply.get(api_map.TOKEN_KEY) if isinstance(reply, dict) else None
        if not isinstance(token, str) or not VISIBLE_ASCII.match(token):
            raise MalformedReplyError('%s: the token reply holds no usable token' % self.host)
        self.token = token
        self._add_secret(token)
        return self.token

    def check_api_version(self, document):
        """Warn once when the device's REST API is older than the collection is built for."""
        if self._version_checked or not isinstance(document, dict):
            return
        self._version_checked = True
        major = facts.api_major(document)
        if major is not None and major < api_map.MIN_API_MAJOR:
            self.warnings.append('%s reports REST API version %s; this collection is built for API %s and later '
                                 '(LTOS firmware 7.06 and later). Update the firmware if replies look wrong.'
                                 % (self.host, major, api_map.MIN_API_MAJOR))

    def redact(self, text):
        """Text with every form of the credentials this client holds masked."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        text = AUTH_HEADER.sub(lambda match: match.group(1) + REDACTED, text)
        return URL_USERINFO.sub(lambda match: match.group(1) + REDACTED + '@', text)

    # -- internals ---------------------------------------------------------------------------------
    def _add_secret(self, secret):
        if not secret:
            return
        forms = set([secret, quote(secret, safe=''), quote_plus(secret), base64.b64encode(secret.encode('utf-8')).decode()])
        # longest first, so that a secret holding another is masked whole
        self._secrets = sorted(set(self._secrets) | forms, key=len, reverse=True)

    def _headers(self, basic):
        if self.token and not basic:
            return {'Authorization': 'Bearer %s' % self.token}
        if self._basic:
            # Built here rather than by requests: it encodes user and password as UTF-8 (RFC 7617), where
            # requests' Latin-1 fails on other characters.
            return {'Authorization': self._basic}
        return {}

    def _request(self, method, path, body=None, retry=False, basic=False, renewed=False, deadline=None, reply=None,
                 raw=False):
        attempts = 1 + (self.retries if retry else 0)
        for attempt in range(attempts):
            budget = self.timeout if deadline is None else min(self.timeout, deadline - time.monotonic())
            if budget <= 0:
                raise TransportError('%s: %s %s was not sent: the time allowed for it ran out' % (self.host, method, path))
            last = attempt == attempts - 1
            started = time.monotonic()
            try:
                status, headers, content = self._send(method, path, body, basic, budget)
            except requests.exceptions.RequestException as exc:
                self._record(method, path, None, started)
                if not last and not isinstance(exc, (requests.exceptions.SSLError, _ReplyTooLarge)):
                    if self._pause(attempt, None, method, path, self._describe_exception(exc), deadline):
                        continue
                raise self._transport_error(method, path, exc, budget)
            self._record(method, path, status, started)
            if reply is not None:
                reply.update(status=status, headers=headers, content=content)
            if status in RETRY_STATUSES and not last:
                if self._pause(attempt, headers.get('Retry-After'), method, path, 'HTTP %d' % status, deadline):
                    continue
            if status == 401 and retry and self.token and self.username and not basic and not renewed:
                # The token expired or was revoked: get a new one with the credentials, then read once more.
                # Only reads: a write is never sent twice.
                self.fetch_token()
                return self._request(method, path, body=body, retry=retry, renewed=True, deadline=deadline,
                                     reply=reply, raw=raw)
            if status == 401 and self.token and not basic:
                raise AuthenticationError('%s: %s %s was refused (HTTP 401): the username/password or token is not '
                                          'valid. Check the credentials (a token expires: get a new one, or give '
                                          'username and password). If the device runs LTOS older than %s: %s.'
                                          % (self.host, method, path, api_map.TOKEN_MIN_LTOS,
                                             api_map.TOKEN_UNSUPPORTED_HINT), status)
            if raw:
                return None
            return self._parse(method, path, status, content)
        raise AssertionError('unreachable')  # pragma: no cover

    def _send(self, method, path, body, basic, budget):
        """One attempt, bounded by budget seconds from connect to the reply's last byte."""
        data = json.dumps(body).encode('utf-8') if body is not None else None
        headers = self._headers(basic)
        if data is not None:
            headers['Content-Type'] = 'application/json'
        started = time.monotonic()
        with _Watchdog(budget) as watchdog:
            try:
                response = self.session.request(method, self.base_url + path, data=data, headers=headers,
                                                timeout=budget, verify=self.verify, allow_redirects=False,
                                                stream=True)
                try:
                    content = self._read_reply(response)
                finally:
                    response.close()
            except requests.exceptions.RequestException as exc:
                # The socket's connect and read timeouts are the budget too, so either of them or the watchdog may
                # notice first. A request that failed for lack of time says so in one way, whichever did.
                if watchdog.expired or isinstance(exc, requests.exceptions.Timeout) \
                        or time.monotonic() - started >= budget:
                    raise _DeadlinePassed()
                raise
            if watchdog.expired:
                raise _DeadlinePassed()
        return response.status_code, response.headers, content

    @staticmethod
    def _read_reply(response):
        length = response.headers.get('Content-Length') or ''
        if length.strip().isdigit() and int(length) > MAX_REPLY_BYTES:
            raise _ReplyTooLarge()
        chunks = []
        size = 0
        for chunk in response.iter_content(READ_CHUNK):
            size += len(chunk)
            if size > MAX_REPLY_BYTES:
                raise _ReplyTooLarge()
            chunks.append(chunk)
        return b''.join(chunks)

    def _record(self, method, path, status, started):
        self.api_calls.append({'method': method, 'path': path, 'status': status,
                               'elapsed_ms': round((time.monotonic() - started) * 1000.0, 1)})

    def _pause(self, attempt, retry_after, method, path, reason, deadline):
        """Sleep before the next attempt; False when the deadline leaves no time for one."""
        delay = min(0.5 * (2 ** attempt), MAX_PAUSE)
        try:
            asked = float(retry_after) if retry_after else None
        except (TypeError, ValueError):
            asked = None  # an HTTP date or garbage: keep the backoff
        if asked is not None and math.isfinite(asked):
            delay = min(max(asked, 0.0), MAX_RETRY_AFTER)
        if deadline is not None and time.monotonic() + delay >= deadline:
            return False
        self.warnings.append('%s: %s %s answered %s; retrying in %.1f s' % (self.host, method, path, reason, delay))
        self._sleep(delay)
        return True

    @staticmethod
    def _describe_exception(exc):
        if isinstance(exc, _DeadlinePassed):
            return 'no reply in time'
        return 'connection failure'

    def _transport_error(self, method, path, exc, budget):
        where = '%s: %s %s failed' % (self.host, method, path)
        if isinstance(exc, _ReplyTooLarge):
            return TransportError('%s: the reply is larger than %d MiB, more than any LTOS status document; the device '
                                  'or a proxy sends something else. Check the address and port.'
                                  % (where, MAX_REPLY_BYTES // (1024 * 1024)))
        if isinstance(exc, _DeadlinePassed):
            return TransportError('%s: no complete reply within %s seconds (the device answered too slowly or never '
                                  'finished its reply). Check that the device is healthy and reachable, or raise '
                                  'timeout' % (where, _seconds(budget)))
        detail = device_text(self.redact(str(exc)))
        if isinstance(exc, requests.exceptions.SSLError):
            hint = tls_hint(str(exc))
        elif 'got more than' in str(exc) or 'LineTooLong' in str(exc) or 'BadStatusLine' in str(exc):
            hint = ('the reply breaks the HTTP rules (endless or oversized headers, or no HTTP status line). Check '
                    'the address and port: they may lead to another service')
        else:
            hint = ('could not connect or the connection broke. Check the address and port, that HTTPS (or HTTP) is '
                    'enabled on the device, and the proxy settings (use_proxy: false to bypass proxies from the '
                    'environment)')
        return TransportError('%s: %s (%s)' % (where, hint, detail))

    def _body_text(self, content):
        return device_text(self.redact(content.decode('utf-8', 'replace')))

    def _parse(self, method, path, status, content):
        where = '%s: %s %s' % (self.host, method, path)
        if status == 401:
            raise AuthenticationError('%s was refused (HTTP 401): the username/password or token is not valid. '
                                      'Check the credentials (a token expires: get a new one, or give username and '
                                      'password).' % where, status)
        if status == 403:
            text = self._body_text(content)
            if api_map.is_api_disabled(status, method, text):
                raise ApiDisabledError('%s was refused (HTTP 403): the REST API is disabled on this device. Turn on '
                                       '"Enable REST API" in the web interface (System page, general settings).'
                                       % where, status)
            raise PermissionDeniedError('%s was refused (HTTP 403): this user may not do that. Changes need an '
                                        'admin-level user; read-only ("info") users can only read. Device said: %s'
                                        % (where, text or '(no text)'), status)
        if status == 404:
            raise NotFoundError('%s: not found (HTTP 404). The device does not have this object: check the slot id, '
                                'and that the firmware is LTOS 7.06 or later.' % where, status)
        if status >= 300 or status < 200:
            raise RejectedError('%s answered HTTP %d: %s' % (where, status, self._body_text(content) or '(no text)'),
                                status)
        try:
            # NaN and Infinity are no JSON; a device that sends them means "unknown".
            document = json.loads(content.decode('utf-8'), parse_constant=lambda name: None)
        except RecursionError:
            raise MalformedReplyError('%s: the reply nests JSON too deeply to be an LTOS document (HTTP %d). Check '
                                      'the address and port.' % (where, status), status)
        except ValueError:
            raise MalformedReplyError('%s: the reply is not valid JSON (HTTP %d, %d bytes). The device or a proxy '
                                      'cut or garbled it; run again, and if it persists capture the reply with curl.'
                                      % (where, status, len(content)), status)
        if not isinstance(document, dict):
            raise MalformedReplyError('%s: the reply is JSON but not an object' % where, status)
        self.check_api_version(document)
        return document


def _seconds(value):
    return ('%.1f' % value).rstrip('0').rstrip('.')


def tls_hint(text):
    """What a TLS failure means, by its kind, and what to do about it."""
    lowered = text.lower()
    if any(mark in lowered for mark in ('wrong version number', 'record layer failure', 'unknown protocol',
                                        'packet length too long', 'http request', 'record_layer_failure')):
        return ('the port answered, but not with TLS: it may serve plain HTTP or another protocol. Check the port, '
                'or use an http:// address if the device serves its API without TLS')
    if 'hostname mismatch' in lowered or "doesn't match" in lowered or 'ip address mismatch' in lowered:
        return ('the device certificate is valid but issued for another name. Connect with the name or address the '
                'certificate was issued for')
    if 'certificate' in lowered and ('verify failed' in lowered or 'self-signed' in lowered or 'self signed' in lowered):
        return ('the TLS certificate could not be verified. Give the CA that signed it with ca_path (the device web '
                'interface can export its certificate)')
    return 'the TLS handshake failed. Check that the port serves HTTPS and that the device accepts TLS 1.2 or later'
