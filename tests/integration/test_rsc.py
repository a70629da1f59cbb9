# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""meinberg.lantime.rsc through ansible-playbook against the simulator over real HTTP."""

import threading

from ansible_run import play, run_playbook, task
from test_rsc_info import OWN_FIXTURES, admin

READ = ('GET', '/api/status/chassis0')
POLL = ('GET', '/api/status/chassis0/slots/rsc')
WRITE = ('POST', '/api/configuration/chassis0/slots/rsc/module/rsc')


def rsc(tmp_path, sim, *args, env=None, **options):
    run = run_playbook(tmp_path, play(task('set', 'meinberg.lantime.rsc', ignore_errors=True, **admin(sim, **options))),
                       *args, env=env)
    return run, run.result('set')


def calls(result):
    return [(c['method'], c['path']) for c in result['api_calls']]


def writes(sim):
    return [r for r in sim.stats()['requests'] if r['method'] == 'POST']


def effective(sim):
    state = sim.state()['rsc']['effective']
    return state['switch-mode'], state['selected-clock']


def test_change_then_no_change(tmp_path, sim):
    run, out = rsc(tmp_path, sim, switch_mode='manual', selected_clock='clk2')
    assert run.rc == 0 and out['changed'] is True, run.output
    assert out['after'] == {'switch_mode': 'manual', 'selected_clock': 'clk2'}
    assert out['written'] == {'switch-mode': 'manual', 'selected-clock': 'clk2'}
    assert 'manual mode: failover is off while it lasts' in run.output
    # reads + 1 write + status polls, and nothing else
    sequence = calls(out)
    assert sequence[:2] == [READ, WRITE] and len(sequence) >= 3 and set(sequence[2:]) == {POLL}
    assert effective(sim) == ('manual', 'clk2')

    run, out = rsc(tmp_path, sim, switch_mode='manual', selected_clock='clk2')
    assert run.rc == 0 and out['changed'] is False
    assert calls(out) == [READ]
    assert len(writes(sim)) == 1


def test_only_the_differing_key_is_written(tmp_path, sim):
    out = rsc(tmp_path, sim, switch_mode='auto', selected_clock='clk2', record=True)[1]
    assert out['changed'] is True and out['written'] == {'selected-clock': 'clk2'}
    assert out['after']['selected_clock'] == 'clk2' and out['record']['switchover_count'] == 1


def test_check_mode_predicts_and_writes_nothing(tmp_path, sim):
    run, out = rsc(tmp_path, sim, '--check', '--diff', switch_mode='manual', selected_clock='clk2')
    assert run.rc == 0 and out['changed'] is True
    assert out['diff'] == {'before': {'switch_mode': 'auto', 'selected_clock': 'clk1'},
                           'after': {'switch_mode': 'manual', 'selected_clock': 'clk2'}}
    assert calls(out) == [READ] and writes(sim) == []
    assert effective(sim) == ('auto', 'clk1')
    # The prediction is what a real run then does.
    out_real = rsc(tmp_path, sim, '--diff', switch_mode='manual', selected_clock='clk2')[1]
    assert out_real['diff'] == out['diff']


def test_check_mode_without_drift(tmp_path, sim):
    run, out = rsc(tmp_path, sim, '--check', '--diff', switch_mode='auto')
    assert run.rc == 0 and out['changed'] is False
    assert out['diff']['before'] == out['diff']['after'] == {'switch_mode': 'auto', 'selected_clock': 'clk1'}


def test_diff_holds_only_the_managed_settings(tmp_path, sim):
    out = rsc(tmp_path, sim, '--diff', selected_clock='clk2')[1]
    assert out['diff'] == {'before': {'switch_mode': 'auto', 'selected_clock': 'clk1'},
                           'after': {'switch_mode': 'auto', 'selected_clock': 'clk2'}}


def test_refuses_unsynchronized_clock(tmp_path, sim):
    sim.set_clock('clk2', False)
    run, out = rsc(tmp_path, sim, switch_mode='manual', selected_clock='clk2')
    assert out['failed'] is True and out['changed'] is False
    port = sim.url().rsplit(':', 1)[1]
    assert out['msg'] == ('127.0.0.1:%s, slot rsc: refused, nothing was changed: clk2 is not synchronized: switching '
                          'to it would feed the outputs from a free-running clock. Wait until clk2 is synchronized, or '
                          'set force=true if you accept that.' % port)
    assert writes(sim) == []


def test_force_selects_an_unsynchronized_clock_in_manual_mode(tmp_path, sim):
    sim.set_clock('clk2', False)
    run, out = rsc(tmp_path, sim, switch_mode='manual', selected_clock='clk2', force=True, record=True)
    assert run.rc == 0 and out['changed'] is True, run.output
    assert out['after']['selected_clock'] == 'clk2' and 'clk2 not synchronized' in out['record']['alarms']
    assert 'clk2 is not synchronized and force=true' in run.output


