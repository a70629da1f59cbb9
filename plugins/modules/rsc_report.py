#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: rsc_report
short_description: Write the report files of the RSC playbooks on the controller, so that they never lie
version_added: 0.2.0
description:
  - Writes the report files of the playbooks C(meinberg.lantime.drift_check),
    C(meinberg.lantime.rsc_facts) and C(meinberg.lantime.fleet_rollout) from the host records
    that the role P(meinberg.lantime.rsc#role) keeps in the fact C(rsc_result), and returns the lines of the summary
    the playbooks print.
  - Every file is written to a temporary file in the same directory, flushed to disk and then renamed over the old
    one, with mode C(0644), so a reader sees the previous file or the new one, never a part of one.
  - A symbolic link at a report path is replaced (or, for O(state=started), removed) as a link; the file it points
    to is never written or removed.
  - The directory of a report must belong to the user running the playbook and be writable by nobody else, because
    another user could otherwise put links or files into it. A missing directory is created (with any missing
    parent), mode C(0755) less the umask and never writable by group or others. The task fails, naming the
    directory and what to do, for a directory owned by another user (or given as a link owned by another user),
    or writable by its group or by others, such as C(/tmp) or C(/var/tmp) themselves; a directory the playbook
    created below them is fine.
  - With O(state=started), run before any device is touched, it takes away the previous result, so that a run that
    is interrupted (Ctrl-C, SIGTERM, a CI job timeout, even SIGKILL) or fails on the way never leaves a passing report
    behind. The JSON reports of C(drift_check) and C(fleet_rollout) are then replaced by one with RV(complete=false)
    and C(passed=false); the JUnit report by one with a single test case in C(<error>) that says the run did not
    finish; the JSON list and the CSV table of C(rsc_facts), which have no room for such a mark, are removed.
  - The files are written by an action plugin in the controller's own process, never through a module process;
    the task runs on the controller whatever its host (use C(delegate_to=localhost) or a play on C(localhost)).
  - "CSV cells are neutralised against spreadsheet formulas (the OWASP rule): a cell that begins with C(=), C(+),
    C(-), C(@), a tab or a carriage return (or the full-width forms of the first four), also after leading white
    space such as spaces or line breaks, gets a leading apostrophe."
  - "For C(drift_check), a run that checked no host writes a JUnit report with one failed test case that says so
    (a suite without a test case passes in most CI systems)."
author:
  - meinberg.lantime maintainers (@meinberg-lantime)
attributes:
  action:
    description: The action plugin of the same name does all the work in the controller's process; no module runs.
    support: full
  async:
    description: Not supported; it only writes a few local files.
    support: none
  check_mode:
    description:
      - Writes its files in check mode too, on purpose, because C(drift_check) and C(rsc_facts) run in check mode and
        their reports are their output. It never touches a device, in either mode.
    support: full
  diff_mode:
    description: Returns no diff.
    support: none
  platform:
    description: Runs on the controller only, whatever host the task is for.
    support: full
    platforms: posix
options:
  report:
    description:
      - Which playbook's reports to write; this sets which files there can be and what they hold.
      - V(drift_check) writes O(json) and O(junit); V(rsc_facts) writes O(json) (a list of the records) and O(csv);
        V(fleet_rollout) writes O(json).
    type: str
    required: true
    choices: [drift_check, rsc_facts, fleet_rollout]
  state:
    description:
      - V(started) marks the previous reports as unfinished (or removes them; see above). Run it before the first
        task that reads or writes a device.
      - V(batch_started) is for V(fleet_rollout) before each batch, with O(batch). It writes the report as
        unfinished with the records of the earlier batches, the hosts of this batch as C(in progress) (a write may
        reach any of them from now on) and the hosts of later batches as C(pending), and keeps the batch's hosts in
        RV(rollout.batch_hosts).
      - V(batch) is for V(fleet_rollout) after each batch of the rollout. It works out how the rollout stands (see
        RV(rollout)) and writes the report with the records so far, as unfinished until the rollout is over (after
        the last batch, or when it stops). Hosts that no batch has reached are C(pending) in an unfinished report,
        and C(not touched) in the complete report of a stopped rollout.
      - V(finished) writes the complete reports. The playbook C(fleet_rollout) uses it only for a rollout that
        reached no host (its batches write the complete report themselves); such a report has C(passed=false) and a
        C(note).
    type: str
    default: finished
    choices: [started, batch_started, batch, finished]
  json:
    description:
      - Path of the JSON report on the controller. Not set, no JSON report.
      - A relative path is taken from the directory C(ansible-playbook) was started in (the user's working
        directory), whatever directory the playbook is in; C(~) is the controller user's home directory.
    type: path
  junit:
    description:
      - Path of the JUnit XML report on the controller (V(drift_check) only).
      - A relative path is taken, as for O(json), from the directory C(ansible-playbook) was started in (the user's working
        directory), whatever directory the playbook is in; C(~) is the controller user's home directory.
    type: path
  csv:
    description:
      - Path of the CSV report on the controller (V(rsc_facts) only).
      - A relative path is taken, as for O(json), from the directory C(ansible-playbook) was started in (the user's working
        directory), whatever directory the playbook is in; C(~) is the controller user's home directory.
    type: path
  records:
    description:
      - The host records (the fact C(rsc_result) of each host), in the order of the report.
      - For O(state=batch), the records of the hosts of this batch only.
    type: list
    elements: dict
    default: []
  earlier_records:
    description:
      - For O(state=batch), the records of the earlier batches of this rollout, that is RV(rollout.records) of the
        previous batch (the fact C(rsc_rollout.records)); empty for the first batch.
    type: list
    elements: dict
    default: []
  hosts:
    description: For O(report=fleet_rollout), every host of the rollout in order (C(ansible_play_hosts_all)).
    type: list
    elements: str
    default: []
  batch:
    description: For O(state=batch_started), the hosts of the batch that starts (C(ansible_play_batch)).
    type: list
    elements: str
    default: []
  max_fail_percentage:
    description:
      - For O(state=batch), the rollout stops when more than this percentage of a batch failed, or the whole batch did
        (the rule of Ansible's C(max_fail_percentage)).
    type: float
    default: 0
notes:
  - The reports hold the host records as they are; the records never hold a password or token.
  - A path is relative to the current directory of ansible-playbook. The directory is created when missing (see
    above for the directories it refuses).
  - The task always returns C(changed=false), because its files are the run's output, not a managed state.
seealso:
  - module: meinberg.lantime.rsc
'''

EXAMPLES = r'''
- name: Take away the previous result before any device is read
  meinberg.lantime.rsc_report:
    report: drift_check
    state: started
    json: lantime-reports/drift-check.json
    junit: lantime-reports/drift-check.junit.xml
  delegate_to: localhost
  run_once: true

# ... the role meinberg.lantime.rsc on every host, then:

- name: Write the reports
  meinberg.lantime.rsc_report:
    report: drift_check
    json: lantime-reports/drift-check.json
    junit: lantime-reports/drift-check.junit.xml
    records: "{{ ansible_play_hosts_all | map('extract', hostvars, 'rsc_result') | list }}"
  delegate_to: localhost
  run_once: true
  register: drift_report

- name: Print the table and the verdict
  ansible.builtin.debug:
    msg: "{{ drift_report.lines }}"
  run_once: true
'''

RETURN = r'''
complete:
  description: True when the reports written are the complete ones of a finished run.
  returned: when O(state=finished), O(state=batch_started) or O(state=batch)
  type: bool
  sample: true
paths:
  description: The absolute paths of the files this task wrote or removed, by kind (C(json), C(junit), C(csv)).
  returned: always
  type: dict
  sample: {"json": "/builds/timing/lantime-reports/drift-check.json"}
lines:
  description:
    - The table of the records (as P(meinberg.lantime.rsc_table#filter)); for V(drift_check) followed by the
      verdict and the paths of the reports.
  returned: when O(report=drift_check) or O(report=rsc_facts) and O(state=finished)
  type: list
  elements: str
passed:
  description: V(drift_check) only. True when at least one host was checked and every host complies.
  returned: when O(report=drift_check) and O(state=finished)
  type: bool
counts:
  description: V(drift_check) only. How many hosts had each result.
  returned: when O(report=drift_check) and O(state=finished)
  type: dict
  sample: {"hosts": 2, "compliant": 1, "drift": 1, "refused": 0, "unreadable": 0, "failed": 0}
bad_hosts:
  description: The hosts that do not comply (V(drift_check)) or could not be read (V(rsc_facts)).
  returned: when O(report=drift_check) or O(report=rsc_facts) and O(state=finished)
  type: list
  elements: str
summary:
  description: V(rsc_facts) only. How many RSC cards were read, as one sentence.
  returned: when O(report=rsc_facts) and O(state=finished)
  type: str
  sample: Read 1 RSC card.
unread:
  description: V(rsc_facts) only. How many of the RSC cards could not be read, as words.
  returned: when O(report=rsc_facts) and O(state=finished)
  type: str
  sample: 1 of 3 RSC cards could not be read
rollout:
  description: V(fleet_rollout) only. How the rollout stands after this batch; also set as the fact C(rsc_rollout).
  returned: when O(report=fleet_rollout) and O(state=batch_started), O(state=batch) or O(state=finished)
  type: dict
  contains:
    stopping:
      description: True when too many hosts of this batch failed and no further batch should start.
      type: bool
    failed:
      description: How many hosts of this batch failed.
      type: int
    batch:
      description: How many hosts this batch had.
      type: int
    lines:
      description: The batch's table and, when the rollout is over or stops, the whole rollout's.
      type: list
      elements: str
    records:
      description: The records of every host the rollout has reached so far (for O(earlier_records) of the next batch).
      type: list
      elements: dict
    complete:
      description: True when the rollout is over (after its last batch, or a stop) and the report is complete.
      type: bool
    batch_hosts:
      description: The hosts of this batch (for O(records) of the V(batch) task and the role's record task).
      type: list
      elements: str
'''
