#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: slot_info
short_description: List the slots of a LANTIME IMS chassis
version_added: 0.1.0
description:
  - Reads the slot list of a Meinberg LANTIME IMS chassis (or any LANTIME with a modular chassis) over the LTOS REST
    API (API 10 and later) and returns each slot with the card it holds.
  - Returns the slots in the same shape as the host variables of the inventory plugin
    P(meinberg.lantime.ims#inventory) (there with the prefix C(lantime_)), so playbooks and the inventory agree.
  - Makes exactly one HTTP request, C(GET /api/status/chassis0).
  - Slot types and card models pass through as the device reports them; types the collection does not know are listed too.
author:
  - meinberg.lantime maintainers (@meinberg-lantime)
extends_documentation_fragment:
  - meinberg.lantime.connection
  - meinberg.lantime.attributes
  - meinberg.lantime.attributes.INFO_MODULE
options:
  slot_types:
    description:
      - Only return slots of these types (for example V(rsc), V(clk), V(pwr), V(cpu), V(io)), compared without regard to case.
      - An empty list returns slots of every type.
    type: list
    elements: str
    default: []
  include_empty:
    description:
      - Also return empty slots (no card, or a card that reports no identity), with RV(slots[].fitted=false).
      - The default differs from the inventory plugin's on purpose, because a check that every chassis still has its cards
        wants to see the empty slots.
    type: bool
    default: true
seealso:
  - plugin: meinberg.lantime.ims
    plugin_type: inventory
  - module: meinberg.lantime.rsc_info
'''

EXAMPLES = r'''
- name: List the slots of a chassis
  meinberg.lantime.slot_info:
    host: ims1.example.net
    username: monitor
    password: "{{ vault_lantime_password }}"
  register: chassis

- name: Check that both clocks and the RSC card are fitted
  ansible.builtin.assert:
    that:
      - (chassis.slots | selectattr('slot_id', 'in', ['clk1', 'clk2', 'rsc']) | selectattr('fitted') | list | length) == 3
    fail_msg: >-
      {{ chassis.device.hostname }}: missing
      {{ chassis.slots | selectattr('slot_id', 'in', ['clk1', 'clk2', 'rsc']) | rejectattr('fitted') | map(attribute='slot_id') | join(', ') }}

- name: Only the clock cards, fitted ones only
  meinberg.lantime.slot_info:
    host: "{{ lantime_host }}"
    token: "{{ lantime_token }}"
    slot_types: [clk]
    include_empty: false
  register: clocks

- name: Every clock is synchronized
  ansible.builtin.assert:
    that: clocks.slots | rejectattr('clock_status', 'equalto', 'synchronized') | list | length == 0
'''

RETURN = r'''
slots:
  description:
    - The chassis' slots, in natural order of their ids (C(io2) before C(io10)).
    - The inventory plugin's host variables are these keys with the prefix C(lantime_).
  returned: success
  type: list
  elements: dict
  contains:
    slot_id:
      description: The slot id, for example C(clk1), C(rsc), C(pwr2), C(io3).
      type: str
      sample: clk1
    slot_type:
      description:
        - The slot type, for example C(clk), C(rsc), C(pwr), C(cpu), C(io).
        - Every RSC card reports C(rsc), whatever its slot id, slot type (C(rsc), C(scu)) or model (C(rsc180),
          C(rsc180rdu), C(rsc2000), ...).
      type: str
      sample: clk
    slot_position:
      description: The slot's place in the chassis as the device reports it (C(row,column,width)).
      type: str
      sample: "0,2,1"
    fitted:
      description: True when the slot holds a card that reports its identity.
      type: bool
      sample: true
    model:
      description: The card model, lower case, or null for an empty slot.
      type: str
      sample: gps180
    serial_number:
      description: The card's serial number, or null.
      type: str
      sample: "029511026220"
    software_revision:
      description: The card's software revision, or null.
      type: str
      sample: "2.61"
    clock_status:
      description: On clock slots (type C(clk)) only, the clock's sync state, for example C(synchronized), or null.
      type: str
      returned: on clock slots
      sample: synchronized
    rsc_switch_mode:
      description: On the RSC card only, the switch mode in effect, C(auto) or C(manual).
      type: str
      returned: on RSC slots
      sample: auto
    rsc_selected_clock:
      description: On the RSC card only, the clock that feeds the backplane now.
      type: str
      returned: on RSC slots
      sample: clk1
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
      description: The chassis' own serial number (the inventory plugin's C(lantime_chassis_serial_number)).
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
      description: The REST API version number. Bearer tokens need 16 or later (LTOS 7.08).
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
from ansible_collections.meinberg.lantime.plugins.module_utils.tasks import SLOT_INFO


def main():
    run_module(SLOT_INFO)


if __name__ == '__main__':
    main()