def test_wait_timeout_when_the_card_does_not_follow(tmp_path, sim):
    # In auto mode the card switches straight back from an unsynchronized clock when the other is synchronized.
    sim.set_clock('clk2', False)
    run, out = rsc(tmp_path, sim, selected_clock='clk2', force=True, wait_timeout=2)
    assert out['failed'] is True and out['changed'] is True
    assert 'the device accepted the write, but within 2 s the card did not show the asked state selected_clock=clk2' in out['msg']
    assert "it shows {'selected_clock': 'clk1', 'switch_mode': 'auto'}" in out['msg'] \
        or "it shows {'switch_mode': 'auto', 'selected_clock': 'clk1'}" in out['msg']
    assert out['after']['selected_clock'] == 'clk1' and len(writes(sim)) == 1


def test_refuses_empty_clock_slot(tmp_path, simulator_factory):
    sim = simulator_factory('--no-tls', '--user', 'admin:Adm1n-Secret:admin', '--fixture',
                            str(OWN_FIXTURES / 'ims-clk2-empty.json'))
    out = rsc(tmp_path, sim, selected_clock='clk2', force=True)[1]
    assert out['failed'] is True and 'slot rsc: refused, nothing was changed: the clk2 slot is empty' in out['msg']
    assert writes(sim) == []


def test_front_panel_manual_refuses_remote_changes(tmp_path, sim):
    sim.set_front_panel(mode_switch='manual', clock_switch='clk2')
    out = rsc(tmp_path, sim, switch_mode='auto')[1]
    assert out['failed'] is True
    assert 'refused, nothing was changed: the front-panel mode switch is on Manual' in out['msg']
    assert 'switch_mode=manual and selected_clock=clk2' in out['msg']
    # Asking for what the switches already set is fine and changes nothing.
    run, out = rsc(tmp_path, sim, switch_mode='manual', selected_clock='clk2')
    assert run.rc == 0 and out['changed'] is False
    assert writes(sim) == []


def test_read_only_user_gets_a_clear_refusal(tmp_path, sim):
    out = rsc(tmp_path, sim, username='viewer', password='V1ew-Secret', switch_mode='manual')[1]
    assert out['failed'] is True and out['status'] == 403 and 'Changes need an admin-level user' in out['msg']
    assert effective(sim) == ('auto', 'clk1')


def test_write_dropped_before_the_device_got_it(tmp_path, sim):
    sim.inject(kind='drop', method='POST', count=1)
    out = rsc(tmp_path, sim, selected_clock='clk2', wait_timeout=1)[1]
    assert out['failed'] is True and out['changed'] is False
    assert 'the write got no proper reply' in out['msg'] and 'the change was not applied' in out['msg']
    assert out['after']['selected_clock'] == 'clk1'


def test_write_answered_503(tmp_path, sim):
    sim.inject(kind='status', status=503, method='POST', count=1)
    out = rsc(tmp_path, sim, selected_clock='clk2', wait_timeout=1)[1]
    assert out['failed'] is True and 'answered HTTP 503' in out['msg']
    assert [c for c in calls(out) if c == WRITE] == [WRITE]  # never repeated


def test_two_plays_racing_on_one_chassis(tmp_path, sim):
    """Two runs pull the card in different directions at once: each ends verified or with a clear failure."""
    results = {}

    def apply(clock):
        directory = tmp_path / clock
        directory.mkdir()
        results[clock] = rsc(directory, sim, switch_mode='manual', selected_clock=clock, wait_timeout=3)[1]

    threads = [threading.Thread(target=apply, args=(clock,)) for clock in ('clk1', 'clk2')]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = effective(sim)
    assert final[0] == 'manual'
    for clock, out in results.items():
        if out['failed']:
            assert 'did not show the asked state selected_clock=%s, switch_mode=manual' % clock in out['msg']
        else:
            assert out['after'] == {'switch_mode': 'manual', 'selected_clock': clock}
    # Whoever reported success last was read back; the card shows one of the asked states, never a mix.
    assert final[1] in ('clk1', 'clk2')
    assert any(not out['failed'] for out in results.values())


def test_without_a_setting_it_only_reads(tmp_path, sim):
    for settings in ({}, {'switch_mode': 'any', 'selected_clock': 'any'}, {'switch_mode': None}):  # null: not set
        sim.reset()
        out = rsc(tmp_path, sim, record=True, **settings)[1]
        assert out['failed'] is False and out['changed'] is False and out['outcome'] == 'compliant', out
        assert [(r['method'], r['path']) for r in sim.stats()['requests']] == [('GET', '/api/status/chassis0')]
        assert out['record']['status'] == 'ok' and out['record']['desired'] == {'switch_mode': None, 'selected_clock': None}


def test_bad_choice_fails_before_any_request(tmp_path, sim):
    out = rsc(tmp_path, sim, selected_clock='clk3')[1]
    assert out['failed'] is True and "value of selected_clock must be one of: clk1, clk2, any, got: clk3" in out['msg']
    assert sim.stats()['requests'] == []
