# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The one LTOS REST API client, shared by the modules and the inventory plugin.

It imports nothing from Ansible, so modules turn its errors into fail_json and plugins into AnsibleError.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import time
import traceback

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map

COLLECTION_VERSION = '0.1.0'
MIN_API_MAJOR = 10
RETRY_STATUSES = (429, 502, 503, 504)
BODY_LIMIT = 300
MAX_RETRY_AFTER = 30.0


class LantimeError(Exception):
    """Base of every error the client raises; the message names the device and says what to do."""

    def __init__(self, message, status=None):
        super(LantimeError, self).__init__(message)
        self.status = status


class AuthenticationError(LantimeError):
    pass


class PermissionDeniedError(LantimeError):
    pass


class ApiDisabledError(LantimeError):
    pass


class NotFoundError(LantimeError):
    pass


class RejectedError(LantimeError):
    """The device refused the request (4xx/5xx other than the cases above)."""


class TransportError(LantimeError):
    """No usable answer: connection refused or dropped, TLS failure, timeout."""


class MalformedReplyError(LantimeError):
    pass


def base_url(host):
    """Turn a hostname, host:port or full URL into a base URL without a trailing slash."""
    host = (host or '').strip()
    if not host:
        raise ValueError('host is empty: give a hostname, host:port or URL of the device')
    if '://' not in host:
        host = 'https://' + host
    scheme, rest = host.split('://', 1)
    if scheme.lower() not in ('http', 'https'):
        raise ValueError('host %r has scheme %r: use https:// or http://' % (host, scheme))
    netloc = rest.split('/', 1)[0]
    if not netloc or ' ' in netloc or netloc.startswith(':'):
        raise ValueError('host %r is not a valid hostname, host:port or URL' % host)
    return '%s://%s' % (scheme.lower(), rest.rstrip('/'))


def api_major_version(system_information):
    """The major REST API version from e.g. 'LANTIME REST API V10.21.016', or None."""
    text = str((system_information or {}).get(api_map.API_VERSION_KEY) or '')
    match = re.search(r'(\d+)\.\d+', text)
    return int(match.group(1)) if match else None


