#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: rsc_info
short_description: Read the state of the RSC switch card of a LANTIME IMS chassis
version_added: 0.1.0
description:
  - Reads the Redundant Switch Control (RSC) card of a Meinberg LANTIME IMS chassis over the LTOS REST API (API 10 and later).
  - Reports the switch mode, the clock module that feeds the backplane, the front-panel switches, the sync state of
    both clock modules, whether the card would fail over right now (RV(rsc.failover_ready)), and every condition that
    weakens redundancy (RV(rsc.alarms)).
  - Makes exactly one HTTP request, C(GET /api/status/chassis0), whether O(slot) is given or not.
  - How an IMS chassis reports its RSC card is not publicly documented; the key names this module reads are
    assumptions kept in one place in the collection (see the collection's API contract page).
author:
  - meinberg.lantime maintainers (@meinberg-lantime)
extends_documentation_fragment:
  - meinberg.lantime.connection
  - meinberg.lantime.attributes
  - meinberg.lantime.attributes.INFO_MODULE
options:
  slot:
    description:
      - The slot id of the RSC card, for example V(rsc).
      - When left out, the chassis' RSC card is found on its own, in any slot (a slot of type C(rsc) or C(scu), a card
        whose model starts with C(rsc), or a module with an C(rsc) status block). A chassis with several such cards
        needs O(slot).
    type: str
seealso:
  - module: meinberg.lantime.rsc
  - module: meinberg.lantime.slot_info
'''

EXAMPLES = r'''
- name: Read the RSC card
  meinberg.lantime.rsc_info:
    host: ims1.example.net
    username: monitor
    password: "{{ vault_lantime_password }}"
  register: result

- name: Fail when the chassis could not fail over
  ansible.builtin.assert:
    that: result.rsc.failover_ready
    fail_msg: "{{ inventory_hostname }}: {{ result.rsc.alarms | join(', ') }}"

# On a host from the inventory plugin meinberg.lantime.ims, the address comes from the host variable lantime_host,
# and lantime_username/lantime_password (for example in group_vars, from a vault) give the credentials.
- name: Read the RSC card of this inventory host
  meinberg.lantime.rsc_info:
    slot: "{{ lantime_slot_id }}"
  register: result

- name: Set an option once for every module of the collection
  module_defaults:
    group/meinberg.lantime.lantime:
      ca_path: /etc/pki/lantime-ca.pem
  block:
    - name: Read the RSC card in slot rsc
      meinberg.lantime.rsc_info:
        slot: rsc
      register: result

# With LANTIME_HOST, LANTIME_USERNAME and LANTIME_PASSWORD (or LANTIME_TOKEN) in the environment,
# no connection option is needed at all.
- name: Read the RSC card, connection from the environment
  meinberg.lantime.rsc_info:
  environment:
    LANTIME_HOST: ims1.example.net
    LANTIME_TOKEN: "{{ lantime_token }}"
