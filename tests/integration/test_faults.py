# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Every injected fault on every request kind: success after retry or a clear failure naming the host.

Never a success that was not read back. The expected outcomes below are also the table in docs/faults.md;
test_the_docs_table_matches keeps the two the same.
"""

import json
import re

import pytest

from ansible_run import play, run_playbook, task
from conftest import REPO_ROOT

STATUS = '/api/status/chassis0'
SLOT = '/api/status/chassis0/slots/rsc'
TOKEN = '/api/get-token'
WRITE = '/api/configuration/chassis0/slots/rsc/module/rsc'

FAULTS = {
    '500': {'kind': 'status', 'status': 500},
    '502': {'kind': 'status', 'status': 502},
    '503': {'kind': 'status', 'status': 503},
    'dropped connection': {'kind': 'drop'},
    'delay past the timeout': {'kind': 'delay', 'delay_ms': 2500},
    'malformed JSON': {'kind': 'malformed'},
    'truncated reply': {'kind': 'truncated'},
    # What a client sees when its token expires between two requests.
    'token expired mid-run': {'kind': 'status', 'status': 401},
    'REST API disabled': {'kind': 'status', 'status': 403, 'body': 'REST API is disabled'},
}

# (request kind, fault) -> expected outcome: 'retried' (the task succeeds after a retry), 'failed' (the task fails
# with a clear message and nothing was changed), 'read back' (the write's reply was lost, the module read the
# card and reports success only because it shows the asked state), 'renewed' (a new token, then success),
# 'polled on' (a bad poll is followed by another one that shows the state).
OUTCOMES = {
    ('status read', '500'): 'failed',
    ('status read', '502'): 'retried',
    ('status read', '503'): 'retried',
    ('status read', 'dropped connection'): 'retried',
    ('status read', 'delay past the timeout'): 'retried',
    ('status read', 'malformed JSON'): 'failed',
    ('status read', 'truncated reply'): 'retried',
    ('status read', 'token expired mid-run'): 'renewed',
    ('status read', 'REST API disabled'): 'failed',
    ('slot read', '500'): 'polled on',
    ('slot read', '502'): 'retried',
    ('slot read', '503'): 'retried',
    ('slot read', 'dropped connection'): 'retried',
    ('slot read', 'delay past the timeout'): 'retried',
    ('slot read', 'malformed JSON'): 'polled on',
    ('slot read', 'truncated reply'): 'retried',
    ('slot read', 'token expired mid-run'): 'renewed',
    ('slot read', 'REST API disabled'): 'polled on',
    ('token', '500'): 'failed',
    ('token', '502'): 'retried',
    ('token', '503'): 'retried',
    ('token', 'dropped connection'): 'retried',
    ('token', 'delay past the timeout'): 'retried',
    ('token', 'malformed JSON'): 'failed',
    ('token', 'truncated reply'): 'retried',
    ('token', 'REST API disabled'): 'failed',
    ('write', '500'): 'failed',
    ('write', '502'): 'failed',
    ('write', '503'): 'failed',
    ('write', 'dropped connection'): 'failed',
    ('write', 'delay past the timeout'): 'read back',
    ('write', 'malformed JSON'): 'read back',
    ('write', 'truncated reply'): 'read back',
    ('write', 'token expired mid-run'): 'failed',
    ('write', 'REST API disabled'): 'failed',
}

PATHS = {'status read': STATUS, 'slot read': SLOT, 'token': TOKEN, 'write': WRITE}
METHODS = {'status read': 'GET', 'slot read': 'GET', 'token': 'PUT', 'write': 'POST'}


def check(kind, fault, out, requests, seen):
    """The outcome rules; raises AssertionError when the case broke one."""
    expected = OUTCOMES[(kind, fault)]
    hit = [r for r in requests if r['path'] == PATHS[kind]]
    warnings = ' '.join(out.get('warnings') or [])
    assert hit, 'the fault was never reached: %s' % requests
    if expected == 'failed':
        assert out['failed'] is True, out
        assert out['msg'].startswith('127.0.0.1:'), out['msg']  # names the host
        if kind == 'write':
            assert out['changed'] is False and seen['selected-clock'] == 'clk1'
            assert len([r for r in hit if r['method'] == 'POST']) == 1  # a write is never repeated
        return
    assert out['failed'] is False, out.get('msg')
    if kind in ('slot read', 'write'):
        # Success is only ever reported for a state read back from the card.
        assert out['changed'] is True and out['after']['selected_clock'] == 'clk2' and seen['selected-clock'] == 'clk2'
        assert out['api_calls'][-1]['path'] == SLOT and out['api_calls'][-1]['status'] == 200
    else:
        assert out['rsc']['selected_clock'] == 'clk1'
    if expected == 'read back':
        assert 'the write got no proper reply' in warnings and 'the card shows the asked state' in warnings
        assert len([r for r in hit if r['method'] == 'POST']) == 1
    elif expected == 'renewed':
        assert [c['path'] for c in out['api_calls']].count(TOKEN) == 1
    elif expected == 'retried':
        assert len(hit) >= 2 and 'retrying' in warnings
    elif expected == 'polled on':
        assert [c['path'] for c in out['api_calls']].count(SLOT) >= 2


@pytest.mark.parametrize('kind', sorted(PATHS))
def test_faults_on(tmp_path, simulator_factory, kind):
    """Each fault on its own simulated chassis, all of them in one ansible-playbook run."""
    faults = sorted(fault for (each, fault) in OUTCOMES if each == kind)
    sim = simulator_factory('--no-tls', '--devices', str(len(faults)), '--settle-ms', '200',
                            '--user', 'admin:Adm1n-Secret:admin')
    hosts = {}
    for device, fault in enumerate(faults):
        variables = {'sim_url': sim.url(device)}
        # Token cases run with a bearer token plus the credentials to renew it; for the token kind the device has
        # already forgotten the token, so the first request needs a new one.
        if kind == 'token' or fault == 'token expired mid-run':
            variables['sim_token'] = sim.token(device=device)
        if kind == 'token':
            sim.expire_tokens(device=device)
        sim.inject(device=device, method=METHODS[kind], path=PATHS[kind], count=1, **FAULTS[fault])
        hosts['case%d' % device] = variables
    inventory = tmp_path / 'cases.yml'
    inventory.write_text(json.dumps({'all': {'hosts': hosts}}), encoding='utf-8')

    options = {'host': '{{ sim_url }}', 'username': 'admin', 'password': 'Adm1n-Secret', 'timeout': 2,
               'token': '{{ sim_token | default(omit) }}'}
    if kind in ('slot read', 'write'):
        act = task('act', 'meinberg.lantime.rsc', ignore_errors=True, selected_clock='clk2', wait_timeout=4, **options)
    else:
        act = task('act', 'meinberg.lantime.rsc_info', ignore_errors=True, **options)
    run = run_playbook(tmp_path, play(act, hosts='all'), '--forks', str(len(faults)), inventory=str(inventory))
    assert 'Adm1n-Secret' not in run.output
    problems = []
    for device, fault in enumerate(faults):
        try:
            check(kind, fault, run.result('act', host='case%d' % device), sim.stats(device)['requests'],
                  sim.state(device)['rsc']['effective'])
        except AssertionError as exc:
            problems.append('%s / %s: %s' % (kind, fault, exc))
    assert not problems, '\n'.join(problems)


def test_token_expired_without_credentials_is_a_clear_failure(tmp_path, sim):
    token = sim.token()
    sim.expire_tokens()
    run = run_playbook(tmp_path, play(task('read', 'meinberg.lantime.rsc_info', ignore_errors=True, host=sim.url(),
                                           token=token)))
    out = run.result('read')
    assert out['failed'] is True and 'HTTP 401' in out['msg'] and 'a token expires' in out['msg']
    assert token not in run.output


def test_the_docs_table_matches():
    text = (REPO_ROOT / 'docs' / 'faults.md').read_text(encoding='utf-8')
    for (kind, fault), outcome in OUTCOMES.items():
        row = re.search(r'^\| %s \| %s \| ([^|]+) \|' % (re.escape(kind), re.escape(fault)), text, re.M)
        assert row, 'docs/faults.md has no row for %s / %s' % (kind, fault)
        assert row.group(1).strip().startswith(outcome), (kind, fault, row.group(1))
