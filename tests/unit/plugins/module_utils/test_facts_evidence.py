# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Real-format evidence in the facts: the clocks' own word on the clock in use, RSC models, no clock, versions."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map
from ansible_collections.meinberg.lantime.plugins.module_utils import facts
from ansible_collections.meinberg.lantime.plugins.module_utils.errors import ReplyShapeError
from ansible_collections.meinberg.lantime.plugins.module_utils.rsc_card import rsc_from_document
from ansible_collections.meinberg.lantime.plugins.module_utils import rules

BLOCK = {
    'switch-mode': 'auto', 'selected-clock': 'clk1', 'front-panel': {'mode-switch': 'auto', 'clock-switch': 'clk1'},
    'outputs-enabled': True,
    'clocks': [{'object-id': 'clk1', 'time-sync': True}, {'object-id': 'clk2', 'time-sync': True}],
    'time-limit-error': False, 'watchdog-ok': True, 'access-control-override': False,
    'switchover-count': 0, 'last-switchover': 'never',
}


def clock(slot_id, idx):
    sync = {'clock-status': {'clock': 'synchronized'}}
    if idx is not None:
        sync['clock-idx'] = idx
    return {'object-id': slot_id, 'slot-id': slot_id, 'slot-type': 'clk',
            'module': {'info': {'model': 'gps180'}, 'sync-status': sync}}


def document(block=None, idx=('selected', 'secondary'), reference='clk1-gps', rsc_id='rsc', rsc_type='rsc',
             rsc_model='rsc180', full=True):
    rsc = {'object-id': rsc_id, 'slot-id': rsc_id, 'slot-type': rsc_type,
           'module': {'info': {'model': rsc_model}, 'rsc': copy.deepcopy(BLOCK if block is None else block)}}
    data = {'object-id': 'status',
            'chassis0': {'slots': [clock('clk1', idx[0]), clock('clk2', idx[1]), rsc]}}
    if full:
        data['rest-api'] = {'api-version': '20.05.013'}
        data['system'] = {'sync-status': {'reference': reference, 'clock-idx': 0}}
    return {'system-information': {'API Version': 'LANTIME REST API V20.05.013', 'version': 'fw_7.10.008'},
            'data': data}


def rsc_of(doc):
    return rsc_from_document(doc)[0]


def test_all_sources_agree():
    rsc = rsc_of(document())
    assert rsc['selected_clock'] == 'clk1' and rsc['selected_clock_source'] == 'rsc_card'
    assert rsc['selected_clock_evidence'] == {'rsc_card': 'clk1', 'system_reference': 'clk1', 'clock_idx': 'clk1'}
    assert rsc['selected_clock_conflict'] is False and rsc['failover_ready'] is True and rsc['alarms'] == []


@pytest.mark.parametrize('idx, reference, words', [
    (('secondary', 'selected'), 'clk2-gps', "the RSC card says clk1, the system sync-status reference says clk2, the "
                                            "clock slots' clock-idx says clk2"),
    (('selected', 'secondary'), 'clk2-gps', "the RSC card says clk1, the system sync-status reference says clk2, the "
                                            "clock slots' clock-idx says clk1"),
    (('secondary', 'selected'), 'none', "the RSC card says clk1, the clock slots' clock-idx says clk2"),
])
def test_disagreement_is_an_alarm_that_names_both(idx, reference, words):
    rsc = rsc_of(document(idx=idx, reference=reference))
    assert rsc['selected_clock'] == 'clk1' and rsc['selected_clock_conflict'] is True
    assert rsc['failover_ready'] is False
    assert rsc['alarms'] == ['selected clock disagrees: %s; which clock feeds the chassis is uncertain' % words]


@pytest.mark.parametrize('idx, reference, expected', [
    (('selected', 'selected'), 'clk9-gps', (None, None)),    # two clocks say selected; no clock slot clk9
    ((None, None), 'gps', (None, None)),
    (('selected', None), 'CLK1-gps', ('clk1', 'clk1')),
    ((7, 'selected'), '', (None, 'clk2')),                     # a wrong type counts as not said
])
def test_only_unambiguous_evidence_counts(idx, reference, expected):
    doc = document(idx=idx, reference=reference)
    chassis = facts.chassis_of(doc)
    clocks = dict((facts.slot_id(s), s) for s in chassis['slots'] if facts.slot_id(s) in api_map.CLOCK_IDS)
    evidence = facts.clock_evidence(doc, clocks)
    assert (evidence['system_reference'], evidence['clock_idx']) == expected