'''

RETURN = r'''
rsc:
  description: The RSC card's state.
  returned: success
  type: dict
  contains:
    slot_id:
      description: The slot that holds the card.
      type: str
      sample: rsc
    model:
      description: The card model, lower case.
      type: str
      sample: rsc180
    serial_number:
      description: The card's serial number, or null when the device does not report it.
      type: str
      sample: "039212004711"
    software_revision:
      description: The card's software revision.
      type: str
      sample: "1.12"
    switch_mode:
      description: The mode in effect, V(auto) (fails over on its own) or V(manual) (pinned, no failover).
      type: str
      sample: auto
    selected_clock:
      description:
        - The clock module that feeds the backplane now, or null when the card feeds no clock (see
          RV(rsc.no_clock_selected)) or no source says it unambiguously.
        - The RSC card's own report counts first; when it is missing, the clock cards' C(sync-status.clock-idx)
          (exactly one saying C(selected)) tell it (see RV(rsc.selected_clock_source)).
      type: str
      sample: clk1
    selected_clock_source:
      description: Where RV(rsc.selected_clock) came from, V(rsc_card), V(system_reference) or V(clock_idx); null
        when no source named one clock.
      type: str
      sample: rsc_card
    selected_clock_evidence:
      description: What each source said, keyed by source (a clock id, V(none) for a card without a clock, or null
        when the source was not read or named no single clock).
      type: dict
      sample: {"rsc_card": "clk1", "clock_idx": "clk1", "system_reference": null}
    selected_clock_conflict:
      description: True when two sources name different clocks. This is an alarm, C(failover_ready) is then false,
        and M(meinberg.lantime.rsc) refuses to write unless forced.
      type: bool
      sample: false
    no_clock_selected:
      description: True when the card reports that it feeds no clock (its outputs are off). An alarm; never
        compliant, never C(failover_ready).
      type: bool
      sample: false
    front_panel:
      description: The positions of the card's front-panel switches. With the mode switch on V(manual), the
        clock switch decides and remote settings have no effect.
      type: dict
      sample: {"mode_switch": "auto", "clock_switch": "clk1"}
    outputs_enabled:
      description: Whether the card passes the selected clock's signals on.
      type: bool
    clocks:
      description: The two clock modules, keyed V(clk1) and V(clk2), each with C(time_sync) (the clock is
        synchronized), C(fitted) (a card is in the slot) and C(model).
      type: dict
      sample: {"clk1": {"time_sync": true, "fitted": true, "model": "gps180"},
               "clk2": {"time_sync": true, "fitted": true, "model": "gps180"}}
    watchdog_ok:
      description: False when the card's watchdog expired.
      type: bool
    access_control_override:
      description: True when access control override is on.
      type: bool
    time_limit_error:
      description: True when the card reports a time limit error.
      type: bool
    switchover_count:
      description: Switchovers the card counted.
      type: int
      sample: 0
    last_switchover:
      description: When the last switchover happened (device time, C(YYYY-MM-DDThh:mm:ss)), or null for never.
      type: str
      sample: "2026-11-27T09:14:03"
    failover_ready:
      description: True when the card would switch to the other clock right now if the one in use lost sync
        (auto mode, the other clock fitted and synchronized, outputs enabled, front panel not on manual).
      type: bool
      sample: true
    alarms:
      description: One short text per condition that weakens redundancy; empty when all is well.
      type: list
      elements: str
      sample: ["clk2 not synchronized"]
device:
  description: The chassis.
  returned: success
  type: dict
  contains:
    hostname:
      description: The device's host name.
      type: str
    model:
      description: The chassis model.
      type: str
      sample: M3000
    serial_number:
      description: The device's serial number.
      type: str
    chassis_serial_number:
      description: The chassis' own serial number.
      type: str
    firmware:
      description: The running LTOS firmware.
      type: str
      sample: fw_7.08.004
    api_version:
      description: The REST API version string the device reports.
      type: str
      sample: LANTIME REST API V16.03.004
    ltos_version:
      description: The LTOS version, from the firmware string.
      type: str
      sample: 7.08.004
    rest_api_version:
      description: The REST API version number (from C(data.rest-api.api-version) when the reply has it, else from
        RV(device.api_version)). Bearer tokens need 16 or later (LTOS 7.08).
      type: str
      sample: 16.03.004
    pending_changes:
      description:
        - The configuration changes the chassis holds staged, not yet applied (C(changes.pending-changes) of the
          reply's envelope); null when the reply does not carry it.
        - Above 0, M(meinberg.lantime.rsc) refuses to write unless O(meinberg.lantime.rsc#module:force=true).
      type: int
      sample: 0
      version_added: 0.3.0
api_calls:
  description: The HTTP requests the task made, in order, without headers or bodies.
  returned: always
  type: list
  elements: dict
  sample: [{"method": "GET", "path": "/api/status/chassis0", "status": 200, "elapsed_ms": 12.5}]
'''

from ansible_collections.meinberg.lantime.plugins.module_utils.runner import run_module
from ansible_collections.meinberg.lantime.plugins.module_utils.tasks import RSC_INFO


def main():
    run_module(RSC_INFO)


if __name__ == '__main__':
    main()
