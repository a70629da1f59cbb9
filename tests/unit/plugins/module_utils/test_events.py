# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The rsc_events source's change detection: before/after pairs of RSC facts in, events out, no network."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.meinberg.lantime.plugins.module_utils import events
from ansible_collections.meinberg.lantime.plugins.module_utils import facts


def card(mode='auto', clock='clk1', panel=('auto', 'clk1'), sync=(True, True), fitted=(True, True), count=0,
         outputs=True, watchdog=True, slot='rsc', model='rsc180'):
    """RSC facts as rsc_info returns them, with alarms and failover_ready computed by the facts code."""
    rsc = {
        'slot_id': slot, 'model': model, 'serial_number': '052312000318', 'software_revision': 'v1.12',
        'switch_mode': mode, 'selected_clock': clock,
        'front_panel': {'mode_switch': panel[0], 'clock_switch': panel[1]},
        'outputs_enabled': outputs,
        'clocks': {'clk1': {'time_sync': sync[0], 'fitted': fitted[0], 'model': 'gps180'},
                   'clk2': {'time_sync': sync[1], 'fitted': fitted[1], 'model': 'gps180'}},
        'watchdog_ok': watchdog, 'access_control_override': False, 'time_limit_error': False,
        'switchover_count': count, 'last_switchover': None,
    }
    rsc['alarms'] = facts.rsc_alarms(rsc)
    rsc['failover_ready'] = facts.failover_ready(rsc)
    return rsc


def kinds(changes):
    return [change['type'] for change in changes]


def test_equal_facts_give_nothing():
    assert events.compare(card(), card()) == []


def test_failover_after_lost_sync():
    changes = events.compare(card(), card(clock='clk2', sync=(False, True), count=1))
    assert kinds(changes) == ['switchover', 'sync_lost', 'failover_ready_changed', 'alarm_raised']
    switchover, lost, ready, alarm = changes
    assert (switchover['slot'], switchover['before'], switchover['after']) == ('rsc', 'clk1', 'clk2')
    assert (lost['clock'], lost['before'], lost['after']) == ('clk1', True, False)
    assert (ready['before'], ready['after']) == (True, False)
    assert (alarm['alarm'], alarm['before'], alarm['after']) == ('clk1 not synchronized', None, 'clk1 not synchronized')


def test_sync_restored_without_switching_back():
    changes = events.compare(card(clock='clk2', sync=(False, True), count=1), card(clock='clk2', count=1))
    assert kinds(changes) == ['sync_restored', 'failover_ready_changed', 'alarm_cleared']
    assert changes[0]['clock'] == 'clk1' and (changes[0]['before'], changes[0]['after']) == (False, True)
    assert changes[2]['alarm'] == 'clk1 not synchronized' and changes[2]['after'] is None


def test_standby_clock_lost_sync_is_no_switchover():
    assert kinds(events.compare(card(), card(sync=(True, False)))) == \
        ['sync_lost', 'failover_ready_changed', 'alarm_raised']


def test_both_clocks_lost_sync():
    changes = events.compare(card(), card(sync=(False, False)))
    assert [(c['type'], c.get('clock')) for c in changes if c['type'] == 'sync_lost'] == \
        [('sync_lost', 'clk1'), ('sync_lost', 'clk2')]


def test_switch_there_and_back_between_two_polls_still_counts():
    changes = events.compare(card(count=3), card(count=5))
    assert kinds(changes) == ['switchover'] and (changes[0]['before'], changes[0]['after']) == ('clk1', 'clk1')


def test_counter_reset_by_a_restart_is_no_switchover():
    assert events.compare(card(count=7), card(count=0)) == []


def test_front_panel_to_manual():
    changes = events.compare(card(), card(mode='manual', clock='clk2', panel=('manual', 'clk2')))
    assert kinds(changes) == ['switchover', 'mode_changed', 'front_panel_changed', 'failover_ready_changed',
                              'alarm_raised']
    mode, panel = changes[1], changes[2]
    assert (mode['before'], mode['after']) == ('auto', 'manual')
    assert panel['before'] == {'mode_switch': 'auto', 'clock_switch': 'clk1'}
    assert panel['after'] == {'mode_switch': 'manual', 'clock_switch': 'clk2'}
    assert changes[4]['alarm'].startswith('front-panel mode switch on manual')


def test_clock_switch_moved_in_auto_is_a_front_panel_change_only():
    assert kinds(events.compare(card(), card(panel=('auto', 'clk2')))) == ['front_panel_changed']


def test_remote_manual_mode():
    changes = events.compare(card(), card(mode='manual'))
    assert kinds(changes) == ['mode_changed', 'failover_ready_changed', 'alarm_raised']
    assert changes[2]['alarm'] == 'manual mode: no failover'


def test_alarm_text_change_is_one_cleared_and_one_raised():
    before = card(mode='manual')
    after = card(mode='manual', panel=('manual', 'clk1'))
    changes = events.compare(before, after)
    assert kinds(changes) == ['front_panel_changed', 'alarm_raised', 'alarm_cleared']


