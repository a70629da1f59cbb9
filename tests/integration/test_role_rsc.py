# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The role meinberg.lantime.rsc in a play of its own: pre-flight refusals, check mode, changes and their read-back."""

from ansible_run import run_playbook
from test_playbooks import ADMIN, PASSWORD, effective, posts, static_inventory, to_manual

NAMES = ('unsynced', 'compliant', 'manual', 'repair')
PLAY = [{
    'name': 'role under test',
    'hosts': 'lantime_rsc',
    'gather_facts': False,
    'vars': {'rsc_switch_mode': 'auto'},
    'tasks': [
        {'name': 'role', 'block': [{'name': 'apply', 'ansible.builtin.include_role': {'name': 'meinberg.lantime.rsc'}}],
         'rescue': [{'name': 'rescued', 'ansible.builtin.debug': {'msg': 'rescued'}}]},
        {'name': 'record', 'ansible.builtin.debug': {'var': 'rsc_result'}},
    ],
}]


def records(run):
    return dict((r['host'].replace('_rsc', ''), r['result']['rsc_result']) for r in run.results if r['task'] == 'record')


def failures(run):
    return dict((r['host'].replace('_rsc', ''), r['result']['msg']) for r in run.results
                if r['task'].endswith('Fail with the reason and what to do'))


def test_pre_flight_check_mode_change_and_read_back(tmp_path, simulator_factory):
    sim = simulator_factory(*ADMIN, '--devices', '4')
    # unsynced: manual, standby clock out of sync -> refused; compliant: auto, standby out of sync -> left alone;
    # manual: manual, both clocks fine -> changed; repair: like unsynced, but rsc_require_failover_ready=false.
    to_manual(sim, 0, 2, 3)
    for device in (0, 1, 3):
        sim.set_clock('clk2', False, device=device)
    setup_posts = [len(posts(sim, i)) for i in range(4)]
    # Credentials from inventory variables this time (the playbook tests use the LANTIME_* environment).
    credentials = {'lantime_username': 'admin', 'lantime_password': PASSWORD}
    hostvars = dict((name, dict(credentials)) for name in NAMES)
    hostvars['repair']['rsc_require_failover_ready'] = False
    inventory = static_inventory(tmp_path, sim, NAMES, **hostvars)

    run = run_playbook(tmp_path, PLAY, '--check', inventory=inventory)
    assert run.rc == 0, run.output
    got = records(run)
    assert dict((name, r['status']) for name, r in got.items()) == \
        {'unsynced': 'refused', 'compliant': 'compliant', 'manual': 'drift', 'repair': 'drift'}
    assert got['manual']['after'] == {'switch_mode': 'auto', 'selected_clock': 'clk1'} and got['manual']['changed'] is False
    assert got['compliant']['alarms'] == ['clk2 not synchronized'] and got['compliant']['drift'] is False
    # A compliant card with an alarm is left alone, with a warning that names the alarm.
    assert ('compliant_rsc (%s, slot rsc): redundancy is weakened: clk2 not synchronized. The card already has the desired state '
            '(switch_mode=auto, selected_clock=any), so nothing is changed.' % sim.url(1).split('://')[1]) in ' '.join(run.output.split())
    assert [len(posts(sim, i)) for i in range(4)] == setup_posts
    refusal = failures(run)['unsynced']
    assert refusal.startswith('unsynced_rsc (chassis unsynced, slot rsc, %s): refused, nothing was changed: clk2 is '
                              'not synchronized.' % sim.url(0))
    assert 'set rsc_require_failover_ready=false' in refusal
    assert PASSWORD not in run.output

    run = run_playbook(tmp_path, PLAY, inventory=inventory)
    assert run.rc == 0, run.output
    got = records(run)
    assert dict((name, r['status']) for name, r in got.items()) == \
        {'unsynced': 'refused', 'compliant': 'compliant', 'manual': 'changed', 'repair': 'changed'}
    assert got['manual']['before'] == {'switch_mode': 'manual', 'selected_clock': 'clk1'}
    assert got['manual']['after'] == {'switch_mode': 'auto', 'selected_clock': 'clk1'}
    assert got['manual']['failover_ready'] is True and got['manual']['changed'] is True
    # Without the failover requirement the change is made, and the record says redundancy is still missing.
    assert got['repair']['failover_ready'] is False and got['repair']['alarms'] == ['clk2 not synchronized']
    assert [len(posts(sim, i)) - setup_posts[i] for i in range(4)] == [0, 0, 1, 1]
    assert [effective(sim, i) for i in range(4)] == [('manual', 'clk1'), ('auto', 'clk1'), ('auto', 'clk1'),
                                                     ('auto', 'clk1')]
    # Every change was read back: after its one write, the rsc task read the card until it showed the change.
    role_task = 'Read the RSC card and apply the policy, if one is set (read, check, change, read back)'
    changes = dict((r['host'], r['result']) for r in run.results if r['task'].endswith(role_task))
    for host in ('manual_rsc', 'repair_rsc'):
        calls = [(c['method'], c['status']) for c in changes[host]['api_calls']]
        assert [method for method, dummy in calls].count('POST') == 1 and calls[-1] == ('GET', 200), calls
        assert changes[host]['outcome'] == 'changed'
    assert changes['compliant_rsc']['outcome'] == 'compliant'
    assert [c['method'] for c in changes['compliant_rsc']['api_calls']] == ['GET']
    assert set(failures(run)) == {'unsynced'}


