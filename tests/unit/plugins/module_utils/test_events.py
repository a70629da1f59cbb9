# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The rsc_events source's change detection: before/after pairs of RSC facts in, events out, no network."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import json
import warnings

import pytest

from ansible_collections.meinberg.lantime.plugins.module_utils import events
from ansible_collections.meinberg.lantime.plugins.module_utils import rules


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
    rsc['alarms'] = rules.rsc_alarms(rsc)
    rsc['failover_ready'] = rules.failover_ready(rsc)
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
                    'inventory_host': 'ims1_rsc', 'clock': 'clk1', 'count': 1,
                    'first_time': '2026-01-01T00:00:00.000000Z'}
    json.dumps(event)  # plain JSON all the way down


# Jinja2's opening delimiters: no string of an event may hold one.
JINJA_OPENERS = ('{{', '{%', '{#')


def test_device_strings_are_defused():
    rsc = card(model="{{ lookup('pipe', 'id') }}")
    rsc['serial_number'] = '{% raw %}x'
    rsc['software_revision'] = 'v1.{#'
    event = events.make_event({'type': 'startup', 'slot': '{{ 7 * 6 }}', 'before': None, 'after': 'clk1'},
                              'ims1', 'https://ims1', rsc, 't')['lantime']
    text = json.dumps(event, ensure_ascii=False)
    for marker in JINJA_OPENERS:
        assert marker not in text
    assert event['rsc']['model'] == u"\uff5b\uff5b lookup('pipe', 'id') \uff5d\uff5d"
    assert event['slot'] == u'\uff5b\uff5b 7 * 6 \uff5d\uff5d'
    assert rsc['model'] == "{{ lookup('pipe', 'id') }}"  # the facts passed in are not changed


# Device strings that became a template under the first defuse(), which only looked for {{, {% and {#; each is
# made to survive ansible-rulebook's native rendering (a Python literal) or Ansible's own templating.
ADVERSARIAL = [
    # quoted, with escapes: ansible-rulebook's literal evaluation turns them into {{ ... }}
    "'\\x7b\\x7b lookup(\"pipe\", \"id\") \\x7d\\x7d'",
    "'\\u007b\\u007b lookup(\"pipe\", \"id\") \\u007d\\u007d'",
    "'\\173\\173 lookup(\"pipe\", \"id\") \\175\\175'",
    "'\\N{LEFT CURLY BRACKET}\\N{LEFT CURLY BRACKET} 7 * 6 }}'",
    "b'\\x7b\\x7b 7 * 6 \\x7d\\x7d'.decode()",
    # halves that a rule joins
    'ends with {', '{ lookup("pipe", "id") }}', '%} tail', '{',
    # ansible-core templates a string that starts with this header under the delimiters it names
    "#jinja2:variable_start_string:'[[', variable_end_string:']]'\n[[ lookup('pipe', 'id') ]]",
    # ansible-rulebook decrypts what holds the vault header
    '$ANSIBLE_VAULT;1.1;AES256\n6162',
    '\\', '\\\\{', u'\uff5b{', '{{{{', '}}}}', '{%-', '{#-',
]


