# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Runs meinberg.lantime.rsc in the controller's process when the task runs on the controller; words a refusal for
the role when the task came through it, and adds the record when the task asks for it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.meinberg.lantime.plugins.module_utils import record
from ansible_collections.meinberg.lantime.plugins.module_utils import write_trace
from ansible_collections.meinberg.lantime.plugins.module_utils.tasks import RSC, TRACE
from ansible_collections.meinberg.lantime.plugins.plugin_utils.action import LantimeAction
from ansible_collections.meinberg.lantime.plugins.plugin_utils.paths import OutputPathError, output_path


class ActionModule(LantimeAction):
    DEFINITION = RSC

    def prepare_args(self, args):
        """The write trace goes into a directory on the controller, whichever host runs the task (the result brings
        the trace back): a relative one is taken from the controller's working directory, and a directory that cannot
        take the trace fails the task before any request."""
        directory = output_path(args.get('write_trace'), 'write_trace')
        if directory is None:
            return args
        if not self._task.check_mode:
            try:
                write_trace.trace_directory(directory)
            except write_trace.TraceError as exc:
                raise OutputPathError('%s; nothing was sent to the device' % exc)
        return dict(args, write_trace=directory)

    def finish(self, result, params, task_vars):
        """The role's words in a refusal, and the record for reports: the inventory knows the host's name and chassis,
        the task its role, the result the rest."""
        role = getattr(self._task, '_role', None)
        trace = result.pop(TRACE, None)
        if trace is not None:
            try:
                result['write_trace'] = write_trace.write_file(params.get('write_trace'), trace)
            except write_trace.TraceError as exc:
                result.setdefault('warnings', []).append('the write was sent, but its trace was not written: %s' % exc)
        return record.finish(result, params, task_vars.get('inventory_hostname'),
                             self._templar.template(task_vars.get('lantime_chassis')),
                             role_name=role.get_name() if role is not None else None)
