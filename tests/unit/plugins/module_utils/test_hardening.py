# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""What holds against odd and hostile devices, without Ansible: bounds, redaction, typed facts, the write verdict."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import socket
import threading
import time
from urllib.parse import quote, quote_plus

import pytest

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map
from ansible_collections.meinberg.lantime.plugins.module_utils import client as api
from ansible_collections.meinberg.lantime.plugins.module_utils import facts
from ansible_collections.meinberg.lantime.plugins.module_utils import connection
from ansible_collections.meinberg.lantime.plugins.module_utils import rsc_card
from ansible_collections.meinberg.lantime.plugins.module_utils import rules
from ansible_collections.meinberg.lantime.plugins.module_utils.errors import LantimeError, ReplyShapeError

PASSWORD = 'pä ss/w:rd%&'
TOKEN = 'ABCDEF0123456789'


# -- a raw loopback server that answers one scripted way -------------------------------------------------------------
class RawServer:
    """Accepts connections and runs answer(sock) for each one, in a thread."""

    def __init__(self, answer):
        self.listener = socket.create_server(('127.0.0.1', 0))
        self.listener.settimeout(0.2)
        self.url = 'http://127.0.0.1:%d' % self.listener.getsockname()[1]
        self.answer = answer
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self):
        while not self.stopped.is_set():
            try:
                sock, _address = self.listener.accept()
            except socket.timeout:
                continue
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock):
        try:
            sock.recv(65536)
            self.answer(sock, self.stopped)
        except OSError:
            pass
        finally:
            sock.close()

    def close(self):
        self.stopped.set()
        self.thread.join(2)
        self.listener.close()


@pytest.fixture
def raw_server():
    servers = []

    def start(answer):
        servers.append(RawServer(answer))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def drip(sock, stopped):
    for byte in b'HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n' + b' ' * 100000:
        if stopped.wait(0.05):
            return
        sock.sendall(bytes([byte]))


