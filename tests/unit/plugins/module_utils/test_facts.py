# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The normaliser, over the shapes and odd values real LTOS replies carry."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible_collections.meinberg.lantime.plugins.module_utils import facts
from ansible_collections.meinberg.lantime.plugins.module_utils import rules

RSC_BLOCK = {
    'switch-mode': 'auto', 'selected-clock': 'clk1',
    'front-panel': {'mode-switch': 'auto', 'clock-switch': 'clk1'},
    'outputs-enabled': True,
    'clocks': [{'object-id': 'clk1', 'time-sync': True}, {'object-id': 'clk2', 'time-sync': True}],
    'time-limit-error': False, 'watchdog-ok': True, 'access-control-override': False,
    'switchover-count': 0, 'last-switchover': 'never',
}


def clock(slot_id, model='gps180', status='synchronized'):
    return {'object-id': slot_id, 'slot-id': slot_id, 'slot-type': 'clk', 'slot-position': '0,1,1',
            'module': {'info': {'model': model, 'serial-number': '0123   ', 'software-revision': 'v1.0'},
                       'sync-status': {'clock-idx': 'selected', 'clock-status': {'clock': status}}}}


def chassis(rsc=None, clk2=True):
    slots = [
        {'object-id': 'pwr2', 'slot-id': 'pwr2', 'slot-type': 'pwr', 'slot-position': '0,1,1',
         'module': {'power-available': False, 'power-capacity': 0.0}},
        {'object-id': 'rsc', 'slot-id': 'rsc', 'slot-type': 'rsc', 'slot-position': '0,4,1',
         'module': {'info': {'model': 'rsc180', 'serial-number': 'N/A', 'software-revision': ''},
                    'rsc': copy.deepcopy(rsc or RSC_BLOCK)}},
        clock('clk1'),
        {'object-id': 'io3', 'slot-id': 'io3', 'slot-type': 'io', 'slot-position': '0,7,1'},
    ]
    if clk2:
        slots.append(clock('clk2'))
    else:
        slots.append({'object-id': 'clk2', 'slot-id': 'clk2', 'slot-type': 'clk', 'slot-position': '0,3,1'})
    return {'system-information': {'API Version': 'LANTIME REST API V16.03.004', 'version': 'fw_7.08.004',
                                   'serial-number': 'SER1  ', 'hostname': 'ims1', 'model': 'M3000'},
            'data': {'object-id': 'status', 'chassis0': {'model': 'M3000', 'serial-number': 'CH1', 'slots': slots}}}


@pytest.mark.parametrize('raw, expected', [
    ('', None), ('N/A', None), ('unknown', None), ('never', None), ('-', None), (None, None), (-1, None),
    ('001122334455    ', '001122334455'), (0, 0), (False, False), (True, True), (3.5, 3.5), ('Auto', 'Auto'),
])
def test_clean(raw, expected):
    assert facts.clean(raw) == expected


def test_slot_facts_fitted_empty_and_infoless():
    slots = facts.chassis_of(chassis())['slots']
    by_id = dict((s['slot-id'], facts.slot_facts(s)) for s in slots)
    assert by_id['clk1'] == {'slot_id': 'clk1', 'slot_type': 'clk', 'slot_position': '0,1,1', 'fitted': True,
                             'model': 'gps180', 'serial_number': '0123', 'software_revision': 'v1.0',
                             'clock_status': 'synchronized'}
    assert by_id['io3']['fitted'] is False and by_id['io3']['model'] is None
    assert by_id['pwr2']['fitted'] is False  # module without info: nothing we can name
    assert by_id['rsc']['serial_number'] is None and by_id['rsc']['rsc_switch_mode'] == 'auto'


def test_slot_type_falls_back_to_the_id():
    assert facts.slot_type({'object-id': 'io12'}) == 'io'


