# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The action plugins of the collection's modules: run the task in the controller's worker process.

The hosts of this collection are devices that the controller talks to over HTTPS (the inventory plugin sets
ansible_connection=local), so a module process per task buys nothing but its start-up cost. When the task runs
on the controller, the action plugin validates the options with the module's own argument spec (environment
fallbacks and the task's environment included), runs the same task definition (module_utils/task.py) and masks
no_log values, as AnsibleModule would. On any other connection (a task delegated to a jump host) the module runs
there as usual.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import os

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase

from ansible_collections.meinberg.lantime.plugins.module_utils import client as api
from ansible_collections.meinberg.lantime.plugins.module_utils.task import execute


class LantimeAction(ActionBase):
    """Subclasses set DEFINITION to a module_utils.task.TaskDefinition."""

    DEFINITION = None
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super(LantimeAction, self).run(tmp, task_vars)
        module_name = 'meinberg.lantime.%s' % self.DEFINITION.name
        if getattr(self._connection, 'transport', None) != 'local' or not api.HAS_REQUESTS:
            # Another host (or no requests library here): the module, there, does the work.
            result.update(self._execute_module(module_name=module_name, module_args=self._task.args,
                                               task_vars=task_vars))
            return result
        with self._task_environment():
            validation = ArgumentSpecValidator(**self.DEFINITION.validator_args()).validate(dict(self._task.args))
            host = validation.validated_parameters.get('host')
            if isinstance(host, str) and '@' in host:
                validation._no_log_values.add(host)  # user:password@ in the address: refused, and never echoed
            if len(validation.errors.errors):
                msg = validation.errors.msg
                if isinstance(validation.errors.errors[0], UnsupportedError):
                    msg = 'Unsupported parameters for (%s) module: %s' % (module_name, msg)
                result.update(failed=True, msg=remove_values(msg, validation._no_log_values))
                return result
            outcome = execute(self.DEFINITION, validation.validated_parameters, check_mode=self._task.check_mode,
                              diff=self._task.diff, user_agent_extra='ansible-core/%s' % ANSIBLE_VERSION)
        result.update(remove_values(outcome, validation._no_log_values))
        return result

    @contextlib.contextmanager
    def _task_environment(self):
        """The task's environment keyword, as a module process would see it (for the LANTIME_* fallbacks)."""
        environment = {}
        for entry in self._task.environment or []:
            entry = self._templar.template(entry)
            if isinstance(entry, dict):
                environment.update((str(key), str(value)) for key, value in entry.items())
        saved = dict((key, os.environ.get(key)) for key in environment)
        os.environ.update(environment)
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
