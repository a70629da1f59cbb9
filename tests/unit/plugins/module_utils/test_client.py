# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The API client against a scripted HTTP server on loopback: retries, errors, auth, redaction."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.meinberg.lantime.plugins.module_utils import client as api
from ansible_collections.meinberg.lantime.plugins.module_utils import connection

ENVELOPE = {'system-information': {'API Version': 'LANTIME REST API V16.03.004'}, 'data': {'object-id': 'status'}}


class Script:
    """Replies to give, in order: (status, body, headers); the last one repeats."""

    def __init__(self, *replies):
        self.replies = list(replies)
        self.seen = []


@pytest.fixture
def server():
    state = {'script': Script((200, ENVELOPE, {}))}

    class Handler(BaseHTTPRequestHandler):
        def _reply(self):
            script = state['script']
            length = int(self.headers.get('Content-Length') or 0)
            body = self.rfile.read(length) if length else b''
            script.seen.append((self.command, self.path, self.headers.get('Authorization'), body))
            status, payload, headers = script.replies.pop(0) if len(script.replies) > 1 else script.replies[0]
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = _reply

        def log_message(self, *args):  # pylint: disable=arguments-differ
            pass

    httpd = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state, 'http://127.0.0.1:%d' % httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def make_with_sleeps(url, **kwargs):
    """A client whose pauses are recorded instead of slept."""
    kwargs.setdefault('username', 'admin')
    kwargs.setdefault('password', 'S3cret-pw')
    sleeps = []
    return api.LantimeClient(url, sleep=sleeps.append, **kwargs), sleeps


def make(url, **kwargs):
    return make_with_sleeps(url, **kwargs)[0]


@pytest.mark.parametrize('host, url', [
    ('ims1', 'https://ims1'), ('ims1:8443', 'https://ims1:8443'), ('http://ims1/', 'http://ims1'),
    ('HTTPS://10.0.0.5:443', 'https://10.0.0.5:443'), (' ims1 ', 'https://ims1'),
])
def test_base_url(host, url):
    assert connection.base_url(host) == url


@pytest.mark.parametrize('host', ['', '   ', 'ftp://ims1', 'https://', 'https://:443', 'ims 1'])
def test_base_url_rejects(host):
    with pytest.raises(ValueError):
        connection.base_url(host)


def test_reads_retry_on_503_and_honour_retry_after(server):
    state, url = server
    state['script'] = Script((503, {'message': 'busy'}, {'Retry-After': '2'}), (502, b'', {}), (200, ENVELOPE, {}))
    client, sleeps = make_with_sleeps(url)
    assert client.get('/api/status')['data'] == {'object-id': 'status'}
    assert [c['status'] for c in client.api_calls] == [503, 502, 200]
    assert sleeps == [2.0, 1.0]
    retried = [w for w in client.warnings if 'retrying' in w]
    assert len(retried) == 2 and 'HTTP 503' in retried[0]


def test_reads_give_up_after_retries(server):
    state, url = server
    state['script'] = Script((503, {'message': 'busy'}, {}))
    client = make(url, retries=2)
    with pytest.raises(api.RejectedError, match=r'127.0.0.1:\d+: GET /api/status answered HTTP 503: {"message": "busy"}'):
        client.get('/api/status')
    assert len(client.api_calls) == 3


def test_writes_are_sent_once(server):
    state, url = server
    state['script'] = Script((503, {'message': 'busy'}, {}))
    client = make(url)
    with pytest.raises(api.RejectedError):
        client.write('/api/configuration/x', {'a': 1}, method='POST')
    assert [(c['method'], c['status']) for c in client.api_calls] == [('POST', 503)]
    assert json.loads(state['script'].seen[0][3]) == {'a': 1}


