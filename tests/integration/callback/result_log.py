# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Test-only callback: append every task result, as Ansible reports it, to a JSON-lines file."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: result_log
type: aggregate
short_description: Write task results to a JSON-lines file for the integration tests
description:
  - Writes one JSON object per task result to the file named by E(LANTIME_TEST_RESULT_LOG).
options: {}
'''

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'result_log'
    CALLBACK_NEEDS_ENABLED = True

    def _log(self, status, result):
        path = os.environ.get('LANTIME_TEST_RESULT_LOG')
        if not path:
            return
        entry = {'task': result.task_name, 'host': result._host.get_name(), 'status': status,
                 'result': result._result}
        with open(path, 'a', encoding='utf-8') as handle:
            handle.write(json.dumps(entry, default=str) + '\n')

    def v2_runner_on_ok(self, result):
        self._log('ok', result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._log('failed', result)

    def v2_runner_on_skipped(self, result):
        self._log('skipped', result)

    def v2_runner_on_unreachable(self, result):
        self._log('unreachable', result)
