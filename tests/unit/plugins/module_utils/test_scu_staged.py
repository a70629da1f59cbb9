# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The switch card under any name (rsc, scu, a model, a block) and the chassis' staged changes (pending-changes)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map
from ansible_collections.meinberg.lantime.plugins.module_utils import events
from ansible_collections.meinberg.lantime.plugins.module_utils import facts
from ansible_collections.meinberg.lantime.plugins.module_utils import rsc_card
from ansible_collections.meinberg.lantime.plugins.module_utils import rules
from ansible_collections.meinberg.lantime.plugins.module_utils.errors import ReplyShapeError

BLOCK = {
    'switch-mode': 'auto', 'selected-clock': 'clk1',
    'front-panel': {'mode-switch': 'auto', 'clock-switch': 'clk1'},
    'outputs-enabled': True,
    'clocks': [{'object-id': 'clk1', 'time-sync': True}, {'object-id': 'clk2', 'time-sync': True}],
    'time-limit-error': False, 'watchdog-ok': True, 'access-control-override': False,
    'switchover-count': 0, 'last-switchover': 'never',
}


def clock(slot_id):
    return {'object-id': slot_id, 'slot-id': slot_id, 'slot-type': 'clk',
            'module': {'info': {'model': 'gps180'}, 'sync-status': {'clock-status': {'clock': 'synchronized'}}}}


def card(slot_id, slot_type, model='rsc180', block=True):
    module = {'info': {'model': model}}
    if block:
        module['rsc'] = copy.deepcopy(BLOCK)
    return {'object-id': slot_id, 'slot-id': slot_id, 'slot-type': slot_type, 'module': module}


def envelope(slots, pending=0):
    document = {'system-information': {'hostname': 'ims1', 'version': 'fw_7.08.004'},
                'data': {'chassis0': {'slots': slots}}}
    if pending is not None:
        document['changes'] = {'pending-changes': pending}
    return document


# -- finding the card ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize('slot_type, model, block, expected', [
    ('rsc', 'x', False, True),       # the contract's slot type
    ('scu', 'x', False, True),       # the slot type of Meinberg's management header
    ('SCU ', 'x', False, True),      # any case, spaces ignored
    ('io', 'rsc2000', False, True),  # a model starting with rsc
    ('io', 'x', True, True),         # a module with an rsc block
    ('io', 'liu', False, False),
    (None, None, False, False),
])
def test_one_function_decides_from_three_recognisers(slot_type, model, block, expected):
    assert api_map.is_rsc_card(slot_type, model, block) is expected


def test_an_scu_slot_is_found_and_reported_as_rsc():
    slots = [clock('clk1'), clock('clk2'), card('scu1', 'scu', model='scu180')]
    rsc_slot, clocks = facts.find_rsc(slots)
    assert facts.slot_id(rsc_slot) == 'scu1' and sorted(clocks) == ['clk1', 'clk2']
    assert facts.slot_facts(slots[2])['slot_type'] == 'rsc'
    card_facts, device, dummy = facts.rsc_document(envelope(slots, pending=0))
    assert card_facts['slot_id'] == 'scu1' and device['pending_changes'] == 0


def test_an_scu_slot_without_a_block_says_what_its_module_holds():
    slots = [clock('clk1'), card('scu1', 'scu', model='scu180', block=False)]
    with pytest.raises(ReplyShapeError, match=r"slot 'scu1' holds an RSC card \(scu180\) but no RSC status block"):
        facts.find_rsc(slots)


def test_two_candidates_are_never_guessed_between():
    # One with the status block, one only by its slot type: which one switches the clocks is not known.
    slots = [clock('clk1'), card('rsc', 'rsc'), card('scu1', 'scu', model='scu180', block=False)]
    with pytest.raises(ReplyShapeError, match=r'several RSC cards \(rsc, scu1\): choose one with slot'):
        facts.find_rsc(slots)
    assert facts.slot_id(facts.find_rsc(slots, 'rsc')[0]) == 'rsc'
    # An empty slot of type scu is no candidate.
    empty = {'object-id': 'scu1', 'slot-id': 'scu1', 'slot-type': 'scu'}
    assert facts.slot_id(facts.find_rsc([clock('clk1'), card('rsc', 'rsc'), empty])[0]) == 'rsc'


