# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The filter meinberg.lantime.one_per_chassis: one host of each chassis among the hosts given (documentation in
one_per_chassis.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError


def one_per_chassis(hosts, hostvars, preferred=None):
    """The first host of each chassis, in the order given; a preferred host (the inventory plugin's
    lantime_one_per_chassis group: the chassis' RSC card) stands for its chassis instead. A host without the
    variable lantime_chassis is a chassis of its own."""
    if isinstance(hosts, (str, bytes)) or not isinstance(hosts, (list, tuple)):
        raise AnsibleFilterError('one_per_chassis expects a list of inventory host names')
    preferred = set(str(name) for name in preferred or [])
    chosen, order = {}, []
    for host in hosts:
        host = str(host)
        variables = hostvars[host] if host in hostvars else {}
        chassis = variables.get('lantime_chassis') if isinstance(variables, Mapping) else None
        chassis = str(chassis) if chassis not in (None, '') else host
        if chassis not in chosen:
            order.append(chassis)
            chosen[chassis] = host
        elif host in preferred and chosen[chassis] not in preferred:
            chosen[chassis] = host
    return [chosen[chassis] for chassis in order]


class FilterModule:
    """meinberg.lantime.one_per_chassis"""

    def filters(self):
        return {'one_per_chassis': one_per_chassis}
