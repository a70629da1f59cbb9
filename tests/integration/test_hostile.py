# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The modules, the inventory plugin and the playbooks against a hostile device (tests/hostile) through the real CLIs.

Each test names the class of misbehaviour it covers: time and memory bounds, secrets in echoed text, replies of an
odd shape, writes that the device applies but misreports, safety state that is unknown, a device that tries to steer
the write, TLS errors, variables given with -e, and duplicate chassis.
"""

import base64
import contextlib
import json
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from ansible_run import base_env, play, run_playbook, task
from conftest import REPO_ROOT
from hostile_device import HostileDevice, nested
from test_inventory import ansible_inventory

ADMIN = {'username': 'admin', 'password': 'Adm1n-Secret'}
# What no output may ever hold: the password and every form it travels in.
ODD_PASSWORD = 'pä ss/w:rd%&=é'
ODD_TOKEN = 'ABCDEF0123456789'
BASIC = base64.b64encode(('admin:' + ODD_PASSWORD).encode('utf-8')).decode()


@contextlib.contextmanager
def devices(*specs):
    """Start hostile devices, one per (mode, options) pair; stop them all afterwards."""
    started = []
    try:
        for mode, options in specs:
            started.append(HostileDevice(mode=mode, max_duration=30.0, **options).start())
        yield started
    finally:
        for device in started:
            device.stop()


def info_task(name, device_url, **options):
    return task(name, 'meinberg.lantime.rsc_info', ignore_errors=True, host=device_url, **dict(ADMIN, **options))


def rsc_task(name, device_url, **options):
    return task(name, 'meinberg.lantime.rsc', ignore_errors=True, host=device_url, **dict(ADMIN, **options))


def assert_no_crash(run):
    """Failures are messages, never a traceback or Ansible's 'module failure'."""
    for marker in ('Traceback', 'MODULE FAILURE', 'Unexpected Exception', 'unexpected error while handling'):
        assert marker not in run.output, run.output


def api_writes(device):
    return [r for r in device.requests if r['method'] in ('POST', 'PUT', 'PATCH') and '/configuration' in r['path']]


# -- 1. time and memory ----------------------------------------------------------------------------------------------
def test_slow_endless_and_huge_replies_end_within_the_deadline_and_size_bound(tmp_path):
    specs = [('drip', {'drip_interval': 0.5}), ('endless_headers', {}), ('endless_body', {}), ('huge', {}),
             ('gzip_bomb', {})]
    with devices(*specs) as hostile:
        tasks = [info_task(mode, device.url, timeout=3, retries=0) for (mode, dummy), device in zip(specs, hostile)]
        run = run_playbook(tmp_path, play(*tasks))
    assert_no_crash(run)
    late, large = 'no complete reply within 3 seconds', 'the reply is larger than 16 MiB'
    expected = {'drip': (late,), 'endless_headers': ('the reply breaks the HTTP rules', late),
                'endless_body': (late, large), 'huge': (large,), 'gzip_bomb': (large,)}
    for mode, texts in expected.items():
        out = run.result(mode)
        assert out['failed'] and out['msg'].startswith('127.0.0.1:'), (mode, out)
        assert any(text in out['msg'] for text in texts), (mode, out['msg'])


def test_one_hanging_chassis_does_not_stop_the_inventory(tmp_path):
    with devices(('ok', {}), ('drip', {'drip_interval': 0.5}), ('endless_body', {})) as (good, drip, endless):
        run = ansible_inventory(tmp_path, {'chassis': [{'name': 'good', 'host': good.url},
                                                       {'name': 'drip', 'host': drip.url},
                                                       {'name': 'endless', 'host': endless.url}],
                                           'timeout': 2, 'retries': 0, **ADMIN})
    assert run.hosts() == ['good_clk1', 'good_clk2', 'good_io1', 'good_rsc']
    left_out = [w for w in run.warnings if w.endswith('its slots are left out')]
    assert len(left_out) == 2, run.warnings
    assert any(w.startswith('meinberg.lantime.ims: drip') and 'no complete reply within 2 seconds' in w for w in left_out)
    assert any(w.startswith('meinberg.lantime.ims: endless') for w in left_out)


