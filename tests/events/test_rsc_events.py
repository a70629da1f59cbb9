# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""meinberg.lantime.rsc_events through the real ansible-rulebook against the simulator over real HTTP."""

import datetime
import json

import yaml

from conftest import PASSWORD, REPO_ROOT, chassis_entries, print_rule, source, wait_until

INTERVAL = 1.0
# ansible-rulebook starts a JVM and the source reads every chassis once before anything can be compared.
START_TIMEOUT = 60
EVENT_TIMEOUT = 15


def utc(text):
    return datetime.datetime.strptime(text, '%Y-%m-%dT%H:%M:%S.%fZ').replace(tzinfo=datetime.timezone.utc)


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc)


def types(events, chassis):
    return [e['lantime']['type'] for e in events if e['lantime']['chassis'] == chassis]


def started(run, names):
    """Wait until the source has read every chassis once (its startup events)."""
    for name in names:
        run.wait_for(START_TIMEOUT, 'the startup event of %s' % name, kind='startup', chassis=name)


def get_count(sim, device, status):
    """How many GET /api/status/chassis0 the device answered with this status (0: dropped)."""
    return len([r for r in sim.stats(device)['requests']
                if r['method'] == 'GET' and r['path'] == '/api/status/chassis0' and r['status'] == status])


def finished_report(path):
    """The JSON report at path once it is written whole and not marked unfinished, else None."""
    try:
        data = json.loads(path.read_text(encoding='utf-8'))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get('complete', True) is not False else None


def test_failover_on_one_of_three_chassis_and_run_playbook(sims, rulebook, tmp_path):
    sim = sims(3)
    names = ['ims-a', 'ims-b', 'ims-c']
    facts_json = tmp_path / 'rsc-facts.json'
    run = rulebook([{
        # localhost too: rsc_facts prints its table in a play on localhost, and ansible-rulebook passes the
        # ruleset's hosts as the playbook's --limit.
        'name': 'RSC failover', 'hosts': 'all,localhost', 'match_multiple_rules': True,
        'sources': [source(sim, names, interval=INTERVAL)],
        'rules': [
            print_rule(),
            {'name': 'read the card after a switchover',
             'condition': 'event.lantime.type == "switchover"',
             'action': {'run_playbook': {
                 'name': 'meinberg.lantime.rsc_facts',
                 'extra_vars': {'rsc_hosts': '{{ event.lantime.inventory_host }}',
                                'rsc_facts_json': str(facts_json)}}}},
        ],
    }], inventory={'plugin': 'meinberg.lantime.ims', 'chassis': chassis_entries(sim, names), 'slot_types': ['rsc'],
                   'retries': 0}, verbosity=2)
    started(run, names)
    for index, name in enumerate(names):
        startup = run.events('startup', name)
        assert len(startup) == 1
        body = startup[0]['lantime']
        assert (body['host'], body['slot'], body['after'], body['inventory_host']) == \
            (sim.url(index), 'rsc', 'clk1', '%s_rsc' % name)
        assert body['rsc']['failover_ready'] is True and body['rsc']['alarms'] == []

    changed_at = now_utc()
    sim.set_clock('clk1', False, device=1)
    run.wait_for(EVENT_TIMEOUT, 'the switchover of ims-b', kind='switchover', chassis='ims-b')
    run.wait_for(EVENT_TIMEOUT, 'the sync_lost of ims-b', kind='sync_lost', chassis='ims-b')
    seen_at = now_utc()
    # The playbook's JSON report shows the new state.
    wait_until(lambda: facts_json.exists() and facts_json.stat().st_size > 0, 120,
               lambda: 'rsc_facts to write %s\n%s' % (facts_json, run.output[-6000:]))
    records = json.loads(facts_json.read_text(encoding='utf-8'))
    assert [r['host'] for r in records] == ['ims-b_rsc'], records
    assert records[0]['status'] == 'ok' and records[0]['failover_ready'] is False, records
    assert records[0]['after'] == {'switch_mode': 'auto', 'selected_clock': 'clk2'}, records
    assert 'clk1 not synchronized' in records[0]['alarms'], records
    # A few more polls of every chassis, so that a late or repeated event would show.
    polls = dict((i, get_count(sim, i, 200)) for i in range(3))
    wait_until(lambda: all(get_count(sim, i, 200) >= polls[i] + 3 for i in range(3)), 30, 'three more polls')

    switchover = run.events('switchover', 'ims-b')
    lost = run.events('sync_lost', 'ims-b')
    assert len(switchover) == 1 and len(lost) == 1, run.events()
    assert (switchover[0]['lantime']['before'], switchover[0]['lantime']['after']) == ('clk1', 'clk2')
    assert switchover[0]['lantime']['rsc']['selected_clock'] == 'clk2'
    assert switchover[0]['lantime']['rsc']['switchover_count'] == 1
    assert lost[0]['lantime']['clock'] == 'clk1'
    # Each event is stamped when the poll saw the change: after the change, before the test read the event.
    # (How soon a poll sees a change is the unit tests' and the benchmark's business, not a clock's here.)
    for event in switchover + lost:
        assert changed_at <= utc(event['lantime']['time']) <= seen_at, (changed_at, event, seen_at)
    assert sorted(types(run.events(), 'ims-b')) == \
        sorted(['startup', 'switchover', 'sync_lost', 'failover_ready_changed', 'alarm_raised'])
    assert types(run.events(), 'ims-a') == ['startup'] and types(run.events(), 'ims-c') == ['startup']
    # No credential anywhere, even at -vv with a playbook run.
    assert PASSWORD not in run.output
    assert run.stop() in (0, 130, -2)


