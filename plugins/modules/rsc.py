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
  - It also refuses while the card's state is not fully known (a value it did not report usably), while the RSC card
    and the clock cards disagree about the clock in use, and while the card feeds no clock at all (outputs off);
    O(force=true) overrides the first two. A card that feeds no clock takes only O(selected_clock) with
    O(force=true), and the module warns that this turns that clock's signal on for every output card.
  - Verified. After the write it reads the card until it shows the asked state, or fails after O(wait_timeout)
    seconds with the state it saw. It never reports success that it has not read back from the device.
  - Staged changes. Every read also gives the chassis' count of staged configuration changes (the envelope's
    C(changes.pending-changes)). While the chassis holds staged changes this task did not make, the module refuses to
    write, since applying ours could apply those too (O(force=true) writes anyway, with a warning). When after the
    write the card does not show the change and that count went up, the device staged the change instead of applying
    it; the task reports RV(outcome=staged) with C(changed=true) and says how to apply it on the device, and fails
    unless O(allow_staged=true). When the card shows the change but that count went up all the same (the device
    applied it but may hold it unsaved), the task reports RV(outcome=changed) and warns that the next change is refused
    until the staged changes are saved or applied on the device.
  - How an IMS chassis takes RSC settings over the REST API is not publicly documented; the write this module sends
    (one C(POST) of the changed keys to the card's configuration object, or a C(PUT) with O(write_style)) is an
    assumption kept in one place in the collection (see the collection's API contract page).
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
      - When left out (or V(any)), the mode stays as it is. With neither O(switch_mode) nor O(selected_clock) the
        module only reads the card and reports it (RV(outcome=compliant)).
    type: str
    choices: [auto, manual, any]
  selected_clock:
    description:
      - The clock module that should feed the backplane. In V(auto) mode, selecting a clock is a one-time switchover;
        the card's automatic logic carries on from there.
      - When left out (or V(any)), the selected clock stays as it is.
    type: str
    choices: [clk1, clk2, any]
  force:
    description:
      - Allow selecting a clock module that is not synchronized. The outputs then follow a free-running clock.
      - An empty clock slot is refused even with O(force=true).
    type: bool
    default: false
  require_failover_ready:
    description:
      - Change the card only while it could fail over, that is while both clock modules are fitted and synchronized,
        the outputs are on, the watchdog and time limit are fine and the front-panel mode switch is on Auto.
        Otherwise the module refuses (in check mode too) and says why.
      - After a change to V(auto) mode, the card must also report C(failover_ready); if it does not, the task fails
        (the change stays in place) because redundancy is not restored.
      - The role M(meinberg.lantime.rsc) turns this on by default (its C(rsc_require_failover_ready)).
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait, after the write, for the card to show the asked state (1 to 3600). This bounds the polls and
        every request in them.
    type: int
    default: 30
  record:
    description:
      - Also return RV(record), the flat record of the outcome that reports list. The role M(meinberg.lantime.rsc)
        sets it and keeps the record in the host fact C(rsc_result).
    type: bool
    default: false
    version_added: 0.3.0
  allow_staged:
    description:
      - Accept a change the device staged instead of applying (RV(outcome=staged)) as the task's result, with a
        warning that says how to apply it on the device. With V(false), such a task fails (its change is still
        staged on the device).
      - The role M(meinberg.lantime.rsc) passes its C(rsc_allow_staged).
    type: bool
    default: false
    version_added: 0.3.0
  write_trace:
    description:
      - A directory on the controller. For each write, the module leaves one JSON file there (mode C(0600), written
        whole or not at all), named C(rsc-write-<UTC time>-<n>.json) and returned in RV(write_trace). It holds the request
        (method, path, body, O(write_style)), the reply (status, the headers C(Allow), C(Content-Type),
        C(Content-Length) and C(Retry-After) only, the body redacted as the capture of M(meinberg.lantime.api_check)
        redacts), every read back with its time, the values it showed and the chassis' staged changes, the staged
        changes before the write, and the firmware, REST API and collection versions. It holds no credential.
      - A missing directory is created (mode C(0700)); one that other users can write to is refused. A relative path
        is taken from the directory C(ansible-playbook) was started in.
      - The file is written on the controller also when the task is delegated to another host (the result brings the
        trace back). A directory that cannot be used fails the task before any request; nothing is written in check
        mode or when no write is needed.
      - The role M(meinberg.lantime.rsc) passes its C(rsc_write_trace).
    type: path
    version_added: 0.3.0
notes:
  - The C(diff) holds only C(switch_mode) and C(selected_clock), as the card shows them in effect.
  - When the card reports alarms (its redundancy is weakened, for example a clock out of sync) and the task does
    not fail, the module warns and names them.
  - If the write gets no answer (a dropped connection or an HTTP 5xx), the module reads the card again and reports
    success only if the card shows the asked state.
  - The write is sent once, in the O(write_style) given. A device that refuses it with HTTP 405 (or 400, 404 or 501)
    is never sent the write again in another style; the failure names the methods the device allows (its C(Allow)
    header) and the O(write_style) to try.
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

# On a host from the inventory plugin meinberg.lantime.ims, the connection comes from the host variables
# lantime_host (set by the plugin) and lantime_username/lantime_password (yours, for example from a vault).
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
diff:
  description: Before and after of C(switch_mode) and C(selected_clock), when run with C(--diff).
  returned: when diff mode is on
  type: dict
  sample: {"before": {"switch_mode": "manual", "selected_clock": "clk1"},
           "after": {"switch_mode": "auto", "selected_clock": "clk1"}}
written:
  description: The settings the module sent to the device (or would send, in check mode), in the API's spelling.
  returned: when a change was written or, in check mode, would be
  type: dict
  sample: {"switch-mode": "auto"}
outcome:
  description:
    - What happened, in one word. V(compliant) the card already had the asked state; V(would_change) check mode found
      a difference; V(changed) the change was written and read back; V(refused) a safety rule stopped the change
      before any write; V(unreadable) the card could not be read, nothing was written; V(failed) the write did not
      end in the asked state (see O(wait_timeout)), or O(require_failover_ready) found redundancy not restored;
      V(staged) the device accepted the write but staged it (the chassis' staged changes went up and the card does
      not show it), to take effect once applied on the device (failed unless O(allow_staged=true)).
  returned: always, except when the options are invalid
  type: str
  sample: compliant
refusal:
  description: Why the change was refused, when RV(outcome=refused); the same text as in C(msg).
  returned: when refused
  type: str
before:
  description: C(switch_mode) and C(selected_clock) as the card showed them in the first read.
  returned: when the card could be read
  type: dict
  sample: {"switch_mode": "manual", "selected_clock": "clk1"}
after:
  description: C(switch_mode) and C(selected_clock) afterwards, as read back (predicted in check mode).
  returned: when the card could be read
  type: dict
  sample: {"switch_mode": "auto", "selected_clock": "clk1"}
drift:
  description: True when the card differed from the asked state in the first read.
  returned: when the card could be read
  type: bool
failover_ready:
  description:
    - Whether the card could fail over in the state it was last read in (the C(failover_ready) of
      M(meinberg.lantime.rsc_info)). The card's full state is what M(meinberg.lantime.rsc_info) returns.
  returned: when the card could be read
  type: bool
pending_changes:
  description:
    - The chassis' staged configuration changes (C(changes.pending-changes)) as last read - by the read before the
      write for RV(outcome=compliant), RV(outcome=would_change) and RV(outcome=refused), by the reads after it
      otherwise. Null when the device does not report the count (or no read after the write succeeded).
    - Above 0 after RV(outcome=changed), the change is applied but the device may hold it unsaved; the module warns,
      and the next change is refused until the staged changes are saved or applied on the device (or O(force=true)).
  returned: when the card could be read
  type: int
  sample: 0
  version_added: 0.3.0
write_trace:
  description: The trace file written for this task's write (see O(write_trace)), as an absolute path.
  returned: when O(write_trace) is set and a write was sent
  type: str
  sample: /home/ops/lantime-traces/rsc-write-20261207T101500Z-1.json
  version_added: 0.3.0
status:
  description: The HTTP status of a request the device refused (for example V(403) for a read-only user).
  returned: when a request was refused
  type: int
  sample: 403
msg:
  description: What went wrong and what to do, naming the device; a refusal through the role names the role's variable.
  returned: on failure
  type: str
record:
  description:
    - The outcome as one flat record for reports, the same on success and failure; the role M(meinberg.lantime.rsc)
      keeps it in the host fact C(rsc_result), and the playbooks' JSON, JUnit and table reports list it per host.
    - C(host) and C(chassis) are the inventory's C(inventory_hostname) and C(lantime_chassis); C(address) is the API
      address without user information; C(desired) holds null for "any"; C(changed) is true only when a write
      was sent.
    - C(status) is V(ok) (nothing asked, read only), V(compliant), V(drift) (check mode found a difference),
      V(changed), V(staged), V(refused), V(unreadable) or V(failed); C(error) says why, on failure.
    - Before 0.3.0 every result held it; now only a task with O(record=true) gets it.
  returned: when O(record=true)
  type: dict
  sample: {"host": "ims1_rsc", "chassis": "ims1", "slot": "rsc", "address": "https://ims1.example.net",
           "desired": {"switch_mode": "auto", "selected_clock": null},
           "before": {"switch_mode": "manual", "selected_clock": "clk1"},
           "after": {"switch_mode": "auto", "selected_clock": "clk1"}, "drift": true, "changed": true,
           "status": "changed", "clocks": {"clk1": {"fitted": true, "time_sync": true, "model": "gps180"},
                                           "clk2": {"fitted": true, "time_sync": true, "model": "gps180"}},
           "front_panel": {"mode_switch": "auto", "clock_switch": "clk1"}, "failover_ready": true, "alarms": [], "switchover_count": 3,
           "error": null}
api_calls:
  description: The HTTP requests the task made, in order, without headers or bodies.
  returned: always, except when the options are invalid
  type: list
  elements: dict
  sample: [{"method": "GET", "path": "/api/status/chassis0", "status": 200, "elapsed_ms": 10.1}]
'''

from ansible_collections.meinberg.lantime.plugins.module_utils.runner import run_module
from ansible_collections.meinberg.lantime.plugins.module_utils.tasks import RSC


def main():
    run_module(RSC)


if __name__ == '__main__':
    main()