def test_retries_and_retry_after_are_bounded(tmp_path):
    with devices(('status', {'status': 503, 'headers': [('Retry-After', 'nan')]})) as (busy,):
        run = run_playbook(tmp_path, play(info_task('busy', busy.url, retries=2),
                                          info_task('endless', busy.url, retries=1000000000)))
        sent = len(busy.requests)
    assert_no_crash(run)
    out = run.result('busy')
    assert out['failed'] and 'answered HTTP 503' in out['msg']
    assert [c['status'] for c in out['api_calls']] == [503, 503, 503] and sent == 3
    # NaN is no pause: the growing backoff is used instead.
    assert 'retrying in 0.5 s' in run.output and 'retrying in 1.0 s' in run.output
    assert 'retries: must be a whole number from 0 to 10' in run.result('endless')['msg']


# -- 2. secrets ------------------------------------------------------------------------------------------------------
def assert_no_secret(text):
    for secret in (ODD_PASSWORD, BASIC, quote(ODD_PASSWORD, safe=''), ODD_TOKEN):
        assert secret not in text, secret


def test_a_device_that_echoes_the_request_headers_leaks_no_credential(tmp_path):
    with devices(('echo', {'status': 500})) as (echo,):
        run = run_playbook(tmp_path, play(
            task('basic', 'meinberg.lantime.rsc_info', ignore_errors=True, host=echo.url, username='admin',
                 password=ODD_PASSWORD, retries=0),
            task('bearer', 'meinberg.lantime.rsc_info', ignore_errors=True, host=echo.url, token=ODD_TOKEN,
                 retries=0)), '-vvvv')
        inventory = ansible_inventory(tmp_path, {'chassis': [echo.url], 'retries': 0, 'username': 'admin',
                                                 'password': ODD_PASSWORD}, '--list', '-vvvv')
        # The device did receive them: the test would see a leak.
        assert any(BASIC in r['headers'].get('Authorization', '') for r in echo.requests)
    assert_no_crash(run)
    assert 'Authorization: Basic ********' in run.result('basic')['msg']
    assert 'Authorization: Bearer ********' in run.result('bearer')['msg']
    assert_no_secret(run.output)
    assert_no_secret(inventory.stdout + inventory.stderr)
    assert 'Authorization: Basic ********' in inventory.stderr


def test_credentials_in_the_address_are_refused_without_being_echoed(tmp_path):
    with devices(('ok', {})) as (good,):
        address = 'http://admin:%s@127.0.0.1:%d' % (quote(ODD_PASSWORD, safe=''), good.port)
        run = run_playbook(tmp_path, play(
            task('userinfo', 'meinberg.lantime.rsc_info', ignore_errors=True, host=address, token=ODD_TOKEN)), '-vvvv')
        assert good.requests == []
    out = run.result('userinfo')
    assert out['failed'] and 'the address holds user information' in out['msg']
    assert_no_secret(run.output)


