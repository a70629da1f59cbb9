# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Internal to meinberg.lantime, not a public API: how a task of the collection runs, in whichever process.

A TaskDefinition is an argument spec and a body. The same definition runs in the controller's worker process
(plugins/plugin_utils/action.py, the usual case) and in a module process (run_module(), for a task delegated to
another host): both validate the options with the same spec, and execute() turns the body's outcome into the same
result, with check mode, diff, warnings and api_calls. What each task does is in tasks.py and api_check.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.meinberg.lantime.plugins.module_utils import client as api
from ansible_collections.meinberg.lantime.plugins.module_utils import connection
from ansible_collections.meinberg.lantime.plugins.module_utils.errors import ConfigurationError, device_text, user_message

UNEXPECTED = ('%s: unexpected error while handling the device reply (%s: %s). If this task changes settings, check '
              'the card with meinberg.lantime.rsc_info before running it again, and report the error with the '
              'api_calls of this result.')


class TaskDefinition:
    """A task's own options (the connection options are added), its constraints and its body(task) -> result."""

    def __init__(self, name, options, body, required_one_of=(), required_together=(), mutually_exclusive=()):
        self.name = name
        self.argument_spec = connection.argument_spec()
        self.argument_spec.update(options)
        # The connection options have no requirements here: execute() checks them (connection.missing_options()).
        self.required_one_of = list(required_one_of)
        self.required_together = list(required_together)
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
        self.host = None  # the client's host, once there is a client

    def warn(self, text):
        self.warnings.append(text)

    @staticmethod
    def fail(msg, **result):
        raise TaskFailed(msg, **result)


def _unexpected(where, exc):
    return UNEXPECTED % (where, type(exc).__name__, device_text(str(exc)))


# The module process cannot know the inventory host; it hands its warnings back under this key, with the address
# they start with, and the action plugin that started it names the host in them (see run_module()).
HANDED_BACK_WARNINGS = '_lantime_warnings'


def named_warnings(warnings, address, host_name):
    """The warnings with the inventory host named before the address they start with ('<address>, slot rsc: ...'
    becomes '<host_name> (<address>, slot rsc): ...', '<address>: ...' becomes '<host_name> (<address>): ...', any
    other text '<host_name>: ...'); as they are without a host_name, or when the host name is the address itself."""
    warnings = [str(text) for text in warnings or []]
    if not host_name or host_name == address:
        return warnings
    named = []
    for text in warnings:
        rest = text[len(address):] if address and text.startswith(address) else None
        slot, separator, said = (rest or '')[len(', slot '):].partition(': ')
        if rest is not None and rest.startswith(', slot ') and separator and slot:
            named.append('%s (%s, slot %s): %s' % (host_name, address, slot, said))
        elif rest is not None and rest.startswith(': '):
            named.append('%s (%s): %s' % (host_name, address, rest[2:]))
        else:
            named.append('%s: %s' % (host_name, text))
    return named


def execute(definition, params, check_mode=False, diff=False, user_agent_extra=None, host_name=None):
    """Run a task definition with validated params; return its result. Never raises.

    A failed result has failed=True and a msg that names the device and says what to do. Every result that got
    as far as a client carries api_calls; warnings are the body's, then the client's, each naming host_name (the
    inventory host, when the caller knows it) and the address.
    """
    result, address, warnings = _execute(definition, params, check_mode, diff, user_agent_extra)
    if warnings:
        result['warnings'] = named_warnings(warnings, address, host_name)
    return result


def _execute(definition, params, check_mode, diff, user_agent_extra):
    """The result, the address the client named in its warnings (None before there is a client) and the warnings."""
    missing = connection.missing_options(params)
    if missing:
        return {'failed': True, 'changed': False, 'msg': missing}, None, []
    task = Task(params, check_mode=check_mode, diff=diff)
    try:
        task.client = api.LantimeClient(user_agent_extra=user_agent_extra, **dict(
            (option.name, params.get(option.name, option.default)) for option in connection.OPTIONS))
        task.host = task.client.host
        result = dict(definition.body(task) or {})
        result.setdefault('changed', False)
    except TaskFailed as exc:
        result = dict(exc.result, failed=True, msg=exc.msg)
    except Exception as exc:  # pylint: disable=broad-except
        if isinstance(exc, ConfigurationError) and task.client is None:  # the options cannot work: no request made
            return {'failed': True, 'changed': False, 'msg': str(exc)}, None, []
        # A reply no rule foresaw must still end in a clear failure, never in a traceback that may quote it.
        client = task.client
        result = dict(failed=True, **user_message(exc, client.host if client else params.get('host'),
                                                  redact=client.redact if client else None, unexpected=_unexpected))
    result.setdefault('changed', False)
    warnings = list(task.warnings)
    if task.client is not None:
        result['api_calls'] = task.client.api_calls
        warnings += task.client.warnings
    return result, task.host, warnings


def run_module(definition):
    """Validate the options with the definition's spec, run it, and exit with its result (a module process)."""
    # Imported here, so that the action plugins, which run execute() in the controller's process, never load them.
    from ansible.module_utils.basic import AnsibleModule, missing_required_lib  # pylint: disable=import-outside-toplevel
    from ansible.module_utils.ansible_release import __version__  # pylint: disable=import-outside-toplevel
    module = AnsibleModule(supports_check_mode=True, **definition.validator_args())
    host = module.params.get('host')
    if isinstance(host, str) and '@' in host:
        # An address with user:password@ is refused (see connection.base_url); it must not come back in the
        # invocation either.
        module.no_log_values.add(host)
    if not api.HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=api.REQUESTS_IMPORT_ERROR)
    result, address, warnings = _execute(definition, module.params, module.check_mode, module._diff,
                                         'ansible-core/%s' % __version__)
    if warnings:
        # Not module.warn(): the collection's action plugin, which started this process, names the inventory host in
        # them and makes them the task's warnings.
        result[HANDED_BACK_WARNINGS] = {'address': address, 'warnings': warnings}
    if result.pop('failed', False):
        module.fail_json(**result)
    module.exit_json(**result)