def test_other_alarms():
    assert kinds(events.compare(card(), card(watchdog=False, outputs=False))) == \
        ['failover_ready_changed', 'alarm_raised', 'alarm_raised']


# -- step(): first reads, outages, recoveries ----------------------------------------------------------------------
def run(observations, startup_event=False):
    state = events.new_state()
    out = []
    for observation in observations:
        state, changes = events.step(state, observation, startup_event)
        out.append(kinds(changes))
    return state, out


def test_first_read_is_silent_by_default():
    assert run([card()])[1] == [[]]


def test_startup_event_once():
    state, out = run([card(), card(), card()], startup_event=True)
    assert out == [['startup'], [], []]
    assert state['polls'] == 3 and state['error'] is None


def test_startup_event_carries_the_card():
    change = events.step(events.new_state(), card(clock='clk2'), True)[1][0]
    assert (change['slot'], change['before'], change['after']) == ('rsc', None, 'clk2')


def test_unreachable_once_then_reachable_once():
    error = events.Unreachable('127.0.0.1:1: GET /api/status/chassis0 failed: could not connect')
    state, out = run([card(), error, error, error, card(), card()])
    assert out == [[], ['unreachable'], [], [], ['reachable'], []]
    assert state['error'] is None


def test_unreachable_event_names_the_reason_and_the_last_slot():
    state = events.step(events.new_state(), card(slot='rsc2'))[0]
    state, changes = events.step(state, events.Unreachable('timeout'))
    assert changes == [{'type': 'unreachable', 'slot': 'rsc2', 'before': 'reachable', 'after': 'unreachable',
                        'error': 'timeout'}]
    state, changes = events.step(state, card(slot='rsc2'))
    assert changes == [{'type': 'reachable', 'slot': 'rsc2', 'before': 'unreachable', 'after': 'reachable',
                        'error': 'timeout'}]


def test_unreachable_from_the_start():
    error = events.Unreachable('refused')
    state, out = run([error, error, card(), card(clock='clk2', count=1)], startup_event=True)
    assert out == [['unreachable'], [], ['reachable', 'startup'], ['switchover']]
    assert run([error])[0]['rsc'] is None
    assert events.step(events.new_state(), error)[1][0]['slot'] is None


def test_changes_during_an_outage_are_reported_on_return():
    state, out = run([card(), events.Unreachable('restart'), card(clock='clk2', sync=(False, True), count=1)])
    assert out[2] == ['reachable', 'switchover', 'sync_lost', 'failover_ready_changed', 'alarm_raised']


def test_step_does_not_modify_the_state_passed_in():
    state = events.new_state()
    events.step(state, card())
    assert state == events.new_state()


def test_step_refuses_other_observations():
    with pytest.raises(TypeError):
        events.step(events.new_state(), 'clk1')


# -- the event itself ------------------------------------------------------------------------------------------------
def test_event_shape():
    change = events.compare(card(), card(sync=(False, True), clock='clk2', count=1))[1]
    rsc = card(sync=(False, True), clock='clk2', count=1)
    event = events.make_event(change, 'ims1', 'https://ims1.example.net', rsc, '2026-01-01T00:00:00.000000Z',
                              'ims1_rsc')
    assert list(event) == ['lantime']
    body = event['lantime']
    assert body == {'type': 'sync_lost', 'chassis': 'ims1', 'host': 'https://ims1.example.net', 'slot': 'rsc',
                    'before': True, 'after': False, 'rsc': rsc, 'time': '2026-01-01T00:00:00.000000Z',
                    'inventory_host': 'ims1_rsc', 'clock': 'clk1'}
    json.dumps(event)  # plain JSON all the way down


def test_device_strings_are_defused():
    rsc = card(model="{{ lookup('pipe', 'id') }}")
    rsc['serial_number'] = '{% raw %}x'
    rsc['software_revision'] = 'v1.{#'
    event = events.make_event({'type': 'startup', 'slot': '{{ 7 * 6 }}', 'before': None, 'after': 'clk1'},
                              'ims1', 'https://ims1', rsc, 't')['lantime']
    text = json.dumps(event, ensure_ascii=False)
    for marker in events.TEMPLATE_MARKERS:
        assert marker not in text
    assert event['rsc']['model'] == u"\uff5b\uff5b lookup('pipe', 'id') \uff5d\uff5d"
    assert event['slot'] == u'\uff5b\uff5b 7 * 6 \uff5d\uff5d'
    assert rsc['model'] == "{{ lookup('pipe', 'id') }}"  # the facts passed in are not changed


def test_harmless_braces_are_kept():
    assert events.defuse({'a': ['x}', '{y', 1, None, True]}) == {'a': ['x}', '{y', 1, None, True]}


def test_every_type_is_listed():
    assert set(events.EVENT_TYPES) == set([
        'startup', 'unreachable', 'reachable', 'switchover', 'mode_changed', 'front_panel_changed', 'sync_lost',
        'sync_restored', 'failover_ready_changed', 'alarm_raised', 'alarm_cleared'])
