# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The one rule for the files the collection writes on the user's behalf (reports, captures).

A relative path is taken from the directory ansible-playbook (or ansible) was started in: the controller's working
directory, which Ansible never changes in its own process. It is resolved here, in the action plugin, before any
module runs, because a module process on the local connection runs in the playbook's directory (ansible-core sets
the connection's cwd to the loader's base directory), which for a playbook run by name from an installed collection
is inside the collection. A leading ~ is the controller user's home directory.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os


class OutputPathError(ValueError):
    """An output path option that is not a path; the message names the option."""


def output_path(value, option):
    """The absolute path on the controller for an output path option, or None when it is not set (None or '').

    abspath, never realpath: a link at the path is replaced or removed itself, never its target.
    """
    if value is None or value == '':
        return None
    if not isinstance(value, str):
        raise OutputPathError('%s must be a path, got %s' % (option, type(value).__name__))
    return os.path.abspath(os.path.expanduser(value))
