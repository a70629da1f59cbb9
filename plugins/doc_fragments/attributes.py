# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    # Every module: it is in the action group, so module_defaults can set the connection once.
    DOCUMENTATION = r'''
attributes:
  action:
    description:
      - An action plugin of the same name runs the module's code in the controller's own process when the task runs
        on the controller (a C(local) connection, as the inventory plugin sets, or C(delegate_to=localhost)), with no
        module process. Delegated to another host, the module runs there as usual. Both give the same results.
    support: full
  action_group:
    description: Use C(group/meinberg.lantime.lantime) in C(module_defaults) to set options for every module of this collection.
    support: full
    membership:
      - meinberg.lantime.lantime
'''

    # Modules that only read.
    INFO_MODULE = r'''
attributes:
  check_mode:
    description: Can run in check mode and return the same data; it only reads.
    support: full
  diff_mode:
    description: Returns no diff; it changes nothing.
    support: N/A
'''

    # Modules that change the device.
    CONFIG_MODULE = r'''
attributes:
  check_mode:
    description: Can run in check mode; it then writes nothing and reports what would change.
    support: full
  diff_mode:
    description: Will return details on what has changed (or would change in check mode).
    support: full
'''
