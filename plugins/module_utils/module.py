# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Running a task definition (task.py) as a module: the path for a task delegated to another host.

On the controller, the action plugins of the same names run the same definitions without a module process.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION

from ansible_collections.meinberg.lantime.plugins.module_utils import client as api
from ansible_collections.meinberg.lantime.plugins.module_utils.errors import ReplyShapeError
from ansible_collections.meinberg.lantime.plugins.module_utils.task import (  # noqa: F401 pylint: disable=unused-import
    CONNECTION_ARGSPEC, CONNECTION_REQUIRED_ONE_OF, CONNECTION_REQUIRED_TOGETHER, check_connection_params,
    client_from_params, execute)


def run_module(definition):
    """Validate the options with the definition's spec, run it, and exit with its result."""
    module = AnsibleModule(supports_check_mode=True, **definition.validator_args())
    if not api.HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=api.REQUESTS_IMPORT_ERROR)
    result = execute(definition, module.params, check_mode=module.check_mode, diff=module._diff,
                     user_agent_extra='ansible-core/%s' % ANSIBLE_VERSION)
    for warning in result.pop('warnings', []):
        module.warn(warning)
    if result.pop('failed', False):
        module.fail_json(**result)
    module.exit_json(**result)


class LantimeModule:
    """The older module wrapper, kept while a module still uses it; new modules use a TaskDefinition."""

    def __init__(self, argument_spec, **kwargs):
        spec = dict(CONNECTION_ARGSPEC)
        spec.update(argument_spec)
        self.module = AnsibleModule(
            argument_spec=spec, supports_check_mode=True,
            required_together=CONNECTION_REQUIRED_TOGETHER + kwargs.pop('required_together', []),
            required_one_of=CONNECTION_REQUIRED_ONE_OF + kwargs.pop('required_one_of', []),
            **kwargs)
        self.params = self.module.params
        if not api.HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib('requests'), exception=api.REQUESTS_IMPORT_ERROR)
        problems = check_connection_params(self.params)
        if problems:
            self.module.fail_json(msg='invalid options: ' + '; '.join(problems))
        self.client = client_from_params(self.params, user_agent_extra='ansible-core/%s' % ANSIBLE_VERSION)

    @property
    def host(self):
        return self.client.host

    def _result(self, result):
        result['api_calls'] = self.client.api_calls
        for warning in self.client.warnings:
            self.module.warn(warning)
        return result

    def exit(self, **result):
        self.module.exit_json(**self._result(result))

    def fail(self, msg, **result):
        self.module.fail_json(msg=msg, **self._result(result))

    def run(self, body):
        """Call body(); turn every error into a failed result that names the device."""
        try:
            body()
        except ReplyShapeError as exc:
            self.fail('%s: %s' % (self.host, exc))
        except api.LantimeError as exc:
            self.fail(str(exc), status=exc.status)
        except Exception as exc:  # pylint: disable=broad-except
            self.fail(self.client.redact('%s: unexpected error while handling the device reply (%s: %s).'
                                         % (self.host, type(exc).__name__, api.device_text(str(exc)))))
