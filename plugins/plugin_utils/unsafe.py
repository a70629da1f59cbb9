# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Keep values that came from a device from ever being templated.

A device reports strings that anyone with access to its web interface can set (its hostname, for one). Such a
string may look like a template ("{{ lookup('pipe', ...) }}"); it must reach host variables as a literal.

ansible-core 2.19 and later (data tagging) template only strings tagged "trusted as template"; anything built
from a JSON reply is untagged, so it is never templated, and make_unsafe() also drops any trust tag a value may
have picked up by rebuilding it from plain Python types. ansible-core 2.16 to 2.18 template any plain string, so
there make_unsafe() marks every string unsafe (AnsibleUnsafeText, with wrap_var()). compat.py holds both ways.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.meinberg.lantime.plugins.plugin_utils.compat import make_untemplatable


def make_unsafe(value):
    """Return value with every string in it made safe from templating (dicts and lists are copied)."""
    return make_untemplatable(value)