def test_rsc_facts_healthy():
    slots = facts.chassis_of(chassis())['slots']
    slot, clocks = facts.find_rsc(slots)
    rsc = rules.assess(facts.card_facts(slot, clocks))
    assert rsc['slot_id'] == 'rsc' and rsc['model'] == 'rsc180'
    assert rsc['switch_mode'] == 'auto' and rsc['selected_clock'] == 'clk1'
    assert rsc['clocks'] == {'clk1': {'time_sync': True, 'fitted': True, 'model': 'gps180'},
                             'clk2': {'time_sync': True, 'fitted': True, 'model': 'gps180'}}
    assert rsc['last_switchover'] is None and rsc['switchover_count'] == 0
    assert rsc['failover_ready'] is True and rsc['alarms'] == []


@pytest.mark.parametrize('change, alarm', [
    ({'switch-mode': 'manual'}, 'manual mode: no failover'),
    ({'front-panel': {'mode-switch': 'manual', 'clock-switch': 'clk1'}},
     'front-panel mode switch on manual: remote settings have no effect, no failover'),
    ({'clocks': [{'object-id': 'clk1', 'time-sync': True}, {'object-id': 'clk2', 'time-sync': False}]},
     'clk2 not synchronized'),
    ({'outputs-enabled': False}, 'outputs disabled'),
    ({'watchdog-ok': False}, 'watchdog expired'),
    ({'access-control-override': True}, 'access control override on'),
    ({'time-limit-error': True}, 'time limit error'),
])
def test_rsc_alarms(change, alarm):
    block = copy.deepcopy(RSC_BLOCK)
    block.update(change)
    slot, clocks = facts.find_rsc(facts.chassis_of(chassis(block))['slots'])
    rsc = rules.assess(facts.card_facts(slot, clocks))
    assert rsc['alarms'] == [alarm]
    standby_lost = alarm in ('clk2 not synchronized', 'outputs disabled') or 'manual' in alarm
    assert rsc['failover_ready'] is not standby_lost


def test_rsc_empty_clock_slot():
    slot, clocks = facts.find_rsc(facts.chassis_of(chassis(clk2=False))['slots'])
    rsc = rules.assess(facts.card_facts(slot, clocks))
    assert rsc['clocks']['clk2'] == {'time_sync': True, 'fitted': False, 'model': None}
    assert rsc['alarms'] == ['clk2 slot empty'] and rsc['failover_ready'] is False


def test_find_rsc_errors_name_what_was_found():
    slots = facts.chassis_of(chassis())['slots']
    with pytest.raises(facts.ReplyShapeError, match=r"slot 'clk1' holds gps180 \(slot type clk\), not an RSC card"):
        facts.find_rsc(slots, 'clk1')
    with pytest.raises(facts.ReplyShapeError, match=r"there is no slot 'rsc9'.*clk1 \(gps180\)"):
        facts.find_rsc(slots, 'rsc9')
    no_rsc = [s for s in slots if s['slot-id'] != 'rsc']
    with pytest.raises(facts.ReplyShapeError, match=r'no RSC card in this chassis; slots found: clk1 \(gps180\)'):
        facts.find_rsc(no_rsc)
    second = copy.deepcopy([s for s in slots if s['slot-id'] == 'rsc'][0])
    second['slot-id'] = second['object-id'] = 'rsc2'
    with pytest.raises(facts.ReplyShapeError, match=r'several RSC cards \(rsc, rsc2\)'):
        facts.find_rsc(slots + [second])


def test_device_facts_strip_and_fall_back():
    device = facts.device_facts(chassis())
    assert device == {'hostname': 'ims1', 'model': 'M3000', 'serial_number': 'SER1', 'chassis_serial_number': 'CH1',
                      'firmware': 'fw_7.08.004', 'api_version': 'LANTIME REST API V16.03.004',
                      # the versions as numbers (LTOS from the firmware text; the REST API from data.rest-api, here
                      # absent, else the "API Version" text)
                      'ltos_version': '7.08.004', 'rest_api_version': '16.03.004',
                      # the envelope of this reply carries no changes.pending-changes
                      'pending_changes': None}


def test_bare_sub_tree_is_accepted():
    slot = chassis()['data']['chassis0']['slots'][1]
    assert facts.slot_of(slot)['slot-id'] == 'rsc'
    assert facts.slot_of({'data': slot})['slot-id'] == 'rsc'
    with pytest.raises(facts.ReplyShapeError):
        facts.chassis_of({'data': {'object-id': 'status'}})
