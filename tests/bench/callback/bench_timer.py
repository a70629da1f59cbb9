# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Benchmark-only callback: when each task started and when each host's result arrived, as JSON lines.

A task's time is from v2_playbook_on_task_start (the strategy picked the task) to the host's result, so it holds
everything Ansible does for the task: templating, forking the worker, building and running the module, and
processing the result. Tasks whose name starts with "record:" also log their result.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: bench_timer
type: aggregate
short_description: Write per-task timestamps to a JSON-lines file for the benchmarks
description:
  - Writes one JSON object per task start and per host result to the file named by E(LANTIME_BENCH_TIMING_LOG).
options: {}
'''

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_timer'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._path = os.environ.get('LANTIME_BENCH_TIMING_LOG')
        self._handle = open(self._path, 'a', encoding='utf-8') if self._path else None  # pylint: disable=consider-using-with

    def _write(self, entry):
        if self._handle:
            entry['t'] = time.monotonic()
            self._handle.write(json.dumps(entry, default=str) + '\n')
            self._handle.flush()

    def v2_playbook_on_play_start(self, play):
        self._write({'event': 'play', 'name': play.get_name()})

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._write({'event': 'task', 'name': task.get_name(), 'uuid': task._uuid})

    def v2_runner_on_start(self, host, task):
        self._write({'event': 'start', 'name': task.get_name(), 'uuid': task._uuid, 'host': host.get_name()})

    def _result(self, status, result):
        entry = {'event': 'result', 'status': status, 'name': result.task_name, 'uuid': result._task._uuid,
                 'host': result._host.get_name()}
        if result.task_name.startswith('record:'):
            entry['result'] = result._result
        self._write(entry)

    def v2_runner_on_ok(self, result):
        self._result('ok', result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result('failed', result)

    def v2_runner_on_skipped(self, result):
        self._result('skipped', result)

    def v2_runner_on_unreachable(self, result):
        self._result('unreachable', result)

    def v2_playbook_on_stats(self, stats):
        self._write({'event': 'end'})
        if self._handle:
            self._handle.close()
            self._handle = None
