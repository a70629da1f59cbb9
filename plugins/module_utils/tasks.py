# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Internal to meinberg.lantime, not a public API: the tasks rsc_info, slot_info and rsc, step by step.

Each is a TaskDefinition (runner.py) that the module and the action plugin of the same name run. The steps read
the card (rsc_card.py), ask the rules (rules.py) what the state means and what may be written, write, and turn the
read-backs into the result. The words of every refusal and failure are the rules'.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map
from ansible_collections.meinberg.lantime.plugins.module_utils import facts
from ansible_collections.meinberg.lantime.plugins.module_utils import rsc_card
from ansible_collections.meinberg.lantime.plugins.module_utils import rules
from ansible_collections.meinberg.lantime.plugins.module_utils import write_trace
from ansible_collections.meinberg.lantime.plugins.module_utils.client import COLLECTION_VERSION
from ansible_collections.meinberg.lantime.plugins.module_utils.errors import LantimeError, user_message
from ansible_collections.meinberg.lantime.plugins.module_utils.record import CARD, REFUSAL_OPTION
from ansible_collections.meinberg.lantime.plugins.module_utils.runner import TaskDefinition, TaskFailed

MAX_WAIT = 3600
# The result key that holds the write trace's content (write_trace.py) for the rsc action plugin, which writes it into
# the write_trace directory on the controller and removes the key.
TRACE = '_write_trace'


def check_slot_option(task):
    """A given slot must be a plain slot id: it goes into request paths."""
    slot = task.params.get('slot')
    if slot is not None and not api_map.is_plain_slot_id(slot):
        task.fail('invalid options: slot: give a slot id such as rsc or clk1 (letters, digits, "-" and "_")')


# -- rsc_info ---------------------------------------------------------------------------------------------------------
def _rsc_info(task):
    check_slot_option(task)
    rsc, device = rsc_card.read_rsc(task.client, task.params['slot'])[:2]
    return {'changed': False, 'rsc': rsc, 'device': device}


RSC_INFO = TaskDefinition('rsc_info', dict(slot=dict(type='str')), _rsc_info)


# -- slot_info --------------------------------------------------------------------------------------------------------
def _slot_info(task):
    device, slots = facts.chassis_facts(task.client.get(api_map.CHASSIS_STATUS_PATH))
    return {'changed': False, 'device': device,
            'slots': facts.select_slots(slots, task.params['slot_types'], task.params['include_empty'])}


SLOT_INFO = TaskDefinition('slot_info', dict(
    slot_types=dict(type='list', elements='str', default=[]),
    include_empty=dict(type='bool', default=True),
), _slot_info)


# -- rsc ----------------------------------------------------------------------------------------------------------------
class Change:
    """One rsc task on one card: where it is, what the rules decided, and the results it can end in."""

    def __init__(self, task, current, pending_changes=None):
        self.task = task
        self.current = current
        self.where = '%s, slot %s' % (task.host, current['slot_id'])
        self.decision = rules.decide(current, task.params, self.where, pending_changes=pending_changes)
        # pending_changes: the chassis' staged changes as last read (before the write until one is sent).
        self.base = dict(before=self.decision['before'], drift=self.decision['drift'], pending_changes=pending_changes)

    def result(self, verdict, rsc, after, **extra):
        result = dict(self.base, outcome=verdict, after=after, failover_ready=rsc['failover_ready'])
        result[CARD] = rsc
        if self.task.diff and verdict != 'refused':
            result['diff'] = {'before': self.decision['before'], 'after': after}
        result.update(extra)
        return result

    def unchanged(self, verdict, after, **extra):
        """A result about the card as read, with the rules' warning when its redundancy is weakened."""
        if self.decision['weakened']:
            self.task.warnings.append(self.decision['weakened'])
        return self.result(verdict, self.current, after, **extra)


def _rsc(task):
    _check_rsc_options(task)
    current, device, clocks = _read(task)
    change = Change(task, current, device['pending_changes'])
    decision = change.decision
    if decision['refusal']:
        _refuse(change)
    task.warnings.extend(decision['warnings'])
    if not decision['changes']:
        return change.unchanged('compliant', decision['before'], changed=False)
    request = api_map.rsc_write(current['slot_id'], style=task.params['write_style'], **decision['changes'])
    if task.check_mode:
        return change.unchanged('would_change', decision['predicted'], changed=True, written=request.body)
    return _write(change, request, device, clocks)


