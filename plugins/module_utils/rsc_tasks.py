# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The tasks rsc_info, rsc and slot_info: their options and what each one does.

The modules and the action plugins of the same names run these definitions (see task.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map
from ansible_collections.meinberg.lantime.plugins.module_utils import facts
from ansible_collections.meinberg.lantime.plugins.module_utils import rsc as logic
from ansible_collections.meinberg.lantime.plugins.module_utils.errors import LantimeError, ReplyShapeError
from ansible_collections.meinberg.lantime.plugins.module_utils.task import TaskDefinition

MAX_WAIT = 3600
# The value of switch_mode and selected_clock that leaves the setting alone, so that a policy can say so.
ANY = 'any'


def check_slot_option(task):
    """A given slot must be a plain slot id: it goes into request paths."""
    slot = task.params.get('slot')
    if slot is not None and not api_map.is_plain_slot_id(slot):
        task.fail('invalid options: slot: give a slot id such as rsc or clk1 (letters, digits, "-" and "_")')


# -- rsc_info ---------------------------------------------------------------------------------------------------------
def _rsc_info(task):
    check_slot_option(task)
    rsc, device = logic.read_rsc(task.client, task.params['slot'])[:2]
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
def redundancy_problems(rsc):
    """Why the card could not fail over right now, in words for a refusal (empty when both clocks and the card are fine)."""
    problems = []
    for clock_id in api_map.CLOCK_IDS:
        clock = rsc['clocks'][clock_id]
        if clock['fitted'] is False:
            problems.append('%s slot is empty' % clock_id)
        elif clock['time_sync'] is not True:
            problems.append('%s is not synchronized' % clock_id)
    if rsc['outputs_enabled'] is False:
        problems.append("the card's outputs are disabled")
    if rsc['watchdog_ok'] is False:
        problems.append("the card's watchdog expired")
    if rsc['time_limit_error'] is True:
        problems.append('the card reports a time limit error')
    if rsc['front_panel']['mode_switch'] == api_map.MODE_MANUAL:
        problems.append('the front-panel mode switch is on Manual, so remote settings take no effect; move it to Auto '
                        'on site')
    return problems


def _desired_text(asked):
    return 'switch_mode=%s, selected_clock=%s' % (asked['switch_mode'] or 'any', asked['selected_clock'] or 'any')


def asked_state(params):
    """The state the task asks for: switch_mode and selected_clock, None where not managed."""
    return dict((key, None if params.get(key) == ANY else params.get(key)) for key in ('switch_mode', 'selected_clock'))


def weakened_warning(where, rsc, drift, asked):
    """The warning for a card whose redundancy is weakened (it reports alarms), or None."""
    if not rsc.get('alarms'):
        return None
    return '%s: redundancy is weakened: %s.%s' % (
        where, '; '.join(rsc['alarms']),
        '' if drift else ' The card already has the desired state (%s), so nothing is changed.' % _desired_text(asked))


def _rsc(task):
    params = task.params
    wait = params['wait_timeout']
    if isinstance(wait, bool) or not 1 <= wait <= MAX_WAIT:
        task.fail('invalid options: wait_timeout: must be a whole number of seconds from 1 to %d, got %s'
                  % (MAX_WAIT, wait))
    check_slot_option(task)
    asked = asked_state(params)
    try:
        current, device, clocks = logic.read_rsc(task.client, params['slot'])
    except ReplyShapeError as exc:
        task.fail('%s: %s' % (task.host, exc), outcome='unreadable')
    except LantimeError as exc:
        task.fail(str(exc), status=exc.status, outcome='unreadable')
    slot_id = current['slot_id']
    where = '%s, slot %s' % (task.host, slot_id)
    before = logic.managed(current)
    drift = not logic.shows(current, **asked)
    base = dict(device=device, before=before, drift=drift)

    def outcome(verdict, rsc, after, **extra):
        result = dict(base, outcome=verdict, rsc=rsc, after=after, failover_ready=rsc['failover_ready'])
        if task.diff and verdict != 'refused':
            result['diff'] = {'before': before, 'after': after}
        result.update(extra)
        return result

    def succeeded(result):
        warning = weakened_warning(where, result['rsc'], drift, asked)
        if warning:
            task.warn(warning)
        return result

    if not any(asked.values()):  # nothing asked: a read, with none of the refusals that guard a change
        return succeeded(outcome('compliant', current, before, changed=False))
    try:
        changes, predicted, warnings = logic.plan_change(current, force=params['force'], **asked)
        problems = redundancy_problems(current) if changes and params['require_failover_ready'] else []
        if problems:
            raise logic.Refusal(
                '%s. The card is at switch_mode=%s, selected_clock=%s and should go to %s, but with '
                'require_failover_ready a chassis is changed only while both clocks are synchronized and the card is '
                'healthy. Fix that on the chassis (check the clock\'s antenna or reference input with '
                'meinberg.lantime.rsc_info) and run again; to change it anyway, for example to pin the good clock while '
                'the other is repaired, set require_failover_ready=false (in the role meinberg.lantime.rsc: set '
                'rsc_require_failover_ready=false)'
                % ('; '.join(problems), before['switch_mode'], before['selected_clock'], _desired_text(asked)))
    except logic.Refusal as exc:
        reason = str(exc)
        task.fail('%s: refused, nothing was changed: %s.' % (where, reason),
                  **outcome('refused', current, before, refusal=reason))
    for warning in warnings:
        task.warn('%s: %s' % (where, warning))
    if not changes:
        return succeeded(outcome('compliant', current, before, changed=False))
    written = logic.write_body(changes)
    if task.check_mode:
        return succeeded(outcome('would_change', current, predicted, changed=True, written=written))

    applied = logic.apply_change(task.client, slot_id, written, asked, before, clocks, wait)
    seen = applied['seen']
    after = logic.managed(seen) if seen is not None else None
    write_error = applied['write_error']
    if write_error:
        base['status'] = applied['write_status']  # the HTTP status of the write's reply, as for any failed request
    if applied['shown']:
        if write_error:
            task.warn('%s: the write got no proper reply (%s), but the card shows the asked state' % (where, write_error))
        result = outcome('changed', seen, after, changed=True, written=written)
        if params['require_failover_ready'] and seen['switch_mode'] == api_map.MODE_AUTO and not seen['failover_ready']:
            task.fail('%s: the card is now at %s in auto mode, but it would not fail over: %s. Redundancy is not '
                      'restored. Fix the cause on the chassis (see meinberg.lantime.rsc_info); the change itself stays '
                      'in place.' % (where, _desired_text(asked), '; '.join(seen['alarms']) or 'no alarm reported'),
                      **dict(result, outcome='failed'))
        return succeeded(result)
    if seen is None:
        task.fail('%s: the write was sent%s, but the card could not be read back within %d s (%s). The change may or '
                  'may not have been applied: check the device with meinberg.lantime.rsc_info and run the task again.'
                  % (where, ' (%s)' % write_error if write_error else '', wait, applied['read_error']),
                  **dict(base, outcome='failed', changed=True, written=written, after=None))
    state = logic.managed(seen)
    failed = outcome('failed', seen, after, changed=applied['changed'], written=written)
    if applied['write_refused'] and not applied['changed']:
        task.fail('%s: the device refused the write (%s); the card read back still shows %s: nothing was changed.'
                  % (where, write_error, state), **failed)
    if write_error and not applied['changed']:
        task.fail('%s: the write got no proper reply (%s), and within %d s the card still shows %s: the change was not '
                  'applied. Check the device and run the task again.' % (where, write_error, wait, state), **failed)
    if write_error:
        task.fail('%s: the write got no proper reply (%s) and within %d s the card did not show the asked state %s; it '
                  'shows %s. Part of the change was applied: check the device and run the task again.'
                  % (where, write_error, wait, logic.shows_text(asked), state), **failed)
    task.fail('%s: the device accepted the write, but within %d s the card did not show the asked state %s; it shows '
              '%s. In auto mode the card switches back at once when the selected clock is not synchronized and the '
              'other is; check the clocks with meinberg.lantime.rsc_info, and raise wait_timeout if the card is only '
              'slow.' % (where, wait, logic.shows_text(asked), state), **failed)


RSC = TaskDefinition('rsc', dict(
    slot=dict(type='str'),
    switch_mode=dict(type='str', choices=list(api_map.SWITCH_MODES) + [ANY]),
    selected_clock=dict(type='str', choices=list(api_map.CLOCK_IDS) + [ANY]),
    force=dict(type='bool', default=False),
    require_failover_ready=dict(type='bool', default=False),
    wait_timeout=dict(type='int', default=30),
), _rsc)
