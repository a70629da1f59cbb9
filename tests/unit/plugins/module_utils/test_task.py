# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""execute(): one result shape for every outcome of a task body, wherever the task runs."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.meinberg.lantime.plugins.module_utils import client as api
from ansible_collections.meinberg.lantime.plugins.module_utils.errors import ReplyShapeError
from ansible_collections.meinberg.lantime.plugins.module_utils.runner import TaskDefinition, execute

PARAMS = {'host': 'http://127.0.0.1:9', 'username': 'admin', 'password': 'S3cret', 'token': None,
          'validate_certs': True, 'ca_path': None, 'use_proxy': False, 'timeout': 5, 'retries': 0}


def run(body, **params):
    return execute(TaskDefinition('test', {}, body), dict(PARAMS, **params), check_mode=True, diff=True)


def test_a_body_result_gets_changed_warnings_and_api_calls():
    def body(task):
        assert task.check_mode and task.diff
        task.warn('first')
        return {'rsc': {'x': 1}}

    result = run(body)
    assert result['rsc'] == {'x': 1} and result['changed'] is False and result['api_calls'] == []
    assert result['warnings'][0] == 'first' and 'plain HTTP' in result['warnings'][1]


@pytest.mark.parametrize('error, text', [
    (api.AuthenticationError('127.0.0.1:9: refused (HTTP 401)', 401), '127.0.0.1:9: refused (HTTP 401)'),
    (ReplyShapeError('no slot list'), '127.0.0.1:9: no slot list'),
    (TypeError('S3cret is not iterable'), '127.0.0.1:9: unexpected error while handling the device reply '
                                          '(TypeError: ******** is not iterable)'),
])
def test_every_error_is_a_failed_result_naming_the_device(error, text):
    def body(task):
        raise error

    result = run(body)
    assert result['failed'] is True and result['msg'].startswith(text) and 'S3cret' not in str(result)


def test_task_fail_keeps_what_the_body_gives():
    def body(task):
        task.fail('refused', outcome='refused', rsc={'a': 1})

    result = run(body)
    assert (result['failed'], result['msg'], result['outcome'], result['rsc']) == (True, 'refused', 'refused', {'a': 1})


def test_invalid_options_fail_before_a_client_exists():
    result = run(lambda task: {}, timeout=0)
    assert result == {'failed': True, 'changed': False,
                      'msg': 'invalid options: timeout: must be a number of seconds from 1 to 3600, got 0'}