def test_every_host_is_recorded_before_the_failure_limit_stops_the_play(tmp_path, simulator_factory):
    """With max_fail_percentage 0, the host that fails stops the play; the others already have their record."""
    sim = simulator_factory(*ADMIN, '--devices', '2')
    to_manual(sim, 1)
    sim.set_clock('clk2', False, device=1)  # 'manual' is refused: its standby clock is not synchronized
    credentials = {'lantime_username': 'admin', 'lantime_password': PASSWORD}
    inventory = static_inventory(tmp_path, sim, ('compliant', 'manual'), compliant=credentials, manual=credentials)
    play = [{'name': 'role under a failure limit', 'hosts': 'lantime_rsc', 'gather_facts': False,
             'max_fail_percentage': 0, 'vars': {'rsc_switch_mode': 'auto'},
             'roles': ['meinberg.lantime.rsc']}]
    run = run_playbook(tmp_path, play, inventory=inventory)
    assert run.rc == 2, run.output
    recorded = dict((r['host'], r['result']['ansible_facts']['rsc_result']['status']) for r in run.results
                    if r['task'].endswith('Record the outcome') or r['task'].endswith('Record the failure'))
    assert recorded == {'compliant_rsc': 'compliant', 'manual_rsc': 'refused'}


def test_a_refusal_names_the_knob_the_user_has(tmp_path, simulator_factory):
    """Through the role a refusal names the role's variables (rsc_force, rsc_require_failover_ready); a task of a
    playbook names the module's options (force, require_failover_ready) and never the role's."""
    sim = simulator_factory(*ADMIN)
    sim.set_clock('clk2', False)
    credentials = {'lantime_username': 'admin', 'lantime_password': PASSWORD}
    inventory = static_inventory(tmp_path, sim, ('ims1',), ims1=credentials)
    # clk2 is not synchronized: selecting it needs force; any change needs the failover requirement off.
    role_play = [dict(PLAY[0], vars={'rsc_selected_clock': 'clk2', 'rsc_require_failover_ready': False})]
    run = run_playbook(tmp_path, role_play, inventory=inventory)
    assert run.rc == 0, run.output
    refusal = failures(run)['ims1']
    assert 'clk2 is not synchronized' in refusal and 'or set rsc_force=true if you accept that' in refusal, refusal
    assert records(run)['ims1']['error'].endswith('or set rsc_force=true if you accept that.')
    assert ' force=true' not in refusal

    failover_play = [dict(PLAY[0], vars={'rsc_switch_mode': 'manual'})]
    run = run_playbook(tmp_path, failover_play, inventory=inventory)
    refusal = failures(run)['ims1']
    assert 'set rsc_require_failover_ready=false' in refusal and 'with rsc_require_failover_ready a chassis' in refusal
    assert ' require_failover_ready' not in refusal

    tasks = [{'name': name, 'meinberg.lantime.rsc': options, 'register': 'out', 'ignore_errors': True}
             for name, options in (('force', {'selected_clock': 'clk2'}),
                                   ('failover', {'switch_mode': 'manual', 'require_failover_ready': True}))]
    run = run_playbook(tmp_path, [{'name': 'tasks', 'hosts': 'lantime_rsc', 'gather_facts': False, 'tasks': tasks}],
                       inventory=inventory)
    force = run.result('force', 'ims1_rsc')
    assert force['failed'] and 'or set force=true if you accept that' in force['msg'] and 'rsc_' not in force['msg']
    assert force['refusal'].endswith('or set force=true if you accept that')
    failover = run.result('failover', 'ims1_rsc')
    assert failover['failed'] and 'set require_failover_ready=false' in failover['msg']
    assert 'rsc_require_failover_ready' not in failover['msg'] and 'meinberg.lantime.rsc:' not in failover['msg']