def test_the_inventory_names_every_fitted_candidate():
    dummy, slot_list = facts.chassis_facts(envelope([clock('clk1'), card('rsc', 'rsc'),
                                                     card('scu1', 'scu', block=False),
                                                     {'object-id': 'rsc2', 'slot-type': 'rsc'}]))
    assert facts.rsc_candidate_ids(slot_list) == ['rsc', 'scu1']


# -- pending-changes -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize('changes, expected', [
    ({'pending-changes': 0}, 0),
    ({'pending-changes': 3}, 3),
    ({'pending-changes': '3'}, None),
    ({'pending-changes': -1}, None),
    ({'pending-changes': True}, None),
    ({}, None),
    ('none', None),
])
def test_pending_changes_come_from_the_envelope(changes, expected):
    document = envelope([clock('clk1'), card('rsc', 'rsc')], pending=None)
    document['changes'] = changes
    assert facts.pending_changes(document) == expected
    assert facts.device_facts(document)['pending_changes'] == expected


def current():
    return rules.assess(facts.card_facts(card('scu1', 'scu'), {'clk1': clock('clk1'), 'clk2': clock('clk2')}))


PARAMS = {'switch_mode': 'manual', 'selected_clock': 'clk2', 'force': False, 'require_failover_ready': False}


def test_staged_changes_of_others_refuse_a_write_unless_forced():
    decision = rules.decide(current(), PARAMS, 'ims1, slot scu1', pending_changes=2)
    assert decision['refusal'].startswith('the chassis holds 2 staged configuration changes')
    assert 'force=true' in decision['refusal'] and decision['changes'] == {}
    forced = rules.decide(current(), dict(PARAMS, force=True), 'ims1, slot scu1', pending_changes=2)
    assert forced['refusal'] is None and forced['changes'] == {'switch_mode': 'manual', 'selected_clock': 'clk2'}
    assert any('may apply those too' in warning for warning in forced['warnings'])
    # Nothing to change: nothing refused, whatever is staged.
    read = rules.decide(current(), dict(PARAMS, switch_mode='auto', selected_clock='clk1'), 'w', pending_changes=2)
    assert read['refusal'] is None and read['changes'] == {}
    assert rules.decide(current(), PARAMS, 'w', pending_changes=0)['refusal'] is None
    assert rules.decide(current(), PARAMS, 'w', pending_changes=None)['refusal'] is None


def applied(pending_after, shown=False):
    return {'shown': shown, 'seen': current(), 'changed': True, 'write_error': None, 'write_status': None,
            'write_refused': False, 'read_error': None, 'pending_changes': pending_after}


def test_a_write_that_raised_pending_changes_is_staged():
    decision = rules.decide(current(), PARAMS, 'ims1, slot scu1', pending_changes=0)
    verdict = rules.after_write(applied(1), decision, 'ims1, slot scu1', 30, False)
    assert verdict['outcome'] == 'staged'
    assert 'staged it, not applied' in verdict['msg'] and 'allow_staged=true' in verdict['msg']
    assert 'LTOS web interface' in verdict['msg']
    allowed = rules.after_write(applied(1), decision, 'ims1, slot scu1', 30, False, allow_staged=True)
    assert allowed['outcome'] == 'staged' and allowed['msg'] is None and 'staged it' in allowed['warnings'][0]
    # The count did not go up, or the card shows the change: not staged.
    assert rules.after_write(applied(0), decision, 'w', 30, False)['outcome'] == 'failed'
    assert rules.after_write(applied(None), decision, 'w', 30, False)['outcome'] == 'failed'
    assert rules.after_write(applied(1, shown=True), decision, 'w', 30, False)['outcome'] == 'changed'


def test_staged_is_a_status_the_reports_flag():
    assert rules.record_status({'failed': True, 'outcome': 'staged'}, True) == 'staged'
    assert rules.record_status({'failed': False, 'outcome': 'staged'}, True) == 'staged'
    assert 'staged' in rules.BAD_STATUSES and 'staged' in rules.NEEDS_A_LOOK
    assert 'staged' not in rules.UNREAD_STATUSES


