# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Runs meinberg.lantime.api_check in the controller's process when the task runs on the controller."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.meinberg.lantime.plugins.module_utils.api_check import API_CHECK
from ansible_collections.meinberg.lantime.plugins.plugin_utils.action import LantimeAction
from ansible_collections.meinberg.lantime.plugins.plugin_utils.paths import output_path


class ActionModule(LantimeAction):
    DEFINITION = API_CHECK

    def prepare_args(self, args):
        """A relative capture_path is taken from the controller's working directory, on both paths."""
        if args.get('capture_path') not in (None, ''):
            args = dict(args, capture_path=output_path(args['capture_path'], 'capture_path'))
        return args
