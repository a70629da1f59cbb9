# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The action plugins of the collection's modules: run the task in the controller's worker process.

The hosts of this collection are devices that the controller talks to over HTTPS (the inventory plugin sets
ansible_connection=local), so a module process per task buys nothing but its start-up cost. When the task runs
on the controller, the action plugin validates the options with the module's own argument spec (environment
fallbacks and the task's environment included), runs the same task definition (module_utils/runner.py) and masks
no_log values, as AnsibleModule would. On any other connection (a task delegated to a jump host) the module runs
there as usual and hands its warnings back, for this plugin to name the inventory host in them as on the other path.
On every supported core (2.16 and later) a task on the controller takes the in-process path; what differs between
cores is bridged in compat.py.

On both paths, an option set to null counts as not set, and a connection option the task does not set is taken
from the host variable of the same name with a lantime_ prefix (lantime_host, which the inventory plugin sets,
lantime_username, ...), before the LANTIME_* environment. Reading them here, rather than templating nine
"default(omit)" expressions into every task, keeps a task per host cheap.
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
from ansible_collections.meinberg.lantime.plugins.module_utils import connection
from ansible_collections.meinberg.lantime.plugins.module_utils.runner import HANDED_BACK_WARNINGS, execute, named_warnings
from ansible_collections.meinberg.lantime.plugins.plugin_utils.compat import OMITTED, template_variable
from ansible_collections.meinberg.lantime.plugins.plugin_utils.paths import OutputPathError


class LantimeAction(ActionBase):
    """Subclasses set DEFINITION to a module_utils.task.TaskDefinition."""

    DEFINITION = None
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super(LantimeAction, self).run(tmp, task_vars)
        task_vars = task_vars or {}
        module_name = 'meinberg.lantime.%s' % self.DEFINITION.name
        args = self._args_with_host_variables(task_vars)
        try:
            args = self.prepare_args(args)
        except OutputPathError as exc:
            result.update(failed=True, msg='%s: %s' % (module_name, exc))
            return result
        if getattr(self._connection, 'transport', None) != 'local' or not api.HAS_REQUESTS:
            # Another host (or no requests library here): the module, there, does the work.
            result.update(self._execute_module(module_name=module_name, module_args=args, task_vars=task_vars))
            handed_back = result.pop(HANDED_BACK_WARNINGS, None)
            if isinstance(handed_back, dict) and handed_back.get('warnings'):
                result['warnings'] = list(result.get('warnings') or []) + named_warnings(
                    handed_back['warnings'], handed_back.get('address'), self._host_name(task_vars))
            return self.finish(result, args, task_vars)
        with self._task_environment():
            validation = ArgumentSpecValidator(**self.DEFINITION.validator_args()).validate(args)
            params = validation.validated_parameters
            host = params.get('host')
            if isinstance(host, str) and '@' in host:
                validation._no_log_values.add(host)  # user:password@ in the address: refused, and never echoed
            if len(validation.errors.errors):
                msg = validation.errors.msg
                if isinstance(validation.errors.errors[0], UnsupportedError):
                    msg = 'Unsupported parameters for (%s) module: %s' % (module_name, msg)
                outcome = {'failed': True, 'msg': msg}
            else:
                outcome = execute(self.DEFINITION, params, check_mode=self._task.check_mode, diff=self._task.diff,
                                  user_agent_extra='ansible-core/%s' % ANSIBLE_VERSION,
                                  host_name=self._host_name(task_vars))
        # The record is made from the masked result: its host and chassis are inventory names, not values to mask.
        result.update(self.finish(remove_values(outcome, validation._no_log_values), params, task_vars))
        return result

    @staticmethod
    def _host_name(task_vars):
        """The inventory host the warnings name; none for the implicit localhost of an ad-hoc task, where the
        address alone says more."""
        name = task_vars.get('inventory_hostname')
        return None if name in (None, 'localhost') else str(name)

    def prepare_args(self, args):
        """The task's options as both paths get them (see the api_check action plugin)."""
        return args

    def finish(self, result, params, task_vars):  # pylint: disable=unused-argument
        """What a task adds to its result on either path (see the rsc action plugin)."""
        return result

    def _args_with_host_variables(self, task_vars):
        """The task's options without nulls; a connection option it does not set comes from its lantime_* host variable."""
        args = dict((key, value) for key, value in self._task.args.items() if value is not None)
        for option in connection.OPTIONS:
            if option.name in args or task_vars.get(option.host_var) is None:
                continue
            value = template_variable(self._templar, task_vars[option.host_var], task_vars)
            # "{{ ... | default(omit) }}" and null: not set
            if value is not OMITTED and value is not None:
                args[option.name] = value
        return args

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