# -- the event -----------------------------------------------------------------------------------------------------
def test_a_change_of_pending_changes_is_an_event():
    rsc = current()
    state, changes = events.step(None, rsc, pending_changes=0)
    assert changes == []
    state, changes = events.step(state, rsc, pending_changes=2)
    assert changes == [{'type': 'pending_changes_changed', 'slot': 'scu1', 'before': 0, 'after': 2}]
    # An unknown count keeps the last one and gives nothing.
    state, changes = events.step(state, rsc, pending_changes=None)
    assert changes == [] and state['pending_changes'] == 2
    state, changes = events.step(state, rsc, pending_changes=0)
    assert [(c['before'], c['after']) for c in changes] == [(2, 0)]


def test_a_refused_or_unanswered_write_is_never_staged_even_when_the_count_rose():
    # Someone else staged a change while the device refused ours: a refusal, with its write_style hint kept.
    decision = rules.decide(current(), PARAMS, 'w', pending_changes=0)
    refused = dict(applied(1), write_error='HTTP 405: Method Not Allowed', write_status=405, write_refused=True,
                   changed=False)
    verdict = rules.after_write(refused, decision, 'w', 30, False, allow_staged=True)
    assert verdict['outcome'] == 'failed' and 'the device refused the write' in verdict['msg']
    assert not rules.is_staged(refused, 0)
    unanswered = dict(applied(1), write_error='no reply', write_status=None)
    assert not rules.is_staged(unanswered, 0)
    assert rules.after_write(unanswered, decision, 'w', 30, False)['outcome'] == 'failed'


def test_a_change_shown_while_the_count_rose_is_changed_with_a_warning():
    decision = rules.decide(current(), PARAMS, 'ims1, slot scu1', pending_changes=0)
    verdict = rules.after_write(applied(1, shown=True), decision, 'ims1, slot scu1', 30, False)
    assert verdict['outcome'] == 'changed' and verdict['msg'] is None
    assert len(verdict['warnings']) == 1
    warning = verdict['warnings'][0]
    assert warning.startswith('ims1, slot scu1: the change is applied (the card shows it), but the chassis now holds '
                              '1 staged configuration change (changes.pending-changes was 0 before the write)')
    assert 'the next change is refused' in warning and 'force=true' in warning and 'LTOS web interface' in warning
    # The same count as before, or none reported: no word.
    for after in (0, None):
        assert rules.after_write(applied(after, shown=True), decision, 'w', 30, False)['warnings'] == []
    # Two of others before (force=true) and still two: not ours.
    forced = rules.decide(current(), dict(PARAMS, force=True), 'w', pending_changes=2)
    assert rules.after_write(applied(2, shown=True), forced, 'w', 30, False)['warnings'] == []


# -- the read-backs after a write, with a fake clock ---------------------------------------------------------------
class FakeClock:
    def __init__(self):
        self.now = 100.0

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class RisingClient:
    """Accepts the write; the card never shows it, and pending-changes rises from 0 to 1 at rise_at."""

    def __init__(self, clock, rise_at):
        self.clock, self.rise_at = clock, rise_at
        self.rise_seen = None

    def write(self, path, body, method, reply=None):
        pass

    def get(self, path, deadline=None):
        self.clock.now += 0.05
        pending = 1 if self.clock.now >= self.rise_at else 0
        if pending and self.rise_seen is None:
            self.rise_seen = self.clock.now
        return {'data': card('scu1', 'scu'), 'changes': {'pending-changes': pending}}


def test_a_staged_write_is_watched_for_the_settle_time_from_the_first_read_that_shows_the_rise():
    fake_clock = FakeClock()
    client = RisingClient(fake_clock, rise_at=105.0)  # the count rises 5 s after the write
    outcome = rsc_card.apply_change(client, 'scu1', api_map.rsc_write('scu1', selected_clock='clk2'),
                                    {'switch_mode': None, 'selected_clock': 'clk2'},
                                    {'switch_mode': 'auto', 'selected_clock': 'clk1'},
                                    {'clk1': clock('clk1'), 'clk2': clock('clk2')}, 30,
                                    monotonic=fake_clock.monotonic, sleep=fake_clock.sleep, pending_before=0)
    assert not outcome['shown'] and outcome['pending_changes'] == 1
    watched = fake_clock.now - client.rise_seen
    assert rsc_card.STAGED_WRITE_SETTLE - rsc_card.POLL_INTERVAL <= watched <= rsc_card.STAGED_WRITE_SETTLE + 0.5
    assert fake_clock.now < 100.0 + 30  # not the whole wait_timeout
