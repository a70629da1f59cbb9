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
    whether the configuration tree is readable at the assumed path and holds the keys a write would send; and which
    methods the card's configuration object allows, against the O(write_style) chosen.
  - Sends read-only requests only, four at most, so any user level can run it. Three GET requests (C(/api/status),
    C(/api/configuration) and the RSC card's configuration object) and one C(OPTIONS) request on that object, whose
    C(Allow) header lists the methods it takes (RV(write_methods)). The write itself cannot be verified without
    writing; its check is RV(checks[].status=not_applicable).
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
      - Write a capture of the chassis to O(capture_path). Setting O(capture_path) alone does the same; V(true)
        without O(capture_path) fails, as a capture is never returned in the result.
    type: bool
    default: false
  capture_path:
    description:
      - Write the capture file here, on the host the task runs on. That is the controller with the local
        connection that the C(meinberg.lantime.ims) inventory plugin sets; on a task delegated to another host (any
        connection other than local) the module runs there and the file is written on that delegated host. A
        missing directory is created, mode C(0700).
      - A relative path is taken from the controller's working directory (the directory C(ansible-playbook) was
        started in), whatever directory the playbook is in, and made absolute before the task runs, also when it
        is delegated; C(~) is the controller user's home directory.
      - The file holds the documents read, redacted, and the checks run again on the redacted documents (so its
        C(api_check) part quotes nothing the documents do not keep), in the capture file format, which the
        collection's device simulator serves as a chassis (C(python3 tests/simulator --fixture FILE)). It is written
        with mode C(0600), atomically (a temporary file in the same directory, then a rename), so nobody else can
        read it and a reader never sees half a file.
      - The result holds RV(capture) - the path, the size and how many values redaction kept and replaced - but
        never the documents, so C(-v) output, AWX job logs and CI logs show none of them.
      - In check mode the capture is made but not written (RV(capture.written=false)).
      - The playbook C(meinberg.lantime.capture) sets it, one file per chassis.
    type: path
    version_added: 0.3.0
  redact:
    description:
      - With O(capture_path), what becomes of the serial numbers and host names in the fields the capture keeps.
      - A capture keeps only the values of an allow-list of fields that the collection reads (versions, slot ids,
        types and positions, module models and revisions, the clocks' sync state, the RSC block and the RSC
        configuration; the list is in the collection's guide C(docs/real-device.md)). Every other string becomes a
        stable placeholder and every other number 0, with O(redact) V(true) or V(false); keys and structure stay,
        except keys that look like addresses, host names, e-mail addresses or tokens.
      - An allow-listed RSC field keeps its value only when it is of the field's JSON type and, for C(switch-mode),
        C(selected-clock), the front panel's switches and the clock entries' C(object-id), one of the field's words;
        an object, a list, a text where a flag or a count belongs, or a text outside the vocabulary is replaced like
        any value outside the list. The free-text fields of the list (versions, models, revisions, slot ids, clock
        states) are kept as the device sends them.
      - V(true) also replaces the allow-listed serial numbers and host names with placeholders (C(SERIAL000001),
        C(host-0001.example.invalid)).
      - V(false) keeps the allow-listed serial numbers and host names, for a capture you keep yourself. It never
        keeps anything outside the allow-list.
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

- name: Capture the chassis (redacted) into a file only its owner can read
  meinberg.lantime.api_check:
    host: ims1.example.net
    username: monitor
    password: "{{ vault_lantime_password }}"
    capture_path: /var/tmp/lantime-captures/ims1.json
  register: captured

- name: Say where it is
  ansible.builtin.debug:
    msg: "{{ captured.capture.path }}: {{ captured.capture.bytes }} bytes, redaction {{ captured.capture.redaction }}"
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
          C(selected_clock_cross_check), C(configuration_tree), C(rsc_configuration), C(write_method), C(write).
        - C(write_method) passes when the C(Allow) header of the C(OPTIONS) reply lists the method of O(write_style),
          fails when it does not (its detail names the O(write_style) that matches), and is V(not_applicable) when the
          device sends no C(Allow) header or answers C(OPTIONS) with an error.
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
      description:
        - What was found; when an expected key is missing, the keys found in its place.
        - It never quotes a device value except the words of a field's vocabulary (C(auto), C(clk2)), true/false,
          a whole number where one is expected and the free-text fields a capture keeps (versions, models, slot
          ids, clock states). Any other value is named by its JSON type and size (C(a text of 23 characters),
          C(an object of 2 keys)), and a key that could identify someone or be a secret (see O(redact)) is
          counted, not shown.
      type: str
      sample: "switch-mode is missing; keys found in module.rsc: active-clock, mode, panel"
read_compatible:
  description: True when every check that reading the RSC card relies on passed (M(meinberg.lantime.rsc_info) works).
  returned: success
  type: bool
  sample: true
write_compatible:
  description:
    - True when reading is compatible, the configuration object the write goes to is readable with the keys the
      write sends, and C(write_method) did not fail. The write itself stays unverified until a first change.
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
write_style:
  description: The O(write_style) the C(write_method) check tested.
  returned: success
  type: str
  sample: post
  version_added: 0.3.0
write_methods:
  description:
    - The methods the RSC card's configuration object allows, from the C(Allow) header of its C(OPTIONS) reply (only
      the method names the collection knows); null when the device did not say.
  returned: success
  type: list
  elements: str
  sample: [GET, HEAD, OPTIONS, POST]
  version_added: 0.3.0
capture:
  description:
    - With O(capture_path), where the capture went and what redaction did; never the documents themselves.
  returned: when O(capture_path) is set
  type: dict
  contains:
    path:
      description: The capture file, as an absolute path (a relative O(capture_path) resolved as described there).
      type: str
      sample: /var/tmp/lantime-captures/ims1.json
    written:
      description: Whether the file was written (V(false) in check mode).
      type: bool
      sample: true
    bytes:
      description: The size of the capture file.
      type: int
      sample: 48213
    mode:
      description: The file's mode, always C(0600).
      type: str
      sample: "0600"
    format:
      description: The capture file format.
      type: str
      sample: meinberg.lantime-capture/1
    redacted:
      description: The value of O(redact).
      type: bool
      sample: true
    redaction:
      description:
        - How many values the capture kept and replaced - C(kept) (allow-listed values kept verbatim), C(number)
          (numbers set to 0), and how many distinct C(text) values, C(serial) numbers, C(host) names and C(key)
          names got placeholders. Counts only, never the values.
      type: dict
      sample: {"host": 1, "key": 0, "kept": 83, "number": 145, "serial": 6, "text": 127}
api_calls:
  description: The HTTP requests the task made, in order, without headers or bodies. All are C(GET).
  returned: always
  type: list
  elements: dict
  sample: [{"method": "GET", "path": "/api/status", "status": 200, "elapsed_ms": 21.5}]
'''

from ansible_collections.meinberg.lantime.plugins.module_utils.api_check import API_CHECK
from ansible_collections.meinberg.lantime.plugins.module_utils.runner import run_module


def main():
    run_module(API_CHECK)


if __name__ == '__main__':
    main()
