# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Runs meinberg.lantime.rsc in the controller's process when the task runs on the controller, and adds the record."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.meinberg.lantime.plugins.module_utils import record
from ansible_collections.meinberg.lantime.plugins.module_utils.tasks import RSC
from ansible_collections.meinberg.lantime.plugins.plugin_utils.action import LantimeAction


class ActionModule(LantimeAction):
    DEFINITION = RSC

    def finish(self, result, params, task_vars):
        """The role's hint in a refusal, and the record for reports: the inventory knows the host's name and chassis,
        the result the rest."""
        return record.finish(result, params, task_vars.get('inventory_hostname'),
                             self._templar.template(task_vars.get('lantime_chassis')))