def literal(value):
    """What ansible-rulebook's native rendering makes of a rendered string (jinja2.nativetypes.native_concat)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')  # what Python says about a text like '052312000318 ims1_rsc'
            return ast.literal_eval(ast.parse(value, mode='eval'))
    except (ValueError, SyntaxError, MemoryError):
        return value


def could_template(value):
    """True for a string that Jinja2 or Ansible would see as a template, or ansible-rulebook as vault text."""
    if not isinstance(value, str):
        return any(could_template(item) for item in (value.values() if isinstance(value, dict) else value)) \
            if isinstance(value, (dict, list, tuple, set)) else False
    return (any(marker in value for marker in JINJA_OPENERS) or value.startswith('#jinja2:') or
            '$ANSIBLE_VAULT' in value)


@pytest.mark.parametrize('device', ADVERSARIAL)
def test_no_device_string_can_become_a_template(device):
    rsc = card(model=device)
    rsc['serial_number'] = device
    rsc['clocks']['clk1']['model'] = device
    rsc['alarms'] = [device]
    rsc[device] = {device: [device]}  # keys too, at any depth
    body = events.make_event({'type': 'unreachable', 'slot': device, 'before': 'reachable', 'after': 'unreachable',
                              'error': device}, 'ims1', 'https://ims1', rsc, 't', 'ims1_rsc')['lantime']
    strings = []

    def collect(value):
        if isinstance(value, dict):
            for key, item in value.items():
                strings.append(key)
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, str):
            strings.append(value)
    collect(body)
    assert device not in strings or not any(char in device for char in events.NEUTRALISED)
    for text in strings:
        assert not set(text) & set(events.NEUTRALISED), text
    # Alone, and every string joined to every other (a rule that templates two fields side by side), neither the
    # rendering nor its literal reading can hold a template.
    for first in strings:
        for second in [''] + strings:
            joined = first + second
            assert not could_template(joined) and not could_template(literal(joined)), (first, second)


def test_every_neutralised_character_is_replaced_wherever_it_stands():
    assert events.defuse(u'a{b}c\\d#e$f') == u'a\uff5bb\uff5dc\uff3cd\uff03e\uff04f'
    assert events.defuse({'x}': ['{y', 1, None, True, 2.5]}) == {u'x\uff5d': [u'\uff5by', 1, None, True, 2.5]}
    assert events.defuse(('#', ('$',))) == [u'\uff03', [u'\uff04']]


def test_other_text_is_kept():
    for text in ('rsc180', '052312000318 ', "it's \"quoted\" 100% [ok] (x) <y> @z: a, b; c = d * 2",
                 'clk1 not synchronized', u'Zeitserver \u00e4\u00f6\u00fc \uff5b'):
        assert events.defuse(text) == text


def test_the_sources_own_vocabulary_is_never_changed():
    words = list(events.EVENT_TYPES) + ['lantime', 'reachable', 'unreachable', 'auto', 'manual', 'clk1', 'clk2']
    rsc = card(mode='manual', panel=('manual', 'clk2'), sync=(False, None), fitted=(True, False), outputs=False,
               watchdog=False)
    rsc['access_control_override'] = True
    rsc['time_limit_error'] = True
    rsc['alarms'] = rules.rsc_alarms(rsc)
    body = events.make_event({'type': 'switchover', 'slot': 'rsc', 'before': 'clk1', 'after': 'clk2'},
                             'ims1.example.net', 'https://ims1.example.net:8443', rsc, '2026-01-01T00:00:00.000000Z',
                             'ims1.example.net_rsc')['lantime']
    assert events.defuse(words) == words
    assert events.defuse(body) == body and len(rsc['alarms']) >= 5


# -- storm control ---------------------------------------------------------------------------------------------------
def change(kind='switchover', before='clk1', after='clk2', **extra):
    return dict({'type': kind, 'slot': 'rsc', 'before': before, 'after': after}, **extra)


def stamp(now):
    return 't%g' % now


def feed(storm, now, *changes):
    return storm.feed(list(changes), now, stamp(now))


def test_a_single_change_passes_at_once():
    storm = events.StormControl(30)
    out = feed(storm, 100.0, change())
    assert out == [dict(change(), count=1, first_time='t100', time='t100')]
    assert storm.held() == {}


def test_flapping_gives_one_event_per_kind_and_interval_with_the_count():
    """A card switching at every poll (1 s) for 95 s, 30 s storm control: 4 events, every switch counted once."""
    storm = events.StormControl(30)
    emitted = []
    clocks = ['clk1', 'clk2']
    for second in range(0, 96):
        before, after = clocks[second % 2], clocks[(second + 1) % 2]
        for item in feed(storm, float(second), change(before=before, after=after)):
            emitted.append((second, item))
    for second in range(96, 130):  # quiet again: what was held leaves when its interval ends
        emitted.extend((second, item) for item in feed(storm, float(second)))
    assert [(second, item['count']) for second, item in emitted] == [(0, 1), (30, 30), (60, 30), (90, 30), (120, 5)]
    assert sum(item['count'] for dummy, item in emitted) == 96
    last = emitted[-1][1]
    # The first held change's before, the last one's after; the stamps of the first and the last poll.
    assert (last['before'], last['after'], last['first_time'], last['time']) == ('clk2', 'clk1', 't91', 't95')
    assert storm.held() == {}


def test_every_kind_has_its_own_bound():
    storm = events.StormControl(10)
    lost1 = change('sync_lost', True, False, clock='clk1')
    lost2 = change('sync_lost', True, False, clock='clk2')
    raised = change('alarm_raised', None, 'clk1 not synchronized', alarm='clk1 not synchronized')
    raised2 = change('alarm_raised', None, 'watchdog expired', alarm='watchdog expired')
    assert [c['type'] for c in feed(storm, 0.0, lost1, raised)] == ['sync_lost', 'alarm_raised']
    # Other clock, other alarm: other kinds, at once; the same kinds again: held.
    assert [(c['type'], c.get('clock'), c.get('alarm')) for c in feed(storm, 1.0, lost2, raised2, lost1)] == \
        [('sync_lost', 'clk2', None), ('alarm_raised', None, 'watchdog expired')]
    assert storm.held() == {('sync_lost', 'clk1', None): 1}
    assert feed(storm, 9.999) == []
    assert [(c['clock'], c['count']) for c in feed(storm, 10.0)] == [('clk1', 1)]


def test_held_changes_leave_in_the_order_they_happened():
    storm = events.StormControl(5)
    lost, restored = change('sync_lost', True, False, clock='clk1'), change('sync_restored', False, True, clock='clk1')
    assert len(feed(storm, 0.0, lost)) == 1
    assert len(feed(storm, 1.0, restored)) == 1
    feed(storm, 2.0, lost)
    feed(storm, 3.0, restored)
    feed(storm, 4.0, lost)
    out = feed(storm, 6.0)
    # The card ended with clk1 unsynchronized: the last event says so.
    assert [(c['type'], c['count']) for c in out] == [('sync_restored', 1), ('sync_lost', 2)]


def test_after_a_quiet_interval_the_next_change_passes_at_once_again():
    storm = events.StormControl(30)
    feed(storm, 0.0, change())
    assert feed(storm, 10.0, change(before='clk2', after='clk1')) == []
    assert [c['count'] for c in feed(storm, 30.0)] == [1]
    assert feed(storm, 59.0) == []
    assert [c['count'] for c in feed(storm, 60.0, change())] == [1]  # 30 s after the last event: at once
    assert [c['count'] for c in feed(storm, 200.0, change())] == [1]


def test_zero_turns_storm_control_off():
    storm = events.StormControl(0)
    for now in range(5):
        assert [c['count'] for c in feed(storm, float(now), change(), change('mode_changed', 'auto', 'manual'))] == \
            [1, 1]
    assert storm.held() == {}


def test_storm_control_keeps_no_entry_for_a_quiet_kind():
    storm = events.StormControl(30)
    for now in range(0, 3000, 31):
        feed(storm, float(now), change(), change('unreachable', 'reachable', 'unreachable', error='e%d' % now))
    feed(storm, 4000.0)
    assert storm._kinds == {}  # pylint: disable=protected-access


def test_unreachable_flapping_is_bounded_and_keeps_the_latest_reason():
    storm = events.StormControl(20)
    out = []
    for now in range(0, 40, 2):
        kind = 'unreachable' if now % 4 == 0 else 'reachable'
        out.extend(feed(storm, float(now), change(kind, 'x', 'y', error='reason %d' % now)))
    assert [(c['type'], c['count']) for c in out] == \
        [('unreachable', 1), ('reachable', 1), ('unreachable', 5), ('reachable', 5)]
    # Held ones leave with the reason of the last one counted.
    assert out[2]['error'] == 'reason 20' and out[3]['error'] == 'reason 22'


def test_a_held_event_carries_count_and_first_time():
    storm = events.StormControl(30)
    feed(storm, 0.0, change())
    feed(storm, 5.0, change(before='clk2', after='clk1'))
    feed(storm, 6.0, change(before='clk1', after='clk2'))
    held = feed(storm, 31.0)[0]
    event = events.make_event(held, 'ims1', 'https://ims1', card(clock='clk2'), held['time'], 'ims1_rsc')['lantime']
    assert (event['count'], event['first_time'], event['time'], event['before'], event['after']) == \
        (2, 't5', 't6', 'clk2', 'clk2')


def test_every_type_is_listed():
    assert set(events.EVENT_TYPES) == set([
        'startup', 'unreachable', 'reachable', 'switchover', 'mode_changed', 'front_panel_changed', 'sync_lost',
        'sync_restored', 'failover_ready_changed', 'alarm_raised', 'alarm_cleared', 'pending_changes_changed'])