def endless_body(sock, stopped):
    sock.sendall(b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n')
    chunk = b'%x\r\n%s\r\n' % (65536, b' ' * 65536)
    while not stopped.is_set():
        sock.sendall(chunk)


def reply(body, status=b'200 OK', headers=b''):
    def answer(sock, _stopped):
        sock.sendall(b'HTTP/1.1 ' + status + b'\r\nContent-Length: %d\r\nConnection: close\r\n' % len(body) + headers +
                     b'\r\n' + body)
    return answer


def client(url, **kwargs):
    kwargs.setdefault('username', 'admin')
    kwargs.setdefault('password', PASSWORD)
    kwargs.setdefault('retries', 0)
    sleeps = []
    return api.LantimeClient(url, sleep=sleeps.append, **kwargs), sleeps


# -- 1. time and size ------------------------------------------------------------------------------------------------
def test_a_dripping_reply_ends_at_the_total_deadline(raw_server):
    server = raw_server(drip)
    device = client(server.url, timeout=1)[0]
    started = time.monotonic()
    with pytest.raises(api.TransportError) as exc:
        device.get('/api/status')
    assert 'no complete reply within 1 seconds' in str(exc.value)
    # each byte comes well within the socket timeout: only the total deadline can have ended it
    assert time.monotonic() - started < 30


def silent(_sock, stopped):
    stopped.wait()


def stalled_body(sock, stopped):
    sock.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{')
    stopped.wait()


@pytest.mark.parametrize('answer', [silent, stalled_body])
def test_a_socket_timeout_says_what_the_total_deadline_says(raw_server, monkeypatch, answer):
    """The socket's own timeout is the budget too; when it ends the request before the watchdog, the message is the same.

    The watchdog is made late here, so that the socket timeout comes first every time (on a busy machine it may).
    """
    class LateWatchdog(api._Watchdog):  # pylint: disable=protected-access
        def __init__(self, seconds):
            super(LateWatchdog, self).__init__(seconds + 60)

    monkeypatch.setattr(api, '_Watchdog', LateWatchdog)
    device = client(raw_server(answer).url, timeout=1, retries=1)[0]
    with pytest.raises(api.TransportError) as exc:
        device.get('/api/status')
    assert 'no complete reply within 1 seconds' in str(exc.value), str(exc.value)
    assert '%s: GET /api/status answered no reply in time; retrying in 0.5 s' % device.host in device.warnings


def test_an_endless_body_ends_at_the_size_bound(raw_server):
    server = raw_server(endless_body)
    with pytest.raises(api.TransportError) as exc:
        client(server.url, timeout=30)[0].get('/api/status')
    assert 'larger than 16 MiB' in str(exc.value)


def test_a_declared_huge_body_is_refused_before_reading(raw_server):
    server = raw_server(reply(b'{}'))
    assert client(server.url)[0].get('/api/status') == {}
    big = raw_server(lambda sock, _s: sock.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n{'))
    with pytest.raises(api.TransportError) as exc:
        client(big.url)[0].get('/api/status')
    assert 'larger than 16 MiB' in str(exc.value)


@pytest.mark.parametrize('retry_after', [b'nan', b'inf', b'-5', b'Wed, 21 Oct 2015 07:28:00 GMT', b'99999'])
def test_retry_after_is_bounded(raw_server, retry_after):
    server = raw_server(reply(b'{"message": "busy"}', b'503 Busy', b'Retry-After: ' + retry_after + b'\r\n'))
    device, sleeps = client(server.url, retries=2)
    with pytest.raises(api.RejectedError):
        device.get('/api/status')
    assert len(sleeps) == 2 and all(0 <= pause <= api.MAX_RETRY_AFTER for pause in sleeps), sleeps


def test_deep_nesting_and_nan_are_reply_problems_not_crashes(raw_server):
    server = raw_server(reply(b'[' * 100000 + b']' * 100000))
    with pytest.raises(api.MalformedReplyError) as exc:
        client(server.url)[0].get('/api/status')
    assert 'nests JSON too deeply' in str(exc.value)
    server = raw_server(reply(b'{"a": NaN, "b": Infinity}'))
    assert client(server.url)[0].get('/api/status') == {'a': None, 'b': None}


def test_a_caller_deadline_bounds_retries_and_pauses(raw_server):
    server = raw_server(reply(b'{}', b'503 Busy', b'Retry-After: 20\r\n'))
    device, sleeps = client(server.url, retries=5)
    with pytest.raises(api.RejectedError):
        device.get('/api/status', deadline=time.monotonic() + 5)
    assert sleeps == []  # a 20 s pause does not fit in the 5 s left: no retry


# -- 2. secrets ------------------------------------------------------------------------------------------------------
def test_every_form_of_the_credentials_is_redacted():
    device = client('http://127.0.0.1:9', token=TOKEN)[0]
    basic = base64.b64encode(('admin:' + PASSWORD).encode('utf-8')).decode()
    forms = [basic, TOKEN, PASSWORD, quote(PASSWORD, safe=''), quote_plus(PASSWORD)]
    text = ' | '.join(['Authorization: Basic ' + basic, 'Bearer ' + TOKEN] + forms[2:] +
                      ['https://admin:x@ims1/', 'proxy-authorization=Basic Zm9vOmJhcg=='])
    redacted = device.redact(text)
    for secret in forms + ['admin:x', 'Zm9vOmJhcg']:
        assert secret not in redacted, secret
    assert redacted.count('********') >= 7


def test_credentials_go_as_utf8_basic_auth_and_plain_http_warns(raw_server):
    server = raw_server(reply(b'{}'))
    device = client(server.url)[0]
    assert device._headers(basic=False)['Authorization'] == 'Basic ' + base64.b64encode(
        ('admin:' + PASSWORD).encode('utf-8')).decode()
    assert device.get('/api/status') == {}
    assert any('plain HTTP' in warning for warning in device.warnings)
    assert not any('plain HTTP' in w for w in api.LantimeClient('https://ims1', token=TOKEN).warnings)


@pytest.mark.parametrize('settings, text', [
    ({'host': 'https://admin:%s@ims1' % PASSWORD}, 'the address holds user information'),
    ({'host': 'admin:%s@ims1:443' % PASSWORD}, 'the address holds user information'),
    ({'timeout': True}, 'timeout: must be a number of seconds from 1 to 3600, got True'),
    ({'timeout': 10 ** 20}, 'timeout: must be a number of seconds'),
    ({'retries': 10 ** 9}, 'retries: must be a whole number from 0 to 10'),
    ({'retries': 1.5}, 'retries: must be a whole number'),
    ({'token': 'tökén'}, 'token: must be the token text'),
    ({'token': 'AB CD'}, 'token: must be the token text'),
    ({'username': 'a:b'}, 'username: must not contain ":"'),
    ({'password': 'line\nbreak'}, 'password: must be text without control characters'),
    ({'ca_path': '/nonexistent/ca.pem'}, 'ca_path: /nonexistent/ca.pem does not exist'),
])
def test_connection_problems_are_found_before_any_request_and_echo_no_secret(settings, text):
    values = dict({'host': 'ims1', 'username': 'admin', 'password': 'x'}, **settings)
    problems = connection.connection_problems(**values)
    assert len(problems) == 1 and text in problems[0], problems
    assert PASSWORD not in problems[0] and 'line\nbreak' not in problems[0]
    with pytest.raises(api.ConfigurationError):
        api.LantimeClient(**values)


# -- 3, 5, 6. typed facts, unknown state, slot ids ---------------------------------------------------------------------
def rsc_slot(block, slot_id='rsc'):
    return {'slot-id': slot_id, 'object-id': slot_id, 'slot-type': 'rsc',
            'module': {'info': {'model': 'rsc180'}, 'rsc': block}}


GOOD = {'switch-mode': 'auto', 'selected-clock': 'clk1', 'front-panel': {'mode-switch': 'auto', 'clock-switch': 'clk1'},
        'outputs-enabled': True, 'clocks': [{'object-id': 'clk1', 'time-sync': True},
                                            {'object-id': 'clk2', 'time-sync': True}]}


@pytest.mark.parametrize('value, as_flag, as_mode, as_count', [
    (True, True, None, None), (1, True, None, 1), (0, False, None, 0), (2, None, None, 2), (None, None, None, None),
    ('true', True, None, None), ('AUTO', None, 'auto', None), (float('nan'), None, None, None), ([1], None, None, None),
    (-1, None, None, None), ('manual ', None, 'manual', None),
])
def test_values_are_type_checked(value, as_flag, as_mode, as_count):
    assert facts.flag(value) is as_flag
    assert facts.choice(value, api_map.SWITCH_MODES) == as_mode
    assert facts.count(value) == as_count


def test_wrong_types_in_the_rsc_block_are_unknown_and_alarmed():
    block = dict(GOOD, **{'switch-mode': 1, 'front-panel': 'auto', 'clocks': 7, 'switchover-count': 'many'})
    rsc = rules.assess(facts.card_facts(rsc_slot(block), None))
    assert rsc['switch_mode'] is None and rsc['front_panel'] == {'mode_switch': None, 'clock_switch': None}
    assert rsc['clocks']['clk1']['time_sync'] is None and rsc['switchover_count'] is None
    assert rsc['failover_ready'] is False
    assert rules.unknown_safety_state(rsc) == ['switch mode', 'front-panel mode switch', 'clk1 sync state',
                                               'clk2 sync state']
    assert 'clk1 sync state unknown' in rsc['alarms']


def test_unknown_safety_state_refuses_unless_forced():
    rsc = rules.assess(facts.card_facts(rsc_slot({}), None))
    with pytest.raises(rules.Refusal) as exc:
        rules.plan_change(rsc, switch_mode='manual', selected_clock='clk1')
    assert 'did not report its switch mode, selected clock, front-panel mode switch' in str(exc.value)
    changes, _predicted, warnings = rules.plan_change(rsc, switch_mode='manual', selected_clock='clk1', force=True)
    assert changes == {'switch_mode': 'manual', 'selected_clock': 'clk1'}
    assert any('writing anyway because force=true' in w for w in warnings)


@pytest.mark.parametrize('slot_id', ['rsc/../../x', '../rsc', 'rsc%2F..', 'rsc?x=1', 'r sc', '', '.', 'a' * 64, 7])
def test_only_plain_slot_ids_reach_a_path(slot_id):
    assert not api_map.is_plain_slot_id(slot_id)
    with pytest.raises(ValueError):
        api_map.rsc_config_path(slot_id)
    with pytest.raises(ValueError):
        api_map.slot_status_path(slot_id)


def test_a_device_supplied_slot_id_is_refused_for_requests():
    with pytest.raises(ReplyShapeError) as exc:
        facts.find_rsc([rsc_slot(GOOD, 'rsc/../../x')])
    assert 'is not a plain slot id' in str(exc.value) and 'not used in any request' in str(exc.value)
    with pytest.raises(ReplyShapeError) as exc:
        facts.chassis_facts({'data': {'chassis0': {'slots': [{'slot-id': 'clk1'}, {'slot-id': ['x']}]}}})
    assert str(exc.value).startswith('data.chassis0.slots[1]: a slot has slot-id')
    assert isinstance(exc.value, LantimeError)


# -- 4. the write verdict, with an injected clock ---------------------------------------------------------------------
class FakeClock:
    def __init__(self):
        self.now = 100.0

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class FakeClient:
    """write() raises or returns; get() answers from a list of replies (a dict, or an exception to raise)."""

    def __init__(self, clock, write_error=None, reads=(), chassis=None):
        self.clock = clock
        self.write_error = write_error
        self.reads = list(reads)
        self.chassis = chassis
        self.writes = []
        self.gets = []

    def write(self, path, body, method, reply=None):
        self.writes.append((path, body))
        if self.write_error:
            raise self.write_error

    def get(self, path, deadline=None):
        self.gets.append(path)
        assert deadline is not None and self.clock.now <= deadline  # every read is bounded by the wait
        self.clock.now += 0.05
        if path == api_map.CHASSIS_STATUS_PATH:
            return self.chassis
        reply = self.reads.pop(0) if len(self.reads) > 1 else self.reads[0]
        if isinstance(reply, Exception):
            raise reply
        return reply


def slot_reply(selected):
    return {'data': rsc_slot(dict(GOOD, **{'selected-clock': selected}))}


def apply(fake, clock, wait=5):
    return rsc_card.apply_change(fake, 'rsc', api_map.rsc_write('rsc', selected_clock='clk2'),
                                 {'switch_mode': None, 'selected_clock': 'clk2'},
                                 {'switch_mode': 'auto', 'selected_clock': 'clk1'}, {}, wait,
                                 monotonic=clock.monotonic, sleep=clock.sleep)


def test_an_applied_write_answered_401_is_a_change():
    clock = FakeClock()
    fake = FakeClient(clock, api.AuthenticationError('refused', 401), [slot_reply('clk2')])
    outcome = apply(fake, clock)
    assert outcome['shown'] and outcome['changed'] and outcome['write_status'] == 401 and len(fake.writes) == 1


def test_a_refused_write_is_watched_briefly_and_reported_unchanged():
    clock = FakeClock()
    fake = FakeClient(clock, api.RejectedError('bad value', 400), [slot_reply('clk1')])
    outcome = apply(fake, clock, wait=30)
    assert not outcome['shown'] and outcome['changed'] is False and outcome['write_refused']
    assert clock.now - 100.0 <= rsc_card.REFUSED_WRITE_SETTLE + 0.5


def test_an_accepted_write_the_card_does_not_follow_is_polled_until_wait_timeout():
    clock = FakeClock()
    fake = FakeClient(clock, None, [api.TransportError('lost'), slot_reply('clk1')])
    outcome = apply(fake, clock, wait=3)
    assert not outcome['shown'] and outcome['changed'] is True  # the device accepted a write
    assert 2.5 <= clock.now - 100.0 <= 3.1 and len(fake.gets) <= 3 / rsc_card.POLL_INTERVAL + 1


def test_a_poll_without_the_slot_falls_back_to_the_chassis_read():
    clock = FakeClock()
    chassis = {'data': {'chassis0': {'slots': [rsc_slot(dict(GOOD, **{'selected-clock': 'clk2'}))]}}}
    fake = FakeClient(clock, api.TransportError('no reply'), [{'data': {}}], chassis=chassis)
    outcome = apply(fake, clock)
    assert outcome['shown'] and fake.gets == [api_map.slot_status_path('rsc'), api_map.CHASSIS_STATUS_PATH]


def test_nothing_readable_means_the_change_is_unknown():
    clock = FakeClock()
    fake = FakeClient(clock, api.TransportError('no reply'), [api.TransportError('down')])
    outcome = apply(fake, clock, wait=2)
    assert outcome['seen'] is None and outcome['changed'] is True and 'down' in outcome['read_error']