@pytest.mark.parametrize('raw', [None, '', 'N/A', 17])
def test_a_missing_selected_clock_is_taken_from_the_clocks(raw):
    block = dict(BLOCK)
    if raw is None:
        del block['selected-clock']
    else:
        block['selected-clock'] = raw
    rsc = rsc_of(document(block=block, idx=('secondary', 'selected'), reference='clk2-gps'))
    assert rsc['selected_clock'] == 'clk2' and rsc['selected_clock_source'] == 'system_reference'
    assert rsc['selected_clock_conflict'] is False
    assert 'selected clock unknown (the card did not report it usably)' not in rsc['alarms']
    # without a full read only clock-idx is there
    rsc = rsc_of(document(block=block, idx=('secondary', 'selected'), full=False))
    assert (rsc['selected_clock'], rsc['selected_clock_source']) == ('clk2', 'clock_idx')
    # nothing says it: unknown, as before
    rsc = rsc_of(document(block=block, idx=(None, None), full=False))
    assert rsc['selected_clock'] is None and rsc['selected_clock_source'] is None
    assert 'selected clock unknown (the card did not report it usably)' in rsc['alarms']


@pytest.mark.parametrize('raw', ['none', 'NONE', 'no-master'])
def test_no_clock_selected_is_a_state(raw):
    block = dict(BLOCK, **{'selected-clock': raw, 'outputs-enabled': False})
    rsc = rsc_of(document(block=block, idx=('secondary', 'secondary'), reference='none'))
    assert rsc['selected_clock'] is None and rsc['no_clock_selected'] is True
    assert rsc['selected_clock_source'] == 'rsc_card' and rsc['selected_clock_evidence']['rsc_card'] == 'none'
    assert rsc['failover_ready'] is False
    assert rsc['alarms'] == ['no clock selected: the RSC card feeds no clock to the backplane (outputs disabled)']
    assert rules.unknown_safety_state(rsc) == []


@pytest.mark.parametrize('model, slot_type, slot_id', [
    ('rsc180rdu', 'rsc', 'rsc1'), ('RSC2000', 'io', 'io5'), ('rsc180scu', None, 'x9'), ('rsc1000', 'rsc', 'rsc')])
def test_any_rsc_model_in_any_slot(model, slot_type, slot_id):
    doc = document(rsc_id=slot_id, rsc_type=slot_type, rsc_model=model)
    if slot_type is None:
        del doc['data']['chassis0']['slots'][2]['slot-type']
    rsc = rsc_of(doc)
    assert rsc['slot_id'] == slot_id and rsc['model'] == model
    slots = facts.chassis_facts(doc)[1]
    assert [s['slot_id'] for s in facts.select_slots(slots, ['rsc'])] == [slot_id]
    assert [s['slot_id'] for s in facts.select_slots(slots, ['RSC'])] == [slot_id]


def test_an_rsc_card_without_the_block_names_what_it_has():
    doc = document(rsc_id='rsc1', rsc_model='rsc180rdu')
    module = doc['data']['chassis0']['slots'][2]['module']
    module['switch-unit'] = module.pop('rsc')
    with pytest.raises(ReplyShapeError) as exc:
        rsc_of(doc)
    assert "slot 'rsc1' holds an RSC card (rsc180rdu) but no RSC status block (module.rsc)" in str(exc.value)
    assert 'keys found in its module: info, switch-unit' in str(exc.value) and 'api_check' in str(exc.value)
    with pytest.raises(ReplyShapeError, match='keys found in its module: info, switch-unit'):
        facts.find_rsc(facts.chassis_of(doc)['slots'], 'rsc1')


def test_versions_from_the_rest_api_block_else_the_text():
    doc = document()
    assert facts.rest_api_version(doc) == ('20.05.013', 'data.rest-api.api-version')
    device = facts.device_facts(doc)
    assert (device['ltos_version'], device['rest_api_version']) == ('7.10.008', '20.05.013')
    sub = document(full=False)
    sub['system-information'] = {'API Version': 'LANTIME REST API V10.21.016', 'version': 'fw_7.06.014-light'}
    assert facts.rest_api_version(sub) == ('10.21.016', 'system-information."API Version"')
    assert facts.api_major(sub) == 10 and facts.tokens_supported(10) is False and facts.tokens_supported(16) is True
    assert facts.device_facts(sub)['ltos_version'] == '7.06.014'
    assert facts.rest_api_version({'data': {'rest-api': {'api-version': 7}}}) == (None, None)
    assert facts.tokens_supported(None) is None


def test_the_write_comes_from_the_api_map():
    assert api_map.rsc_write('rsc1', 'auto') == ('POST', '/api/configuration/chassis0/slots/rsc1/module/rsc',
                                                 {'switch-mode': 'auto'}, 'post')
    assert api_map.rsc_write('rsc', None, 'clk2', style='put') == (
        'PUT', '/api/configuration/chassis0/slots/rsc/module/rsc', {'selected-clock': 'clk2'}, 'put')
    assert api_map.rsc_write('rsc', None, 'clk2', style='put-parameters') == (
        'PUT', '/api/configuration/chassis0/slots/rsc/module/rsc', {'parameters': {'selected-clock': 'clk2'}},
        'put-parameters')
