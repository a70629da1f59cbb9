# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Runs meinberg.lantime.rsc_info in the controller's process when the task runs on the controller."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.meinberg.lantime.plugins.module_utils.tasks import RSC_INFO
from ansible_collections.meinberg.lantime.plugins.plugin_utils.action import LantimeAction


class ActionModule(LantimeAction):
    DEFINITION = RSC_INFO