def _write(change, request, device, clocks):
    """Send the write once and let the read-backs decide; the trace of the write goes into the result when asked."""
    task, decision, slot_id = change.task, change.decision, change.current['slot_id']
    trace = (write_trace.WriteTrace(request, slot_id, decision['asked'], device, COLLECTION_VERSION)
             if task.params['write_trace'] else None)
    applied = rsc_card.apply_change(task.client, slot_id, request, decision['asked'], decision['before'], clocks,
                                    task.params['wait_timeout'], pending_before=decision['pending_before'], trace=trace)
    try:
        result = _verify(change, applied, request.body)
    except TaskFailed as exc:
        if applied['write_hint']:
            exc.msg = '%s %s' % (exc.msg, applied['write_hint'])
        if trace is not None:
            exc.result[TRACE] = trace.document(exc.result.get('outcome'))
        raise
    if trace is not None:
        result[TRACE] = trace.document(result.get('outcome'))
    return result


def _check_rsc_options(task):
    wait = task.params['wait_timeout']
    if isinstance(wait, bool) or not 1 <= wait <= MAX_WAIT:
        task.fail('invalid options: wait_timeout: must be a whole number of seconds from 1 to %d, got %s'
                  % (MAX_WAIT, wait))
    check_slot_option(task)


def _read(task):
    """The card before any change; a card that cannot be read fails the task as unreadable."""
    try:
        return rsc_card.read_rsc(task.client, task.params['slot'])
    except LantimeError as exc:
        error = user_message(exc, task.host)
        task.fail(error.pop('msg'), outcome='unreadable', **error)


def _refuse(change):
    """A change the rules refuse fails the task, with nothing written."""
    decision = change.decision
    extra = {REFUSAL_OPTION: decision['refusal_option']} if decision['refusal_option'] else {}
    change.task.fail('%s: refused, nothing was changed: %s.' % (change.where, decision['refusal']),
                     **change.result('refused', change.current, decision['before'], refusal=decision['refusal'],
                                     **extra))


def _verify(change, applied, written):
    """The result after the write, from what the card shows (rsc_card.apply_change()) and what the rules make of it."""
    task, seen = change.task, applied['seen']
    verdict = rules.after_write(applied, change.decision, change.where, task.params['wait_timeout'],
                                task.params['require_failover_ready'], allow_staged=task.params['allow_staged'])
    task.warnings.extend(verdict['warnings'])
    change.base['pending_changes'] = applied['pending_changes']
    if applied['write_error']:
        change.base['status'] = applied['write_status']  # the HTTP status of the write's reply, as for any failed request
    if verdict['outcome'] == 'changed':
        return change.result('changed', seen, verdict['after'], changed=True, written=written)
    if verdict['outcome'] == rules.STAGED:
        staged = change.result(rules.STAGED, seen, verdict['after'], changed=True, written=written)
        if verdict['msg'] is None:
            return staged
        task.fail(verdict['msg'], **staged)
    if seen is None:
        task.fail(verdict['msg'], **dict(change.base, outcome='failed', changed=True, written=written, after=None))
    changed = True if applied['shown'] else applied['changed']
    task.fail(verdict['msg'], **change.result('failed', seen, verdict['after'], changed=changed, written=written))


RSC = TaskDefinition('rsc', dict(
    slot=dict(type='str'),
    switch_mode=dict(type='str', choices=list(api_map.SWITCH_MODES) + [rules.ANY]),
    selected_clock=dict(type='str', choices=list(api_map.CLOCK_IDS) + [rules.ANY]),
    force=dict(type='bool', default=False),
    require_failover_ready=dict(type='bool', default=False),
    wait_timeout=dict(type='int', default=30),
    write_trace=dict(type='path'),
    record=dict(type='bool', default=False),
    allow_staged=dict(type='bool', default=False),
), _rsc)