@pytest.mark.parametrize('status, body, method, error, text', [
    (401, {}, 'GET', api.AuthenticationError, 'username/password or token is not valid'),
    (403, b'REST API is disabled', 'GET', api.ApiDisabledError, 'Enable REST API'),
    (403, {'message': 'admin level needed'}, 'POST', api.PermissionDeniedError, 'admin-level user'),
    (403, b'REST API is disabled', 'POST', api.ApiDisabledError, 'Enable REST API'),
    (404, {}, 'GET', api.NotFoundError, 'check the slot id'),
    (400, {'message': 'bad enum'}, 'POST', api.RejectedError, 'answered HTTP 400: {"message": "bad enum"}'),
    (200, b'{"data": {"trunc', 'GET', api.MalformedReplyError, 'not valid JSON'),
    (200, b'[1, 2]', 'GET', api.MalformedReplyError, 'not an object'),
])
def test_errors_are_classified_and_name_the_host(server, status, body, method, error, text):
    state, url = server
    state['script'] = Script((status, body, {}))
    client = make(url)
    with pytest.raises(error) as caught:
        client.write('/api/p', {}, method='POST') if method == 'POST' else client.get('/api/p')
    assert str(caught.value).startswith('127.0.0.1:')
    assert text in str(caught.value)


def test_secrets_are_never_echoed(server):
    state, url = server
    state['script'] = Script((400, {'message': 'bad password S3cret-pw, token ABCDEF0123'}, {}))
    client = make(url, token='ABCDEF0123')
    with pytest.raises(api.RejectedError) as caught:
        client.write('/api/p', {}, method='POST')
    assert 'S3cret-pw' not in str(caught.value) and 'ABCDEF0123' not in str(caught.value)
    assert '********' in str(caught.value)


def test_connection_refused_is_a_transport_error():
    client, sleeps = make_with_sleeps('http://127.0.0.1:9', retries=1)
    with pytest.raises(api.TransportError, match='could not connect'):
        client.get('/api/status')
    assert [c['status'] for c in client.api_calls] == [None, None] and sleeps == [0.5]


def test_token_is_sent_as_bearer_and_renewed_once(server):
    state, url = server
    state['script'] = Script((401, {}, {}), (200, {'token': 'NEWTOKEN'}, {}), (200, ENVELOPE, {}))
    client = make(url, token='OLDTOKEN')
    client.get('/api/status')
    seen = state['script'].seen
    assert seen[0][2] == 'Bearer OLDTOKEN'
    assert seen[1][0] == 'PUT' and seen[1][1] == '/api/get-token' and seen[1][2].startswith('Basic ')
    assert seen[2][2] == 'Bearer NEWTOKEN'


def test_token_without_credentials_is_not_renewed(server):
    state, url = server
    state['script'] = Script((401, {}, {}))
    client = make(url, username=None, password=None, token='OLDTOKEN')
    with pytest.raises(api.AuthenticationError):
        client.get('/api/status')
    assert len(state['script'].seen) == 1


def test_old_api_version_warns_once(server):
    state, url = server
    state['script'] = Script((200, {'system-information': {'API Version': 'LANTIME REST API V8.01.002'}}, {}))
    client = make(url)
    client.get('/api/status')
    client.get('/api/status')
    versions = [w for w in client.warnings if 'REST API version' in w]
    assert len(versions) == 1 and 'API 10 and later' in versions[0]


def test_user_agent_names_the_collection(server):
    state, url = server
    client = make(url)
    assert client.session.headers['User-Agent'].startswith('meinberg.lantime/%s' % api.COLLECTION_VERSION)


def test_version_matches_galaxy_yml():
    import os
    galaxy = os.path.join(os.path.dirname(api.__file__), '..', '..', 'galaxy.yml')
    with open(galaxy) as handle:
        assert 'version: %s\n' % api.COLLECTION_VERSION in handle.read()


def test_the_watchdog_thread_leaves_stop_signals_to_the_thread_that_waits():
    """SIGINT and SIGTERM must reach the thread blocked on the socket (Ctrl-C ends the request at once), never the
    watchdog's timer thread; the caller's own signal mask is left as it was."""
    seen = []
    fired = threading.Event()

    class Probe(api._Watchdog):  # pylint: disable=protected-access
        def _fire(self):
            seen.append(signal.pthread_sigmask(signal.SIG_BLOCK, []))
            fired.set()
            super()._fire()

    before = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    with Probe(0.001):
        assert fired.wait(30)
    assert signal.SIGINT in seen[0] and signal.SIGTERM in seen[0]
    assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == before
