# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Internal to meinberg.lantime, not a public API: the record of one rsc task, and the role's words.

The record is the small, flat summary that reports list, one per host. The rsc action plugin adds it to a result as
`record` when the task asks for it (record=true, which the role meinberg.lantime.rsc sets); the role keeps it in the
host fact rsc_result, and the playbooks' JSON, JUnit and table reports are made from it. It holds no credential.
This is where the role is known: a refusal through the role names the role's variable, and the record of a task
that failed before it could make one is made here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.meinberg.lantime.plugins.module_utils import rules

ROLE = 'meinberg.lantime.rsc'
# The rsc option a refusal may name -> the role variable that sets it.
ROLE_VARIABLES = {rules.FAILOVER_OPTION: 'rsc_require_failover_ready', rules.FORCE_OPTION: 'rsc_force'}
# The result key with which tasks.py tells the rsc action plugin which option a refusal names (finish() adds the
# role's words), and the one that holds the card as read, for the record made when asked (rsc_record()). The action
# plugin removes both, so that the result stays short (rsc_info returns the card whole).
REFUSAL_OPTION = '_refusal_option'
CARD = '_card'
UNRECORDED = 'the task failed before it could record a result'
ROLE_UNRECORDED = 'the role failed before it could record a result'
NO_ADDRESS = ('no chassis address: set the host variable lantime_host (the inventory plugin meinberg.lantime.ims sets '
              'it for every slot it finds) or the LANTIME_HOST environment variable.')
# Everything up to the last "@" after the scheme: user information, and a password may hold "/" or "@".
USER_INFO = re.compile(r'^([A-Za-z][A-Za-z0-9+.-]*://)?.*@', re.DOTALL)


def address_only(host):
    """The API address without any user information, or None."""
    if not isinstance(host, str) or not host:
        return None
    return USER_INFO.sub(r'\1', host) or None


def finish(result, params, host_name, chassis, role_name=None):
    """What the rsc action plugin does to every result, on either path: a refusal through the role names the role's
    variable (role_words()), the record is added when the task asks for it (rsc_record()), and the keys tasks.py
    keeps for these two steps are removed.

    params are the task's options (not validated on the path through a module process, so record may be a string);
    role_name is the name of the role the task came from, if any.
    """
    option = result.pop(REFUSAL_OPTION, None)
    if role_name == ROLE:
        role_words(result, option)
    if boolean(params.get('record') or False, strict=False):
        result['record'] = rsc_record(result, params, host_name, chassis)
    result.pop(CARD, None)
    return result


def role_words(result, option):
    """A refusal that says to set an option names the role's variable for it instead (in refusal and msg)."""
    refusal = result.get('refusal')
    if option not in ROLE_VARIABLES or not isinstance(refusal, str):
        return result
    # The option's name as a word of its own: "force=true", "with require_failover_ready a chassis ...".
    words = re.compile(r'(?<![\w.])%s(?!\w)' % re.escape(option))
    reworded = words.sub(ROLE_VARIABLES[option], refusal)
    result['refusal'] = reworded
    if isinstance(result.get('msg'), str):
        result['msg'] = result['msg'].replace(refusal, reworded)
    return result


def rsc_record(result, params, host_name, chassis):
    """The record of an rsc result.

    params are the task's options (connection options included); host_name and chassis come from the inventory
    (inventory_hostname and lantime_chassis).
    """
    desired = rules.asked_state(params)
    address = address_only(params.get('host'))
    record = dict(host=host_name, chassis=chassis, slot=params.get('slot'), address=address, desired=desired,
                  before=None, after=None, drift=None, changed=False, status='failed', clocks=None,
                  front_panel=None, failover_ready=None, alarms=[], switchover_count=None, error=None)
    rsc = result.get(CARD)
    if isinstance(rsc, dict):
        state = None if 'before' in result and 'after' in result else rules.managed(rsc)
        record.update(slot=rsc.get('slot_id'), before=result.get('before', state), after=result.get('after', state),
                      drift=result.get('drift', False), clocks=rsc.get('clocks'), front_panel=rsc.get('front_panel'),
                      failover_ready=rsc.get('failover_ready'), alarms=list(rsc.get('alarms') or []),
                      switchover_count=rsc.get('switchover_count'))
    has_policy = any(value is not None for value in desired.values())
    record['status'] = rules.record_status(result, has_policy)
    if not result.get('failed'):
        record['changed'] = result.get('outcome') in ('changed', rules.STAGED)  # a write was sent
        return record
    record['changed'] = bool(result.get('changed'))
    record['error'] = _error(result, address)
    return record


def _error(result, address):
    if address is None and 'outcome' not in result:  # nothing was read: the address was missing
        return NO_ADDRESS
    if result.get('refusal'):
        return 'refused, nothing was changed: %s.' % result['refusal']
    return result.get('msg') or 'the task failed without a message'


def unrecorded(run, host_name, chassis, slot, switch_mode, selected_clock, address):
    """The record the role keeps when its rsc task failed before it could make one (an option that could not be
    templated, say): nothing read, nothing written, and the task's message. address is lantime_host, else the
    LANTIME_HOST environment variable."""
    record = dict(host=host_name, chassis=chassis, slot=slot, address=address_only(address or os.environ.get('LANTIME_HOST', '')),
                  desired=rules.asked_state({'switch_mode': switch_mode, 'selected_clock': selected_clock}),
                  before=None, after=None, drift=None, changed=False, status='failed', clocks=None, front_panel=None,
                  failover_ready=None, alarms=[], switchover_count=None, error=None)
    record['error'] = (run or {}).get('msg') or UNRECORDED
    return record


def fallback(failure, host_name, chassis, slot):
    """What the playbooks keep for a host whose role failed without leaving a record: who, and the failure's msg."""
    failure = failure or {}
    return {'host': host_name, 'chassis': chassis, 'slot': slot, 'status': 'failed',
            'error': failure['msg'] if 'msg' in failure else ROLE_UNRECORDED}


def role_failure(record, host_name):
    """The message the role fails a host with: the host, chassis, slot and address, then the record's error."""
    return '%s (chassis %s, slot %s, %s): %s%s' % (
        host_name, record.get('chassis') or '?', record.get('slot') or '?', record.get('address') or 'no address',
        'could not read the RSC card, nothing was changed: ' if record.get('status') == 'unreadable' else '',
        record.get('error'))