def test_a_password_in_the_inventory_address_reaches_no_report(tmp_path):
    with devices(('ok', {})) as (good,):
        address = 'http://admin:%s@127.0.0.1:%d' % (ODD_PASSWORD, good.port)
        inventory = tmp_path / 'hosts.yml'
        inventory.write_text(json.dumps({'lantime_rsc': {'hosts': {'ims_rsc': {
            'lantime_host': address, 'lantime_slot_id': 'rsc', 'lantime_chassis': 'ims'}}, 'vars': {
            'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}}}), encoding='utf-8')
        json_path, csv_path = tmp_path / 'rsc.json', tmp_path / 'rsc.csv'
        run = run_playbook(tmp_path, REPO_ROOT / 'playbooks' / 'rsc_facts.yml', '-vvvv', '-e',
                           'rsc_facts_json=%s' % json_path, '-e', 'rsc_facts_csv=%s' % csv_path,
                           inventory=str(inventory), env={'LANTIME_TOKEN': ODD_TOKEN})
        assert good.requests == []
    assert run.rc != 0  # the card could not be read: the address was refused
    record = json.loads(json_path.read_text(encoding='utf-8'))[0]
    assert record['status'] == 'unreadable' and 'the address holds user information' in record['error']
    assert record['address'] == 'http://127.0.0.1:%d' % good.port
    for text in (run.output, json_path.read_text(encoding='utf-8'), csv_path.read_text(encoding='utf-8')):
        assert_no_secret(text)
        assert 'pä ss' not in text


# -- 3. replies of an odd shape, and odd options -------------------------------------------------------------------------
def _rsc_block(doc):
    for slot in doc['data']['chassis0']['slots']:
        if slot['slot-id'] == 'rsc':
            return slot['module']['rsc']
    raise AssertionError('no rsc slot')


def _set_io1(key, value):
    def mutate(doc):
        for slot in doc['data']['chassis0']['slots']:
            if slot['slot-id'] == 'io1':
                slot[key] = value
        return doc
    return mutate


def _rsc_values(**values):
    def mutate(doc):
        _rsc_block(doc).update(values)
        return doc
    return mutate


def _system_information_list(doc):
    doc['system-information'] = [doc['system-information']]
    return doc


ODD_SHAPES = {
    'sysinfo_list': _system_information_list,
    'clocks_number': _rsc_values(clocks=7),
    'wrong_types': _rsc_values(**{'switch-mode': 1, 'outputs-enabled': float('nan'), 'switchover-count': 'many'}),
    'slot_id_number': _set_io1('slot-id', 5),
    'nested': lambda doc: nested(100000),
}


def test_odd_replies_become_facts_or_clear_failures(tmp_path):
    with devices(*[('mutate', {'mutate': ODD_SHAPES[name]}) for name in ODD_SHAPES]) as hostile:
        run = run_playbook(tmp_path, play(*[info_task(name, device.url) for name, device in zip(ODD_SHAPES, hostile)]))
    assert_no_crash(run)
    out = run.result('sysinfo_list')
    assert not out['failed'] and out['device']['hostname'] is None and out['rsc']['switch_mode'] == 'auto'
    out = run.result('clocks_number')
    assert not out['failed'] and out['rsc']['clocks']['clk1']['time_sync'] is None
    assert 'clk1 sync state unknown' in out['rsc']['alarms'] and out['rsc']['failover_ready'] is False
    out = run.result('wrong_types')
    assert not out['failed'] and out['rsc']['switch_mode'] is None and out['rsc']['outputs_enabled'] is None
    assert out['rsc']['switchover_count'] is None
    assert 'switch mode unknown (the card did not report it usably)' in out['rsc']['alarms']
    out = run.result('slot_id_number')
    assert out['failed'] and out['msg'].startswith('127.0.0.1:')
    assert 'data.chassis0.slots[3]: a slot has slot-id 5 (int), where the API gives text' in out['msg']
    out = run.result('nested')
    assert out['failed'] and 'nests JSON too deeply' in out['msg']


@pytest.mark.parametrize('options, text', [
    ({'timeout': True}, 'timeout'),
    ({'timeout': 10 ** 20}, 'timeout: must be a number of seconds from 1 to 3600'),
    ({'ca_path': '/nonexistent/ca.pem'}, 'ca_path: /nonexistent/ca.pem does not exist'),
    ({'token': 'tökén', 'username': None, 'password': None}, 'token: must be the token text the device issued'),
    ({'slot': 'rsc/../x'}, 'slot: give a slot id such as rsc or clk1'),
])
def test_bad_options_fail_before_any_request(tmp_path, options, text):
    with devices(('ok', {})) as (good,):
        params = dict(ADMIN, host=good.url.replace('http://', 'https://'), **options)
        params = dict((k, v) for k, v in params.items() if v is not None)
        run = run_playbook(tmp_path, play(task('bad', 'meinberg.lantime.rsc_info', ignore_errors=True, **params)))
        assert good.requests == []
    assert_no_crash(run)
    out = run.result('bad')
    assert out['failed'] and text in out['msg']


def test_utf8_credentials_work(tmp_path):
    with devices(('ok', {'auth': ('admin', ODD_PASSWORD)})) as (good,):
        run = run_playbook(tmp_path, play(task('read', 'meinberg.lantime.rsc_info', host=good.url, username='admin',
                                               password=ODD_PASSWORD)))
    assert run.rc == 0, run.output
    assert run.result('read')['rsc']['switch_mode'] == 'auto'


def test_inventory_isolates_a_chassis_with_an_odd_slot(tmp_path):
    with devices(('ok', {}), ('mutate', {'mutate': _set_io1('slot-type', 3)})) as (good, odd):
        run = ansible_inventory(tmp_path, {'chassis': [{'name': 'good', 'host': good.url},
                                                       {'name': 'odd', 'host': odd.url}], **ADMIN})
    assert run.hosts() == ['good_clk1', 'good_clk2', 'good_io1', 'good_rsc']
    assert any(w.startswith('meinberg.lantime.ims: odd (') and 'slot-type 3 (int)' in w for w in run.warnings), \
        run.warnings


# -- 4. writes the device applies but misreports ---------------------------------------------------------------------------
@pytest.mark.parametrize('reply', [
    {'write_status': 400}, {'write_status': 401}, {'write_status': 302}, {'write_status': 500},
    {'write_status': None, 'write_drop': True}, {'write_status': 200, 'poll_without_slot': True},
])
def test_only_the_read_back_decides_after_a_write(tmp_path, reply):
    with devices(('write_reply', reply)) as (device,):
        run = run_playbook(tmp_path, play(rsc_task('switch', device.url, token=ODD_TOKEN, selected_clock='clk2')))
        writes = api_writes(device)
        state = device.state
    assert_no_crash(run)
    out = run.result('switch')
    assert state['selected-clock'] == 'clk2'
    assert not out['failed'] and out['changed'] is True, out
    assert out['after']['selected_clock'] == 'clk2'
    assert len(writes) == 1  # never twice, not even after a 401 with a token and credentials
    if reply.get('write_status') != 200:
        assert 'the write got no proper reply' in run.output and 'but the card shows the asked state' in run.output


def test_a_refused_write_that_changed_nothing_is_reported_unchanged(tmp_path):
    # The device refuses every write: its state never changes, so neither does the verdict.
    with devices(('status', {'status': 400, 'paths': ['/api/configuration/']})) as (device,):
        run = run_playbook(tmp_path, play(rsc_task('switch', device.url, selected_clock='clk2')))
    out = run.result('switch')
    assert out['failed'] and out['changed'] is False
    assert 'the device refused the write' in out['msg'] and 'nothing was changed' in out['msg']


# An Allow header the device fills with anything: only the known method names below its first 512 characters come out.
GARBAGE_ALLOW = ('PUT<script>alert(1)</script>, DROP TABLE, Adm1n-Secret, ' + 'x' * 600 + ', POST, \x7f, ' + 'Z' * 4000)


def test_a_refusal_with_a_garbage_allow_header_names_only_known_methods(tmp_path):
    with devices(('status', {'status': 405, 'paths': ['/api/configuration/'],
                             'headers': [('Allow', GARBAGE_ALLOW)]})) as (device,):
        run = run_playbook(tmp_path, play(rsc_task('switch', device.url, selected_clock='clk2', write_style='put')))
        writes = api_writes(device)
    assert_no_crash(run)
    out = run.result('switch')
    assert out['failed'] and out['changed'] is False and len(writes) == 1
    msg = out['msg']
    # "PUT<script>..." is no method name and POST lies beyond the first 512 characters: nothing known is allowed
    assert 'its Allow header names no known method' in msg and 'try write_style post' in msg, msg
    for text in ('script', 'DROP', 'xxxx', 'ZZZZ', 'Adm1n-Secret'):
        assert text not in msg and text not in run.output, text


def test_wait_timeout_bounds_the_wait_for_a_slow_card(tmp_path):
    with devices(('slow_settle', {'settle': 20.0})) as (device,):
        run = run_playbook(tmp_path, play(rsc_task('switch', device.url, selected_clock='clk2', wait_timeout=2)))
    out = run.result('switch')
    assert out['failed'] and out['changed'] is True
    assert 'within 2 s the card did not show the asked state selected_clock=clk2' in out['msg']


# -- 5. unknown safety state -------------------------------------------------------------------------------------------
@pytest.mark.parametrize('name, mutate, unknown', [
    ('panel_string', _rsc_values(**{'front-panel': 'auto'}), 'front-panel mode switch'),
    ('empty_block', lambda doc: (_rsc_block(doc).clear(), doc)[1], 'switch mode, selected clock'),
])
def test_unknown_safety_state_refuses_and_force_overrides(tmp_path, name, mutate, unknown):
    with devices(('mutate', {'mutate': mutate}), ('mutate', {'mutate': mutate})) as (plain, forced):
        run = run_playbook(tmp_path, play(rsc_task('plain', plain.url, switch_mode='manual', selected_clock='clk1'),
                                          rsc_task('forced', forced.url, switch_mode='manual', selected_clock='clk1',
                                                   force=True, wait_timeout=2)))
        assert api_writes(plain) == [] and len(api_writes(forced)) == 1, name
    out = run.result('plain')
    assert out['failed'] and out['changed'] is False
    assert 'refused, nothing was changed: the card did not report its %s' % unknown in out['msg']
    assert 'writing anyway because force=true' in run.output


# -- 6. the device cannot steer the write ------------------------------------------------------------------------------
def test_a_slot_id_from_the_device_never_becomes_a_path(tmp_path):
    def steer(doc):
        for slot in doc['data']['chassis0']['slots']:
            if slot['slot-id'] == 'rsc':
                slot['slot-id'] = slot['object-id'] = 'rsc/../../../configuration/elsewhere'
        return doc

    with devices(('mutate', {'mutate': steer})) as (device,):
        run = run_playbook(tmp_path, play(rsc_task('switch', device.url, selected_clock='clk2')))
        paths = [r['path'] for r in device.requests]
    out = run.result('switch')
    assert out['failed'] and 'is not a plain slot id' in out['msg'] and 'it is not used in any request' in out['msg']
    assert paths == ['/api/status/chassis0']


# -- 7. TLS and plain HTTP -------------------------------------------------------------------------------------------
def test_tls_errors_are_told_apart_and_plain_http_warns(tmp_path):
    with devices(('plain_for_tls', {})) as (device,):
        run = run_playbook(tmp_path, play(info_task('tls', device.https_url, retries=0),
                                          info_task('plain', device.url)))
    out = run.result('tls')
    assert out['failed'] and 'the port answered, but not with TLS' in out['msg']
    assert 'validate_certs' not in out['msg']
    assert not run.result('plain')['failed']
    assert 'the credentials go over plain HTTP' in run.output


# -- 8. variables given with -e, as the docs write them ------------------------------------------------------------------
def documented_commands(page, section):
    """The shell commands of the first code block under a heading of a docs page, continuation lines joined."""
    text = (REPO_ROOT / 'docs' / page).read_text(encoding='utf-8').split('## ' + section, 1)[1]
    block = text.split('```sh\n', 1)[1].split('```', 1)[0]
    return [shlex.split(line) for line in block.replace('\\\n', ' ').splitlines() if line.strip()]


def test_the_documented_maintenance_commands_run_as_written(tmp_path, simulator_factory):
    """-e values are strings: the role must take "false" as false (ansible-core 2.19+ refuses a string in when:)."""
    sim = simulator_factory('--no-tls', '--user', 'admin:Adm1n-Secret:admin', '--devices', '5', '--settle-ms', '50')
    (tmp_path / 'inventory').mkdir()
    (tmp_path / 'inventory' / 'lantime.ims.yml').write_text(json.dumps({
        'plugin': 'meinberg.lantime.ims',
        'chassis': [{'name': 'ims%d' % (i + 1), 'host': sim.url(i)} for i in range(5)]}), encoding='utf-8')
    env = base_env(tmp_path, {'LANTIME_USERNAME': 'admin', 'LANTIME_PASSWORD': 'Adm1n-Secret'})
    pin = documented_commands('fleet-rollout.md', 'Maintenance on one chassis')[0]
    assert pin[0] == 'ansible-playbook' and 'rsc_require_failover_ready=false' in pin
    sim.set_clock('clk1', False, device=3)  # ims4's clock under repair: failover is not ready
    completed = subprocess.run([str(Path(sys.executable).parent / 'ansible-playbook')] + pin[1:], cwd=str(tmp_path),
                               env=env, capture_output=True, text=True, check=False, timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    rsc = sim.state(3)['rsc']['effective']
    assert (rsc['switch-mode'], rsc['selected-clock']) == ('manual', 'clk2')
    assert [sim.state(i)['rsc']['effective']['switch-mode'] for i in (0, 1, 2, 4)] == ['auto'] * 4


# -- smaller: duplicate chassis ------------------------------------------------------------------------------------------
def test_a_chassis_listed_twice_becomes_one_set_of_hosts(tmp_path):
    with devices(('ok', {})) as (good,):
        run = ansible_inventory(tmp_path, {'chassis': [{'name': 'a', 'host': good.url},
                                                       {'name': 'b', 'host': good.url},
                                                       {'name': 'c', 'host': 'http://localhost:%d' % good.port}],
                                           **ADMIN})
    assert run.hosts() == ['a_clk1', 'a_clk2', 'a_io1', 'a_rsc']
    assert any('have the same address' in w for w in run.warnings)
    assert any("chassis 'c'" in w and 'same serial number, model and host name' in w for w in run.warnings), \
        run.warnings