class LantimeClient:
    """A requests session bound to one device.

    Reads (GET, and the token PUT) are retried with backoff on connection errors and 429/502/503/504.
    Writes are sent once: a write that may have reached the device is never repeated; callers re-read.
    Each attempt is recorded in api_calls (method, path, status, elapsed_ms): no headers, no bodies.
    """

    def __init__(self, host, username=None, password=None, token=None, validate_certs=True, ca_path=None,
                 use_proxy=True, timeout=30, retries=3, session=None, sleep=time.sleep, user_agent_extra=None):
        if not HAS_REQUESTS:
            raise LantimeError('the Python library requests is needed on the controller: pip install requests')
        self.base_url = base_url(host)
        self.host = self.base_url.split('://', 1)[1]
        self.username = username
        self.password = password
        self.token = token
        self.timeout = timeout
        self.retries = retries
        self.api_calls = []
        self.warnings = []
        self._sleep = sleep
        self._secrets = [s for s in (password, token) if s]
        self.session = session or requests.Session()
        self.session.trust_env = use_proxy
        # Passed on every request: a session-level verify loses to REQUESTS_CA_BUNDLE in the environment.
        self.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        if not validate_certs:
            # The user chose this; one warning per request on stderr adds nothing.
            requests.packages.urllib3.disable_warnings(requests.packages.urllib3.exceptions.InsecureRequestWarning)
        agent = 'meinberg.lantime/%s' % COLLECTION_VERSION
        if user_agent_extra:
            agent += ' ' + user_agent_extra
        self.session.headers.update({'User-Agent': agent, 'Accept': 'application/json'})
        self._version_checked = False

    # -- public API --------------------------------------------------------------------------------
    def get(self, path):
        """GET a status or configuration path; return the parsed JSON document."""
        return self._request('GET', path, retry=True)

    def post(self, path, body):
        """Send a configuration write once; return the parsed reply."""
        return self._request('POST', path, body=body, retry=False)

    def fetch_token(self):
        """Ask the device for a bearer token with the username and password."""
        reply = self._request(api_map.TOKEN_METHOD, api_map.TOKEN_PATH, retry=True, basic=True)
        token = reply.get(api_map.TOKEN_KEY) if isinstance(reply, dict) else None
        if not token:
            raise MalformedReplyError('%s: the token reply holds no token' % self.host)
        self.token = str(token)
        self._secrets.append(self.token)
        return self.token

    def check_api_version(self, document):
        """Warn once when the device's REST API is older than the collection is built for."""
        if self._version_checked or not isinstance(document, dict):
            return
        self._version_checked = True
        major = api_major_version(document.get(api_map.SYSTEM_INFORMATION))
        if major is not None and major < MIN_API_MAJOR:
            self.warnings.append('%s reports REST API version %d; this collection is built for API %d and later '
                                 '(LTOS firmware 7.06 and later). Update the firmware if replies look wrong.'
                                 % (self.host, major, MIN_API_MAJOR))

    def redact(self, text):
        for secret in self._secrets:
            text = text.replace(secret, '********')
        return text

    # -- internals ---------------------------------------------------------------------------------
    def _auth(self, basic):
        if self.token and not basic:
            return None, {'Authorization': 'Bearer %s' % self.token}
        if self.username is not None:
            return (self.username, self.password or ''), {}
        return None, {}

    def _request(self, method, path, body=None, retry=False, basic=False, renewed=False):
        attempts = 1 + (max(self.retries, 0) if retry else 0)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            auth, headers = self._auth(basic)
            started = time.monotonic()
            try:
                response = self.session.request(method, self.base_url + path, json=body, auth=auth, headers=headers,
                                                timeout=self.timeout, verify=self.verify, allow_redirects=False)
            except requests.exceptions.RequestException as exc:
                self._record(method, path, None, started)
                if not last and not isinstance(exc, requests.exceptions.SSLError):
                    self._pause(attempt, None, method, path, self._describe_exception(exc))
                    continue
                raise self._transport_error(method, path, exc)
            self._record(method, path, response.status_code, started)
            if response.status_code in RETRY_STATUSES and not last:
                self._pause(attempt, response.headers.get('Retry-After'), method, path, 'HTTP %d' % response.status_code)
                continue
            if response.status_code == 401 and self.token and self.username and not basic and not renewed:
                # The token expired or was revoked: get a new one with the credentials, then try once more.
                self.fetch_token()
                return self._request(method, path, body=body, retry=retry, renewed=True)
            return self._parse(method, path, response)
        raise AssertionError('unreachable')  # pragma: no cover

    def _record(self, method, path, status, started):
        self.api_calls.append({'method': method, 'path': path, 'status': status,
                               'elapsed_ms': round((time.monotonic() - started) * 1000.0, 1)})

    def _pause(self, attempt, retry_after, method, path, reason):
        delay = min(0.5 * (2 ** attempt), 8.0)
        if retry_after:
            try:
                delay = min(max(float(retry_after), 0.0), MAX_RETRY_AFTER)
            except ValueError:
                pass
        self.warnings.append('%s: %s %s answered %s; retrying in %.1f s' % (self.host, method, path, reason, delay))
        self._sleep(delay)

    @staticmethod
    def _describe_exception(exc):
        if isinstance(exc, requests.exceptions.Timeout):
            return 'no reply in time'
        return 'connection failure'

    def _transport_error(self, method, path, exc):
        if isinstance(exc, requests.exceptions.SSLError):
            hint = ('the TLS certificate could not be verified. Give the CA that signed it with ca_path, '
                    'or (on a trusted management network only) set validate_certs to false')
        elif isinstance(exc, requests.exceptions.Timeout):
            hint = ('no reply within %s seconds. Check that the device is up and reachable, '
                    'or raise timeout' % self.timeout)
        else:
            hint = ('could not connect. Check the address and port, that HTTPS (or HTTP) is enabled on the device, '
                    'and the proxy settings (use_proxy: false to bypass proxies from the environment)')
        detail = self.redact(str(exc))[:BODY_LIMIT]
        return TransportError('%s: %s %s failed: %s (%s)' % (self.host, method, path, hint, detail))

    def _body_text(self, response):
        text = response.text or ''
        text = ' '.join(text.split())
        return self.redact(text)[:BODY_LIMIT]

    def _parse(self, method, path, response):
        status = response.status_code
        where = '%s: %s %s' % (self.host, method, path)
        if status == 401:
            raise AuthenticationError('%s was refused (HTTP 401): the username/password or token is not valid. '
                                      'Check the credentials (a token expires: get a new one, or give username and '
                                      'password).' % where, status)
        if status == 403:
            text = self._body_text(response)
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
        if status >= 300:
            raise RejectedError('%s answered HTTP %d: %s' % (where, status, self._body_text(response) or '(no text)'),
                                status)
        try:
            document = json.loads(response.text)
        except ValueError:
            raise MalformedReplyError('%s: the reply is not valid JSON (HTTP %d, %d bytes). The device or a proxy '
                                      'cut or garbled it; run again, and if it persists capture the reply with curl.'
                                      % (where, status, len(response.content or b'')), status)
        if not isinstance(document, dict):
            raise MalformedReplyError('%s: the reply is JSON but not an object' % where, status)
        self.check_api_version(document)
        return document
