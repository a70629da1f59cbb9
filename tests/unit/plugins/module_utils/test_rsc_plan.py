# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The rsc module's decisions, made before anything is written."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map
from ansible_collections.meinberg.lantime.plugins.module_utils import rules as logic


def state(mode='auto', clock='clk1', panel=('auto', 'clk1'), sync=(True, True), fitted=(True, True)):
    return {'switch_mode': mode, 'selected_clock': clock,
            'front_panel': {'mode_switch': panel[0], 'clock_switch': panel[1]},
            'clocks': {'clk1': {'time_sync': sync[0], 'fitted': fitted[0], 'model': 'gps180'},
                       'clk2': {'time_sync': sync[1], 'fitted': fitted[1], 'model': 'gps180'}}}


def test_nothing_to_do():
    changes, predicted, warnings = logic.plan_change(state(), switch_mode='auto', selected_clock='clk1')
    assert changes == {} and predicted == {'switch_mode': 'auto', 'selected_clock': 'clk1'} and warnings == []


def test_only_what_differs_is_written():
    changes, predicted = logic.plan_change(state(mode='manual'), switch_mode='auto', selected_clock='clk1')[:2]
    assert changes == {'switch_mode': 'auto'}
    assert api_map.rsc_write_body(**changes) == {'switch-mode': 'auto'}
    assert predicted == {'switch_mode': 'auto', 'selected_clock': 'clk1'}


def test_manual_warns_failover_off():
    changes, warnings = logic.plan_change(state(), switch_mode='manual', selected_clock='clk2')[::2]
    assert api_map.rsc_write_body(**changes) == {'switch-mode': 'manual', 'selected-clock': 'clk2'}
    assert len(warnings) == 1 and 'failover is off' in warnings[0]


def test_unsynchronized_target_refused_unless_forced():
    with pytest.raises(logic.Refusal, match='clk2 is not synchronized.*force=true'):
        logic.plan_change(state(sync=(True, False)), selected_clock='clk2')
    changes, warnings = logic.plan_change(state(sync=(True, False)), selected_clock='clk2', force=True)[::2]
    assert changes == {'selected_clock': 'clk2'} and 'switches back at once' in warnings[0]


def test_empty_target_refused_even_when_forced():
    with pytest.raises(logic.Refusal, match='the clk2 slot is empty'):
        logic.plan_change(state(fitted=(True, False), sync=(True, False)), selected_clock='clk2', force=True)


def test_front_panel_manual_refuses_any_change_but_not_a_match():
    current = state(mode='manual', clock='clk2', panel=('manual', 'clk2'))
    with pytest.raises(logic.Refusal, match='front-panel mode switch is on Manual'):
        logic.plan_change(current, switch_mode='auto')
    with pytest.raises(logic.Refusal, match='selected_clock=clk2'):
        logic.plan_change(current, selected_clock='clk1')
    assert logic.plan_change(current, switch_mode='manual', selected_clock='clk2')[0] == {}


def test_auto_with_unsynchronized_current_clock_predicts_the_failover():
    changes, predicted, warnings = logic.plan_change(state(mode='manual', sync=(False, True)), switch_mode='auto')
    assert changes == {'switch_mode': 'auto'} and predicted['selected_clock'] == 'clk2'
    assert 'switch to clk2 at once' in warnings[0]


def test_shows_checks_only_what_was_asked():
    seen = {'switch_mode': 'auto', 'selected_clock': 'clk2'}
    assert logic.shows(seen, switch_mode='auto')
    assert not logic.shows(seen, switch_mode='auto', selected_clock='clk1')


def test_no_clock_selected_is_refused_unless_a_clock_is_forced():
    current = dict(state(clock=None), no_clock_selected=True)
    for asked in ({'switch_mode': 'auto'}, {'selected_clock': 'clk1'}, {'switch_mode': 'manual', 'force': True}):
        with pytest.raises(logic.Refusal) as exc:
            logic.plan_change(current, **asked)
        assert 'no clock selected' in str(exc.value) and 'selected_clock (clk1 or clk2) with force=true' in str(exc.value)
    changes, predicted, warnings = logic.plan_change(current, selected_clock='clk2', force=True)
    assert changes == {'selected_clock': 'clk2'} and predicted == {'switch_mode': 'auto', 'selected_clock': 'clk2'}
    assert 'turns its signal on for every output card' in warnings[0]
    # the other rules still hold: an empty slot is refused even then
    with pytest.raises(logic.Refusal, match='slot is empty'):
        logic.plan_change(dict(state(clock=None, fitted=(True, False)), no_clock_selected=True),
                          selected_clock='clk2', force=True)


def test_disagreeing_sources_are_refused_unless_forced_even_without_a_change():
    evidence = {'rsc_card': 'clk1', 'system_reference': 'clk2', 'clock_idx': 'clk2'}
    current = dict(state(), selected_clock_conflict=True, selected_clock_evidence=evidence)
    for asked in ({'switch_mode': 'auto'}, {'selected_clock': 'clk2'}):
        with pytest.raises(logic.Refusal) as exc:
            logic.plan_change(current, **asked)
        text = str(exc.value)
        assert 'the RSC card says clk1, the system sync-status reference says clk2' in text
        assert 'on site' in text and 'force=true' in text
    changes, _predicted, warnings = logic.plan_change(current, selected_clock='clk2', force=True)
    assert changes == {'selected_clock': 'clk2'} and 'going on because force=true' in warnings[0]
