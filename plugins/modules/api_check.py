#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: api_check
short_description: Check, read only, whether a LANTIME chassis answers as the collection's API contract says
version_added: 0.2.0
description:
  - Tests every line of the collection's API contract that a live Meinberg LANTIME device can show, and changes
    nothing. Run it once on a new chassis or firmware before M(meinberg.lantime.rsc) touches it.
  - It checks the reply envelope; the LTOS and REST API versions; the chassis slot list; the RSC card (any slot, any
    model whose name starts with C(rsc)); every key of the RSC status block the collection reads, present and of the
    expected type and values; the clock slots and their sync state; whether the RSC card, the system sync-status
    reference and the clock slots' C(clock-idx) agree on the clock in use; token support for the version; and
    whether the configuration tree is readable at the assumed path and holds the keys a write would send.
  - Sends GET requests only, three at most (C(/api/status), C(/api/configuration) and the RSC card's configuration
    object), so any user level can run it. The write itself cannot be verified without writing; its check is
    RV(checks[].status=not_applicable).
  - The task fails only when the device cannot be read at all. A device that does not match the contract gives a
    successful task with failed checks, RV(read_compatible) or RV(write_compatible) false and a RV(verdict).
author:
  - meinberg.lantime maintainers (@meinberg-lantime)
extends_documentation_fragment:
  - meinberg.lantime.connection
  - meinberg.lantime.attributes
  - meinberg.lantime.attributes.INFO_MODULE
options:
  capture:
    description:
      - Also return RV(capture), the documents read and this result in the capture file format, which the collection's
        device simulator serves as a chassis (C(python3 tests/simulator --fixture FILE)).
      - The playbook C(meinberg.lantime.capture) sets it and writes one file per chassis.
    type: bool
    default: false
  redact:
    description:
      - With O(capture=true), replace serial numbers, host names, IP and MAC addresses, user names, contact and location
        texts, the position, and the address the chassis was read at with stable placeholders. Keys, structure,
        JSON types and enum values stay.
      - Values that look like secrets (under keys such as C(password), C(community), C(key) or C(token), and long
        hex or base64 strings) are masked even with O(redact=false).
    type: bool
    default: true
notes:
  - Pass credentials of a read-only (C(info)) user; nothing more is needed.
  - The contract lines and what to do when one fails are in the collection's guide C(docs/real-device.md).
seealso:
  - module: meinberg.lantime.rsc_info
  - module: meinberg.lantime.slot_info
'''

EXAMPLES = r'''
- name: Check a chassis against the API contract
  meinberg.lantime.api_check:
    host: ims1.example.net
    username: monitor
    password: "{{ vault_lantime_password }}"
  register: check

- name: Show the verdict and every failed check
  ansible.builtin.debug:
    msg: "{{ [check.verdict] + (check.checks | selectattr('status', 'equalto', 'fail')
             | map(attribute='id') | zip(check.checks | selectattr('status', 'equalto', 'fail')
             | map(attribute='detail')) | map('join', ': ') | list) }}"

- name: Stop before any change when the chassis does not take writes as the collection assumes
  ansible.builtin.assert:
    that: check.write_compatible
    fail_msg: "{{ check.verdict }}"

- name: Capture the chassis (redacted) into a file
  meinberg.lantime.api_check:
    host: ims1.example.net
    username: monitor
    password: "{{ vault_lantime_password }}"
    capture: true
  register: captured

- name: Write the capture
  ansible.builtin.copy:
    content: "{{ captured.capture | to_nice_json }}\n"
    dest: ims1.capture.json
    mode: "0644"
  delegate_to: localhost
'''

RETURN = r'''
checks:
  description: One entry per contract line, in a fixed order.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description:
        - The check, for example C(envelope), C(ltos_version), C(api_version), C(token_support), C(chassis_slots),
          C(rsc_card), C(rsc_block), C(rsc_key.switch-mode) (one per RSC key read), C(clock_slots),
          C(selected_clock_cross_check), C(configuration_tree), C(rsc_configuration), C(write).
      type: str
      sample: rsc_key.switch-mode
    contract:
      description: The contract line it tests, with whether the line is known or assumed.
      type: str
      sample: "module.rsc.switch-mode: text, one of auto, manual [assumed]"
    status:
      description: V(pass), V(fail) or V(not_applicable) (nothing to test on this device, or not testable read only).
      type: str
      sample: pass
    detail:
      description: What was found; when an expected key is missing, the keys found in its place.
      type: str
      sample: "switch-mode is missing; keys found in module.rsc: active-clock, mode, panel"
read_compatible:
  description: True when every check that reading the RSC card relies on passed (M(meinberg.lantime.rsc_info) works).
  returned: success
  type: bool
  sample: true
write_compatible:
  description:
    - True when reading is compatible and the configuration object the write goes to is readable with the keys the
      write sends. The write itself stays unverified until a first change.
  returned: success
  type: bool
  sample: true
verdict:
  description: One line that sums the result up and says what to do.
  returned: success
  type: str
  sample: "matches the contract: 27 checks passed, none failed. ..."
ltos_version:
  description: The LTOS version the device reports, or null.
  returned: success
  type: str
  sample: "7.08.004"
rest_api_version:
  description: The REST API version, from C(data.rest-api.api-version) or else the C(system-information) text, or null.
  returned: success
  type: str
  sample: "16.03.004"
rsc_slot:
  description: The slot of the RSC card found, or null.
  returned: success
  type: str
  sample: rsc
rsc_model:
  description: The model of the RSC card found, or null.
  returned: success
  type: str
  sample: rsc180
capture:
  description:
    - With O(capture=true), the capture file content - C(format), C(collection_version), C(captured_at),
      C(redacted), C(redaction) (how many values of each kind were replaced), C(status), C(configuration),
      C(rsc_configuration) and C(api_check) (this result).
  returned: when O(capture=true)
  type: dict
api_calls:
  description: The HTTP requests the task made, in order, without headers or bodies. All are C(GET).
  returned: always
  type: list
  elements: dict
  sample: [{"method": "GET", "path": "/api/status", "status": 200, "elapsed_ms": 21.5}]
'''

from ansible_collections.meinberg.lantime.plugins.module_utils.api_check import API_CHECK
from ansible_collections.meinberg.lantime.plugins.module_utils.module import run_module


def main():
    run_module(API_CHECK)


if __name__ == '__main__':
    main()
