# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Staged configuration changes (changes.pending-changes) through ansible-playbook against the simulator: a write the
device stages, staged changes someone else left, and the count in every read."""

import time

import pytest

from ansible_run import play, run_playbook, task
from conftest import DEFAULT_OPTIONS

READ = ('GET', '/api/status/chassis0')
WRITE = ('POST', '/api/configuration/chassis0/slots/rsc/module/rsc')
POLL = ('GET', '/api/status/chassis0/slots/rsc')


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
    assert calls(out) == [READ] and writes(sim) == []

    # A task that changes nothing is not refused: one read, as always.
    run, out = one(tmp_path, sim, 'meinberg.lantime.rsc', switch_mode='auto')
    assert run.rc == 0 and out['changed'] is False and calls(out) == [READ], run.output

    run, out = one(tmp_path, sim, 'meinberg.lantime.rsc', switch_mode='manual', selected_clock='clk2', force=True)
    assert run.rc == 0 and out['outcome'] == 'changed' and out['changed'] is True, run.output
    assert any('may apply those too' in warning for warning in out['warnings'])
    assert [(r['method'], r['path']) for r in writes(sim)] == [WRITE]
    assert effective(sim) == ('manual', 'clk2')
