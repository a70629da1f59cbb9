#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: rsc
short_description: Set the switch mode and the selected clock of the RSC card of a LANTIME IMS chassis
version_added: 0.1.0
description:
  - Sets the Redundant Switch Control (RSC) card of a Meinberg LANTIME IMS chassis to V(auto) or V(manual) mode
    and selects which clock module (V(clk1) or V(clk2)) feeds the chassis backplane, over the LTOS REST API.
  - Idempotent. It reads the card once, compares the state in effect with what is asked, and writes only the
    settings that differ. A second identical run changes nothing and writes nothing.
  - Safe. Before any write it refuses to select a clock that is not synchronized (unless O(force=true)), a clock
    slot that is empty, and any change while the card's front-panel mode switch is on Manual (remote settings
    would then be stored but not take effect).
  - Verified. After the write it reads the card until it shows the asked state, or fails after O(wait_timeout)
    seconds with the state it saw. It never reports success that it has not read back from the device.
  - How an IMS chassis takes RSC settings over the REST API is not publicly documented; the write this module sends
    (one C(POST) of the changed keys to the card's configuration object) is an assumption kept in one place in the
    collection (see the collection's API contract page).
author:
  - meinberg.lantime maintainers (@meinberg-lantime)
extends_documentation_fragment:
  - meinberg.lantime.connection
  - meinberg.lantime.attributes
  - meinberg.lantime.attributes.CONFIG_MODULE
options:
  slot:
    description:
      - The slot id of the RSC card, for example V(rsc). When left out, the chassis' RSC card is found on its own.
    type: str
  switch_mode:
    description:
      - V(auto) lets the card fail over to the other clock when the one in use loses sync (it does not switch back
        on its own). V(manual) pins the selected clock and turns failover off; the module warns when it sets it.
      - When left out, the mode stays as it is. At least one of O(switch_mode) and O(selected_clock) is required.
    type: str
    choices: [auto, manual]
  selected_clock:
    description:
      - The clock module that should feed the backplane. In V(auto) mode, selecting a clock is a one-time switchover;
        the card's automatic logic carries on from there.
      - When left out, the selected clock stays as it is.
    type: str
    choices: [clk1, clk2]
  force:
    description:
      - Allow selecting a clock module that is not synchronized. The outputs then follow a free-running clock.
      - An empty clock slot is refused even with O(force=true).
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait, after the write, for the card to show the asked state.
    type: int
    default: 30
notes:
  - The C(diff) holds only C(switch_mode) and C(selected_clock), as the card shows them in effect.
  - If the write gets no answer (a dropped connection or an HTTP 5xx), the module reads the card again and reports
    success only if the card shows the asked state.
seealso:
  - module: meinberg.lantime.rsc_info
'''

EXAMPLES = r'''
- name: Put the RSC card in auto mode (failover on)
  meinberg.lantime.rsc:
    host: ims1.example.net
    username: admin
    password: "{{ vault_lantime_password }}"
    switch_mode: auto

- name: Switch the backplane to clock 2 for maintenance on clock 1, and pin it
  meinberg.lantime.rsc:
    host: ims1.example.net
    username: admin
    password: "{{ vault_lantime_password }}"
    switch_mode: manual
    selected_clock: clk2

- name: Same, connection set once for the whole collection and taken from the inventory plugin's host variables
  module_defaults:
    group/meinberg.lantime.lantime:
      host: "{{ lantime_host }}"
      username: "{{ lantime_username }}"
      password: "{{ lantime_password }}"
  block:
    - name: Back to auto mode
      meinberg.lantime.rsc:
        slot: "{{ lantime_slot_id }}"
        switch_mode: auto

# Credentials from LANTIME_HOST, LANTIME_USERNAME and LANTIME_PASSWORD in the environment.
- name: Check for drift only (run with --check --diff)
  meinberg.lantime.rsc:
    switch_mode: auto
  check_mode: true
  register: drift
'''

RETURN = r'''
rsc:
  description:
    - The RSC card's state as read back from the device after the change (or as read before, when nothing changed
      or in check mode). The same shape as the C(rsc) result of M(meinberg.lantime.rsc_info).
  returned: success, and on failures after the write
  type: dict
  sample: {"slot_id": "rsc", "switch_mode": "auto", "selected_clock": "clk1", "failover_ready": true, "alarms": []}
diff:
  description: Before and after of C(switch_mode) and C(selected_clock), when run with C(--diff).
  returned: when diff mode is on
  type: dict
  sample: {"before": {"switch_mode": "manual", "selected_clock": "clk1"},
           "after": {"switch_mode": "auto", "selected_clock": "clk1"}}
written:
  description: The settings the module sent to the device (or would send, in check mode), in the API's spelling.
  returned: when changed
  type: dict
  sample: {"switch-mode": "auto"}
api_calls:
  description: The HTTP requests the task made, in order, without headers or bodies.
  returned: always
  type: list
  elements: dict
  sample: [{"method": "GET", "path": "/api/status/chassis0", "status": 200, "elapsed_ms": 10.1}]
'''

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map
from ansible_collections.meinberg.lantime.plugins.module_utils import rsc as logic
from ansible_collections.meinberg.lantime.plugins.module_utils.module import LantimeModule, check_slot_option

MAX_WAIT = 3600


def main():
    module = LantimeModule(
        dict(
            slot=dict(type='str'),
            switch_mode=dict(type='str', choices=list(api_map.SWITCH_MODES)),
            selected_clock=dict(type='str', choices=list(api_map.CLOCK_IDS)),
            force=dict(type='bool', default=False),
            wait_timeout=dict(type='int', default=30),
        ),
        required_one_of=[('switch_mode', 'selected_clock')],
    )
    params = module.params
    wait = params['wait_timeout']
    if isinstance(wait, bool) or not 1 <= wait <= MAX_WAIT:
        module.fail('invalid options: wait_timeout: must be a whole number of seconds from 1 to %d, got %s'
                    % (MAX_WAIT, wait))
    check_slot_option(module)
    asked = dict(switch_mode=params['switch_mode'], selected_clock=params['selected_clock'])

    def body():
        current, device, clocks = logic.read_rsc(module.client, params['slot'])
        slot_id = current['slot_id']
        where = '%s, slot %s' % (module.host, slot_id)
        before = logic.managed(current)
        try:
            changes, predicted, warnings = logic.plan_change(current, force=params['force'], **asked)
        except logic.Refusal as exc:
            module.fail('%s: refused, nothing was changed: %s.' % (where, exc), rsc=current, device=device)
        for warning in warnings:
            module.module.warn('%s: %s' % (where, warning))
        diff = {'before': before, 'after': predicted}
        result = dict(device=device, diff=diff) if module.module._diff else dict(device=device)
        if not changes:
            module.exit(changed=False, rsc=current, **result)
        written = logic.write_body(changes)
        if module.module.check_mode:
            module.exit(changed=True, rsc=current, written=written, **result)

        outcome = logic.apply_change(module.client, slot_id, written, asked, before, clocks, wait)
        seen = outcome['seen']
        if seen is not None:
            diff['after'] = logic.managed(seen)
        write_error = outcome['write_error']
        if outcome['shown']:
            if write_error:
                module.module.warn('%s: the write got no proper reply (%s), but the card shows the asked state'
                                   % (where, write_error))
            module.exit(changed=True, rsc=seen, written=written, **result)
        if seen is None:
            module.fail('%s: the write was sent%s, but the card could not be read back within %d s (%s). The change '
                        'may or may not have been applied: check the device with meinberg.lantime.rsc_info and run '
                        'the task again.' % (where, ' (%s)' % write_error if write_error else '', wait,
                                             outcome['read_error']),
                        changed=True, written=written, **result)
        state = logic.managed(seen)
        if write_error:
            result['status'] = outcome['write_status']
        if outcome['write_refused'] and not outcome['changed']:
            module.fail('%s: the device refused the write (%s); the card read back still shows %s: nothing was '
                        'changed.' % (where, write_error, state), changed=False, rsc=seen, **result)
        if write_error and not outcome['changed']:
            module.fail('%s: the write got no proper reply (%s), and within %d s the card still shows %s: the change '
                        'was not applied. Check the device and run the task again.' % (where, write_error, wait, state),
                        changed=False, rsc=seen, **result)
        if write_error:
            module.fail('%s: the write got no proper reply (%s) and within %d s the card did not show the asked state '
                        '%s; it shows %s. Part of the change was applied: check the device and run the task again.'
                        % (where, write_error, wait, logic.shows_text(asked), state),
                        changed=True, rsc=seen, written=written, **result)
        module.fail('%s: the device accepted the write, but within %d s the card did not show the asked state %s; it '
                    'shows %s. In auto mode the card switches back at once when the selected clock is not '
                    'synchronized and the other is; check the clocks with meinberg.lantime.rsc_info, and raise '
                    'wait_timeout if the card is only slow.' % (where, wait, logic.shows_text(asked), state),
                    changed=True, rsc=seen, written=written, **result)

    module.run(body)


if __name__ == '__main__':
    main()
