# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""write_trace through ansible-playbook against the simulator: one JSON file per write, on the controller, with the
request, the reply, every read-back and the versions, and never a credential (planted in the reply at -vvvv)."""

import base64
import json
import os
import stat

from ansible_run import play, run_playbook, task
from conftest import DEFAULT_OPTIONS

CONFIG = '/api/configuration/chassis0/slots/rsc/module/rsc'
PASSWORD = 'Adm1n-Secret'
COOKIE = 'lantime-session=C00KIE-5ECRET-771'


def admin(sim, **extra):
    return dict({'host': sim.url(), 'username': 'admin', 'password': PASSWORD}, **extra)


def rsc(tmp_path, *args, **options):
    run = run_playbook(tmp_path, play(task('t', 'meinberg.lantime.rsc', ignore_errors=True, **options)), *args)
    return run, run.result('t')


def traces(directory):
    return sorted(directory.glob('rsc-write-*.json')) if directory.exists() else []


def test_a_write_leaves_one_trace_without_a_credential(tmp_path, simulator_factory):
    sim = simulator_factory(*DEFAULT_OPTIONS, '--write-style', 'put-parameters')
    token = sim.token('admin')
    # The device echoes the credentials in its reply body and sets a cookie: none of it may reach the trace.
    sim.settings(write_reply_headers=[['Set-Cookie', COOKIE], ['X-Echo', PASSWORD]],
                 write_reply_fields={'message': 'hello %s %s' % (PASSWORD, token), 'session': COOKIE})
    directory = tmp_path / 'traces'
    run, out = rsc(tmp_path, '-vvvv', **admin(sim, token=token, selected_clock='clk2', write_style='put-parameters',
                                              write_trace=str(directory)))
    assert run.rc == 0 and out['changed'] is True, run.output
    files = traces(directory)
    assert len(files) == 1 and out['write_trace'] == str(files[0])
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600 and stat.S_IMODE(directory.stat().st_mode) == 0o700
    text = files[0].read_text(encoding='utf-8')
    basic = base64.b64encode(('admin:%s' % PASSWORD).encode()).decode()
    for secret in (PASSWORD, token, basic, 'C00KIE-5ECRET'):
        assert secret not in text, secret
        assert secret not in run.output, secret
    trace = json.loads(text)
    assert trace['format'] == 'meinberg.lantime-write-trace/1'
    assert trace['request'] == {'method': 'PUT', 'path': CONFIG, 'body': {'parameters': {'selected-clock': 'clk2'}},
                                'write_style': 'put-parameters'}
    reply = trace['reply']
    assert reply['status'] == 200 and reply['received'] is True and reply['failed'] is False
    assert set(reply['headers']) <= {'Allow', 'Content-Type', 'Content-Length', 'Retry-After'}
    assert reply['headers']['Content-Type'] == 'application/json' and reply['headers_not_kept'] >= 2
    assert reply['body']['kind'] == 'JSON' and reply['body']['redacted']['data']['selected-clock'] == 'clk2'
    polls = trace['polls']
    assert polls and all(p['at'].endswith('Z') and p['after_s'] >= 0 and p['status'] == 200 for p in polls)
    assert polls[-1]['selected_clock'] == 'clk2' and polls[-1]['shows_asked'] is True
    assert all(p['shows_asked'] is False for p in polls[:-1])
    assert trace['pending_changes'] == {'before': 0, 'after': 0}
    assert trace['ltos_version'] and trace['rest_api_version'] and trace['collection_version']
    assert trace['outcome'] == 'changed' and trace['slot_id'] == 'rsc'
    # the trace is made from the polls the task made: one per GET after the write
    after_write = [c for c in out['api_calls'] if c['method'] == 'GET'][1:]
    assert len(after_write) == len(polls)


def test_a_refused_write_is_traced_too(tmp_path, simulator_factory):
    sim = simulator_factory(*DEFAULT_OPTIONS, '--write-style', 'put')
    directory = tmp_path / 'traces'
    run, out = rsc(tmp_path, **admin(sim, switch_mode='manual', write_trace=str(directory)))
    assert out['failed'] is True and out['changed'] is False, run.output
    trace = json.loads(traces(directory)[0].read_text(encoding='utf-8'))
    assert trace['request']['method'] == 'POST' and trace['reply']['status'] == 405
    assert trace['reply']['headers']['Allow'] == 'GET, HEAD, OPTIONS, PUT'
    assert trace['outcome'] == 'failed' and all(p['switch_mode'] == 'auto' for p in trace['polls'])


def test_no_trace_without_a_write_and_a_bad_directory_stops_before_any_request(tmp_path, simulator_factory):
    sim = simulator_factory(*DEFAULT_OPTIONS)
    directory = tmp_path / 'traces'
    run, out = rsc(tmp_path, **admin(sim, switch_mode='auto', write_trace=str(directory)))
    assert run.rc == 0 and out['changed'] is False and traces(directory) == [] and 'write_trace' not in out
    run, out = rsc(tmp_path, '--check', **admin(sim, switch_mode='manual', write_trace=str(directory)))
    assert out['changed'] is True and traces(directory) == []
    shared = tmp_path / 'shared'
    shared.mkdir()
    os.chmod(str(shared), 0o777)
    before = len(sim.stats()['requests'])
    run, out = rsc(tmp_path, **admin(sim, switch_mode='manual', write_trace=str(shared)))
    assert out['failed'] is True and 'nothing was sent to the device' in out['msg'], run.output
    assert len(sim.stats()['requests']) == before