def test_unreachable_once_and_reachable_once_while_others_flow(sims, rulebook):
    sim = sims(3)
    names = ['ims-a', 'ims-b', 'ims-c']
    run = rulebook([{'name': 'RSC reachability', 'hosts': 'all',
                     'sources': [source(sim, names, interval=INTERVAL)], 'rules': [print_rule()]}], verbosity=2)
    started(run, names)

    sim.settings(api_enabled=False, device=0)
    run.wait_for(EVENT_TIMEOUT, 'ims-a unreachable', kind='unreachable', chassis='ims-a')
    # While ims-a does not answer, ims-b's events keep flowing.
    sim.set_clock('clk1', False, device=1)
    run.wait_for(EVENT_TIMEOUT, 'the switchover of ims-b', kind='switchover', chassis='ims-b')
    # Three more failed polls of ims-a must not repeat the event.
    refused = get_count(sim, 0, 403)
    wait_until(lambda: get_count(sim, 0, 403) >= refused + 3, 30, 'three more polls of ims-a')
    assert len(run.events('unreachable', 'ims-a')) == 1

    sim.settings(api_enabled=True, device=0)
    run.wait_for(EVENT_TIMEOUT, 'ims-a reachable', kind='reachable', chassis='ims-a')
    answered = get_count(sim, 0, 200)
    wait_until(lambda: get_count(sim, 0, 200) >= answered + 3, 30, 'three more polls of ims-a')

    assert types(run.events(), 'ims-a') == ['startup', 'unreachable', 'reachable']
    unreachable = run.events('unreachable', 'ims-a')[0]['lantime']
    assert 'REST API is disabled' in unreachable['error'] and unreachable['rsc']['selected_clock'] == 'clk1'
    assert (unreachable['before'], unreachable['after']) == ('reachable', 'unreachable')
    assert 'switchover' in types(run.events(), 'ims-b') and types(run.events(), 'ims-c') == ['startup']
    assert PASSWORD not in run.output
    assert run.stop() in (0, 130, -2)


