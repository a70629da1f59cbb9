# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The filters the role meinberg.lantime.rsc and the playbooks wire their records with (documentation in
rsc_record.yml, rsc_fallback_record.yml and rsc_failure.yml): the record and the role's words are made in
plugins/module_utils/record.py, not in Jinja."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections.abc import Mapping

from ansible_collections.meinberg.lantime.plugins.module_utils import record


def _mapping(value):
    return value if isinstance(value, Mapping) else {}


def rsc_record(run, host_name, chassis=None, slot=None, switch_mode=None, selected_clock=None, address=None):
    """The record of an rsc task's result: its own, else the one of a task that failed before it could make one."""
    run = _mapping(run)
    if isinstance(run.get('record'), Mapping):
        return run['record']
    return record.unrecorded(run, host_name, chassis, slot, switch_mode, selected_clock, address)


def rsc_fallback_record(failure, host_name, chassis=None, slot=None):
    return record.fallback(_mapping(failure), host_name, chassis, slot)


def rsc_failure(host_record, host_name):
    return record.role_failure(_mapping(host_record), host_name)


class FilterModule:
    def filters(self):
        return {'rsc_record': rsc_record, 'rsc_fallback_record': rsc_fallback_record, 'rsc_failure': rsc_failure}
