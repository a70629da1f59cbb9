# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The record of one rsc task: the small, flat summary that reports list, one per host.

The rsc action plugin adds it to every result as `record`; the role meinberg.lantime.rsc keeps it in the host
fact rsc_result, and the playbooks' JSON, JUnit and table reports are made from it. It holds no credential.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.meinberg.lantime.plugins.module_utils.rsc import managed
from ansible_collections.meinberg.lantime.plugins.module_utils.rsc_tasks import asked_state

# The rsc task's outcome -> the record's status (check mode finds drift; a run fixes it).
VERDICTS = {'compliant': 'compliant', 'would_change': 'drift', 'changed': 'changed'}
FAILURE_STATUSES = ('refused', 'unreadable')
NO_ADDRESS = ('no chassis address: set the host variable lantime_host (the inventory plugin meinberg.lantime.ims sets '
              'it for every slot it finds) or the LANTIME_HOST environment variable.')
# Everything up to the last "@" after the scheme: user information, and a password may hold "/" or "@".
USER_INFO = re.compile(r'^([A-Za-z][A-Za-z0-9+.-]*://)?.*@', re.DOTALL)


def address_only(host):
    """The API address without any user information, or None."""
    if not isinstance(host, str) or not host:
        return None
    return USER_INFO.sub(r'\1', host) or None


def rsc_record(result, params, host_name, chassis):
    """The record of an rsc result.

    params are the task's options (connection options included); host_name and chassis come from the inventory
    (inventory_hostname and lantime_chassis).
    """
    desired = asked_state(params)
    address = address_only(params.get('host'))
    record = dict(host=host_name, chassis=chassis, slot=params.get('slot'), address=address, desired=desired,
                  before=None, after=None, drift=None, changed=False, status='failed', clocks=None,
                  front_panel=None, failover_ready=None, alarms=[], switchover_count=None, error=None)
    rsc = result.get('rsc')
    if isinstance(rsc, dict):
        state = managed(rsc)
        record.update(slot=rsc.get('slot_id'), before=result.get('before', state), after=result.get('after', state),
                      drift=result.get('drift', False), clocks=rsc.get('clocks'), front_panel=rsc.get('front_panel'),
                      failover_ready=rsc.get('failover_ready'), alarms=list(rsc.get('alarms') or []),
                      switchover_count=rsc.get('switchover_count'))
    if not result.get('failed'):
        outcome = result.get('outcome')
        has_policy = any(value is not None for value in desired.values())
        record.update(changed=outcome == 'changed', status=VERDICTS.get(outcome, 'failed') if has_policy else 'ok')
        return record
    # A failure before any read (invalid options, an address refused) has no outcome: nothing was read or written.
    outcome = result.get('outcome', 'unreadable')
    record['status'] = outcome if outcome in FAILURE_STATUSES else 'failed'
    record['changed'] = bool(result.get('changed'))
    if address is None and 'outcome' not in result:  # nothing was read: the address was missing
        record['error'] = NO_ADDRESS
    elif result.get('refusal'):
        record['error'] = 'refused, nothing was changed: %s.' % result['refusal']
    else:
        record['error'] = result.get('msg') or 'the task failed without a message'
    return record