def test_timeouts_5xx_drops_and_malformed_replies(sims, rulebook):
    """Each fault makes two polls fail (one retry each): one unreachable, then one reachable, for each chassis."""
    sim = sims(4)
    names = ['ims-5xx', 'ims-drop', 'ims-garbled', 'ims-slow']
    run = rulebook([{'name': 'RSC faults', 'hosts': 'all',
                     'sources': [source(sim, names, interval=INTERVAL, retries=1, timeout=1)],
                     'rules': [print_rule()]}])
    started(run, names)
    sim.inject(device=0, kind='status', status=503, count=4)
    sim.inject(device=1, kind='drop', count=4)
    sim.inject(device=2, kind='malformed', count=4)
    sim.inject(device=3, kind='delay', delay_ms=1500, count=4)
    for name in names:
        run.wait_for(EVENT_TIMEOUT + 10, '%s reachable again' % name, kind='reachable', chassis=name)
    for index, name in enumerate(names):
        answered = get_count(sim, index, 200)
        wait_until(lambda i=index, n=answered: get_count(sim, i, 200) >= n + 2, 30, 'two more polls of %s' % name)
    for name in names:
        assert types(run.events(), name) == ['startup', 'unreachable', 'reachable'], (name, run.events())
    errors = dict((name, run.events('unreachable', name)[0]['lantime']['error']) for name in names)
    assert 'HTTP 503' in errors['ims-5xx']
    assert 'could not connect' in errors['ims-drop'] or 'failed' in errors['ims-drop']
    assert 'not valid JSON' in errors['ims-garbled']
    assert 'within 1 seconds' in errors['ims-slow']
    assert run.stop() in (0, 130, -2)


def test_front_panel_to_manual(sims, rulebook):
    sim = sims(1)
    run = rulebook([{'name': 'RSC front panel', 'hosts': 'all',
                     'sources': [source(sim, ['ims-a'], interval=INTERVAL)], 'rules': [print_rule()]}])
    started(run, ['ims-a'])
    sim.set_front_panel(mode_switch='manual', clock_switch='clk1')
    panel = run.wait_for(EVENT_TIMEOUT, 'front_panel_changed', kind='front_panel_changed')
    mode = run.wait_for(EVENT_TIMEOUT, 'mode_changed', kind='mode_changed')
    assert panel[0]['lantime']['before'] == {'mode_switch': 'auto', 'clock_switch': 'clk1'}
    assert panel[0]['lantime']['after'] == {'mode_switch': 'manual', 'clock_switch': 'clk1'}
    assert (mode[0]['lantime']['before'], mode[0]['lantime']['after']) == ('auto', 'manual')
    assert 'switchover' not in types(run.events(), 'ims-a')
    alarms = [e['lantime']['alarm'] for e in run.events('alarm_raised')]
    assert alarms == ['front-panel mode switch on manual: remote settings have no effect, no failover']
    assert run.stop() in (0, 130, -2)


def test_shipped_policy_rulebook_runs_drift_check(sims, rulebook, tmp_path):
    """extensions/eda/rulebooks/rsc_policy.yml as a user copies it: only the chassis, interval and report dir differ."""
    sim = sims(2)
    names = ['ims-a', 'ims-b']
    rulesets = yaml.safe_load((REPO_ROOT / 'extensions' / 'eda' / 'rulebooks' / 'rsc_policy.yml').read_text(
        encoding='utf-8'))
    options = rulesets[0]['sources'][0]['meinberg.lantime.rsc_events']
    options.update(chassis=chassis_entries(sim, names), interval=INTERVAL, startup_event=True)
    rulesets[0]['rules'].insert(0, print_rule())
    rulesets[0]['rules'][1]['condition'] = 'event.lantime.type == "no such event"'  # the copy's own print_event
    reports = tmp_path / 'reports'
    rulesets[0]['rules'][2]['action']['run_playbook']['extra_vars']['drift_check_report_dir'] = str(reports)
    run = rulebook(rulesets, inventory={'plugin': 'meinberg.lantime.ims', 'chassis': chassis_entries(sim, names),
                                        'slot_types': ['rsc'], 'retries': 0})
    started(run, names)
    sim.set_front_panel(mode_switch='manual', clock_switch='clk2', device=1)
    run.wait_for(EVENT_TIMEOUT, 'front_panel_changed', kind='front_panel_changed', chassis='ims-b')
    report = reports / 'drift-check.json'
    # drift_check first marks an earlier report as unfinished ("complete": false), then writes the finished one.
    data = wait_until(lambda: finished_report(report), 120,
                      lambda: 'drift_check to write %s\n%s' % (report, run.output[-6000:]))
    assert [h['host'] for h in data['hosts']] == ['ims-b_rsc'], data
    assert data['passed'] is False and data['hosts'][0]['status'] != 'ok', data
    assert types(run.events(), 'ims-a') == ['startup']
    assert run.stop() in (0, 130, -2)
