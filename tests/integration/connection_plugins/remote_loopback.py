# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""A connection to "another host" that is this machine: the test stand-in for a jump host.

It executes like the local connection, but it is not the local connection, so the collection's action plugins
take the path they take for a task delegated to another host: the module is packed (AnsiballZ), copied into a
temporary directory through this connection and run there by the host's Python, in a process of its own.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = """
name: remote_loopback
short_description: run modules on this machine as if it were another host (tests only)
description:
  - Executes on the controller, through the same code as the local connection, under a transport name of its own.
author: meinberg.lantime contributors
options:
  become_success_timeout:
    type: int
    default: 10
    description: Seconds to wait for become to succeed.
  become_strip_preamble:
    type: bool
    default: true
    description: Strip the become preamble from the output.
  pipelining:
    type: bool
    default: false
    description: Send modules through stdin instead of a file.
"""

from ansible.plugins.connection.local import Connection as LocalConnection


class Connection(LocalConnection):
    transport = 'remote_loopback'
