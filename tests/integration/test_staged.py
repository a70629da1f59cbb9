# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Staged configuration changes (changes.pending-changes) through ansible-playbook against the simulator: a write the
device stages, staged changes someone else left, and the count in every read."""

import json
import time

import pytest

from ansible_run import play, run_playbook, task
from conftest import DEFAULT_OPTIONS
from test_playbooks import static_inventory

READ = ('GET', '/api/status/chassis0')
WRITE = ('POST', '/api/configuration/chassis0/slots/rsc/module/rsc')
POLL = ('GET', '/api/status/chassis0/slots/rsc')

# The role in a play of its own; the record task runs after a failure too (the block's rescue).
ROLE_PLAY = [{
    'name': 'role', 'hosts': 'lantime_rsc', 'gather_facts': False,
    'tasks': [
        {'name': 'role', 'block': [{'name': 'apply', 'ansible.builtin.include_role': {'name': 'meinberg.lantime.rsc'}}],
         'rescue': [{'name': 'rescued', 'ansible.builtin.fail': {'msg': 'the role failed'}}],
         'always': [{'name': 'record', 'ansible.builtin.debug': {'var': 'rsc_result'}}]},
    ],
}]


def admin(sim, **extra):
    options = {'host': sim.url(), 'username': 'admin', 'password': 'Adm1n-Secret'}
    options.update(extra)
    return options


def one(tmp_path, sim, module, **options):
    run = run_playbook(tmp_path, play(task('one', module, ignore_errors=True, **admin(sim, **options))))
    return run, run.result('one')


def calls(result):
    return [(c['method'], c['path']) for c in result['api_calls']]


def writes(sim):
    return [r for r in sim.stats()['requests'] if r['method'] != 'GET']


def effective(sim):
    state = sim.state()['rsc']['effective']
    return state['switch-mode'], state['selected-clock']


@pytest.fixture
def staging(simulator_factory):
    return simulator_factory(*DEFAULT_OPTIONS, '--stage-writes')


def test_a_staged_write_fails_with_its_own_status_and_says_how_to_apply_it(tmp_path, staging):
    run, out = one(tmp_path, staging, 'meinberg.lantime.rsc', switch_mode='manual', selected_clock='clk2')
    assert out['failed'] is True and out['outcome'] == 'staged' and out['changed'] is True, run.output
    assert 'staged it, not applied' in out['msg'] and 'LTOS web interface' in out['msg']
    assert 'allow_staged=true' in out['msg']
    assert out['pending_changes'] == 1 and out['after'] == {'switch_mode': 'auto', 'selected_clock': 'clk1'}
    sequence = calls(out)
    assert sequence[:2] == [READ, WRITE] and len(sequence) >= 3 and set(sequence[2:]) == {POLL}
    assert len(writes(staging)) == 1 and effective(staging) == ('auto', 'clk1')
    assert staging.state()['staged']['writes'] == [{'switch-mode': 'manual', 'selected-clock': 'clk2'}]

    # Applied on the device, the change shows; a read then reports nothing staged.
    assert staging.control('POST', 'apply')['applied'] == 1
    deadline = time.monotonic() + 30
    while effective(staging) != ('manual', 'clk2') and time.monotonic() < deadline:
        time.sleep(0.05)
    run, out = one(tmp_path, staging, 'meinberg.lantime.rsc_info')
    assert run.rc == 0 and out['device']['pending_changes'] == 0, run.output
    assert (out['rsc']['switch_mode'], out['rsc']['selected_clock']) == ('manual', 'clk2')


def test_allow_staged_accepts_it_with_a_warning(tmp_path, staging):
    run, out = one(tmp_path, staging, 'meinberg.lantime.rsc', switch_mode='manual', allow_staged=True)
    assert run.rc == 0 and out['failed'] is False, run.output
    assert out['outcome'] == 'staged' and out['changed'] is True and out['pending_changes'] == 1
    assert any('staged it, not applied' in warning for warning in out['warnings'])
    assert len(writes(staging)) == 1


def test_staged_changes_of_others_refuse_the_write(tmp_path, sim):
    sim.control('POST', 'staged', {'pending-changes': 2})
    run, out = one(tmp_path, sim, 'meinberg.lantime.rsc_info')
    assert out['device']['pending_changes'] == 2 and calls(out) == [READ]

    run, out = one(tmp_path, sim, 'meinberg.lantime.rsc', switch_mode='manual', selected_clock='clk2')
    assert out['failed'] is True and out['outcome'] == 'refused' and out['changed'] is False, run.output
    assert 'holds 2 staged configuration changes' in out['msg'] and 'force=true' in out['msg']
    assert out['pending_changes'] == 2
    assert calls(out) == [READ] and writes(sim) == []

    # A task that changes nothing is not refused: one read, as always.
    run, out = one(tmp_path, sim, 'meinberg.lantime.rsc', switch_mode='auto')
    assert run.rc == 0 and out['changed'] is False and calls(out) == [READ], run.output
    assert out['outcome'] == 'compliant' and out['pending_changes'] == 2

    run, out = one(tmp_path, sim, 'meinberg.lantime.rsc', switch_mode='manual', selected_clock='clk2', force=True)
    assert run.rc == 0 and out['outcome'] == 'changed' and out['changed'] is True, run.output
    assert any('may apply those too' in warning for warning in out['warnings'])
    assert [(r['method'], r['path']) for r in writes(sim)] == [WRITE]
    assert effective(sim) == ('manual', 'clk2')
    # The count after the write: still the two of others, not ours, so no word about an unsaved change.
    assert out['pending_changes'] == 2 and not any('unsaved' in warning for warning in out['warnings'])


def test_a_change_applied_but_held_unsaved_warns_and_the_next_change_says_why_it_is_refused(tmp_path, sim):
    sim.settings(unsaved_writes=True)
    run, out = one(tmp_path, sim, 'meinberg.lantime.rsc', switch_mode='manual', selected_clock='clk2')
    assert run.rc == 0 and out['outcome'] == 'changed' and out['changed'] is True, run.output
    assert out['pending_changes'] == 1 and effective(sim) == ('manual', 'clk2')
    warning = ' '.join(' '.join(out['warnings']).split())
    assert 'the change is applied (the card shows it), but the chassis now holds 1 staged configuration change' in warning
    assert 'changes.pending-changes was 0 before the write' in warning and 'LTOS web interface' in warning
    assert 'the next change is refused' in warning and 'force=true' in warning

    run, out = one(tmp_path, sim, 'meinberg.lantime.rsc', switch_mode='auto')
    assert out['outcome'] == 'refused' and out['pending_changes'] == 1 and len(writes(sim)) == 1, run.output

    # Saved on the device (which from now on saves every change), the count is back to 0 and the next change goes
    # through without a word.
    assert sim.control('POST', 'apply')['applied'] == 1
    sim.settings(unsaved_writes=False)
    run, out = one(tmp_path, sim, 'meinberg.lantime.rsc', switch_mode='auto')
    assert run.rc == 0 and out['outcome'] == 'changed' and out['pending_changes'] == 0, run.output
    assert not any('staged' in warning for warning in out.get('warnings', []))


def test_a_staged_write_through_the_role_with_allow_staged_and_a_write_trace(tmp_path, simulator_factory):
    sim = simulator_factory(*DEFAULT_OPTIONS, '--stage-writes', '--write-style', 'put')
    traces = tmp_path / 'traces'
    hostvars = {'lantime_username': 'admin', 'lantime_password': 'Adm1n-Secret', 'lantime_write_style': 'put',
                'rsc_switch_mode': 'manual', 'rsc_allow_staged': True, 'rsc_write_trace': str(traces)}
    run = run_playbook(tmp_path, ROLE_PLAY, inventory=static_inventory(tmp_path, sim, ['ims1'], ims1=hostvars))
    assert run.rc == 0, run.output
    record = [r['result']['rsc_result'] for r in run.results if r['task'] == 'record'][0]
    assert record['status'] == 'staged' and record['changed'] is True
    assert [(r['method'], r['path']) for r in writes(sim)] == [('PUT', WRITE[1])]
    files = sorted(traces.glob('rsc-write-*.json'))
    assert len(files) == 1, run.output
    trace = json.loads(files[0].read_text(encoding='utf-8'))
    assert trace['request']['method'] == 'PUT' and trace['request']['write_style'] == 'put'
    assert trace['outcome'] == 'staged'

    # Without rsc_allow_staged the same write fails the role, and its trace is written all the same.
    sim.reset()
    hostvars['rsc_allow_staged'] = False
    run = run_playbook(tmp_path, ROLE_PLAY, inventory=static_inventory(tmp_path, sim, ['ims1'], ims1=hostvars))
    assert run.rc != 0
    record = [r['result']['rsc_result'] for r in run.results if r['task'] == 'record'][0]
    assert record['status'] == 'staged' and len(sorted(traces.glob('rsc-write-*.json'))) == 2
