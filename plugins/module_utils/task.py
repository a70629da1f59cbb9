# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""What a task of the collection is, wherever it runs.

A TaskDefinition is an argument spec and a body. The same definition runs in a module process
(plugins/module_utils/module.py, for a task on another host) and in the controller's worker process
(plugins/plugin_utils/action.py, the usual case): both validate the options with the same spec, and
execute() turns the body's outcome into the same result, with check mode, diff, warnings and api_calls.
It imports nothing from Ansible but the environment fallback, so both sides can use it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.parameters import env_fallback

from ansible_collections.meinberg.lantime.plugins.module_utils import client as api
from ansible_collections.meinberg.lantime.plugins.module_utils.errors import LantimeError, ReplyShapeError

# The same environment variable names as the inventory plugin's options.
CONNECTION_ARGSPEC = dict(
    host=dict(type='str', required=True, fallback=(env_fallback, ['LANTIME_HOST'])),
    username=dict(type='str', fallback=(env_fallback, ['LANTIME_USERNAME'])),
    password=dict(type='str', no_log=True, fallback=(env_fallback, ['LANTIME_PASSWORD'])),
    token=dict(type='str', no_log=True, fallback=(env_fallback, ['LANTIME_TOKEN'])),
    validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['LANTIME_VALIDATE_CERTS'])),
    ca_path=dict(type='path', fallback=(env_fallback, ['LANTIME_CA_PATH'])),
    use_proxy=dict(type='bool', default=True, fallback=(env_fallback, ['LANTIME_USE_PROXY'])),
    timeout=dict(type='int', default=30, fallback=(env_fallback, ['LANTIME_TIMEOUT'])),
    retries=dict(type='int', default=3, fallback=(env_fallback, ['LANTIME_RETRIES'])),
)
CONNECTION_REQUIRED_TOGETHER = [('username', 'password')]
CONNECTION_REQUIRED_ONE_OF = [('username', 'token')]


class TaskDefinition:
    """A task's own options (the connection options are added), its constraints and its body(task) -> result."""

    def __init__(self, name, options, body, required_one_of=(), required_together=(), mutually_exclusive=()):
        self.name = name
        self.argument_spec = dict(CONNECTION_ARGSPEC)
        self.argument_spec.update(options)
        self.required_one_of = CONNECTION_REQUIRED_ONE_OF + list(required_one_of)
        self.required_together = CONNECTION_REQUIRED_TOGETHER + list(required_together)
        self.mutually_exclusive = list(mutually_exclusive)
        self.body = body

    def validator_args(self):
        """Keyword arguments for AnsibleModule and ArgumentSpecValidator alike."""
        return dict(argument_spec=self.argument_spec, required_one_of=self.required_one_of,
                    required_together=self.required_together, mutually_exclusive=self.mutually_exclusive)


class TaskFailed(Exception):
    """Ends a task body with a failed result: the message and what else the result should hold."""

    def __init__(self, msg, **result):
        super(TaskFailed, self).__init__(msg)
        self.msg = msg
        self.result = result


class Task:
    """What a body sees: validated params, the client, check mode, diff, and a place for warnings."""

    def __init__(self, params, check_mode=False, diff=False):
        self.params = params
        self.check_mode = check_mode
        self.diff = diff
        self.warnings = []
        self.client = None

    @property
    def host(self):
        return self.client.host

    def warn(self, text):
        self.warnings.append(text)

    @staticmethod
    def fail(msg, **result):
        raise TaskFailed(msg, **result)


def check_connection_params(params):
    """Reasons the connection options cannot work, found before any request (empty when they are fine)."""
    return api.connection_problems(
        host=params.get('host'), username=params.get('username'), password=params.get('password'),
        token=params.get('token'), validate_certs=params.get('validate_certs', True), ca_path=params.get('ca_path'),
        timeout=params.get('timeout'), retries=params.get('retries'))


def client_from_params(params, **kwargs):
    return api.LantimeClient(
        host=params['host'], username=params.get('username'), password=params.get('password'),
        token=params.get('token'), validate_certs=params.get('validate_certs', True), ca_path=params.get('ca_path'),
        use_proxy=params.get('use_proxy', True), timeout=params.get('timeout', 30), retries=params.get('retries', 3),
        **kwargs)


def execute(definition, params, check_mode=False, diff=False, user_agent_extra=None):
    """Run a task definition with validated params; return its result. Never raises.

    A failed result has failed=True and a msg that names the device and says what to do. Every result that got
    as far as a client carries api_calls; warnings are the body's, then the client's.
    """
    problems = check_connection_params(params)
    if problems:
        return {'failed': True, 'changed': False, 'msg': 'invalid options: ' + '; '.join(problems)}
    task = Task(params, check_mode=check_mode, diff=diff)
    try:
        task.client = client_from_params(params, user_agent_extra=user_agent_extra)
        result = dict(definition.body(task) or {})
        result.setdefault('changed', False)
    except TaskFailed as exc:
        result = dict(exc.result, failed=True, msg=exc.msg)
    except ReplyShapeError as exc:
        result = {'failed': True, 'msg': '%s: %s' % (task.host, exc)}
    except LantimeError as exc:
        result = {'failed': True, 'msg': str(exc), 'status': exc.status}
    except Exception as exc:  # pylint: disable=broad-except
        # A reply no rule foresaw must still end in a clear failure, never in a traceback that may quote it.
        text = ('%s: unexpected error while handling the device reply (%s: %s). If this task changes settings, check '
                'the card with meinberg.lantime.rsc_info before running it again, and report the error with the '
                'api_calls of this result.' % (task.client.host if task.client else params.get('host'),
                                               type(exc).__name__, api.device_text(str(exc))))
        result = {'failed': True, 'msg': task.client.redact(text) if task.client else text}
    result.setdefault('changed', False)
    warnings = list(task.warnings)
    if task.client is not None:
        result['api_calls'] = task.client.api_calls
        warnings += task.client.warnings
    if warnings:
        result['warnings'] = warnings
    return result
