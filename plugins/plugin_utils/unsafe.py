# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Keep values that came from a device from ever being templated.

A device reports strings that anyone with access to its web interface can set (its hostname, for one). Such a
string may look like a template ("{{ lookup('pipe', ...) }}"); it must reach host variables as a literal.

ansible-core 2.19 and later (data tagging) template only strings tagged "trusted as template"; anything built
from a JSON reply is untagged, so it is never templated. make_unsafe() also drops any trust tag a value may have
picked up, by rebuilding it from plain Python types. On older cores (without data tagging) it falls back to
wrap_var(), which marks strings unsafe. The collection needs ansible-core 2.19 or later, so the fallback only
matters if someone loads the plugin on an older core.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections.abc import Mapping

try:
    from ansible.template import is_trusted_as_template  # ansible-core 2.19 and later
    HAS_DATA_TAGGING = True
except ImportError:  # pragma: no cover - older cores
    HAS_DATA_TAGGING = False

    def is_trusted_as_template(value):  # pylint: disable=unused-argument
        return False


def make_unsafe(value):
    """Return value with every string in it made safe from templating (dicts and lists are copied)."""
    if not HAS_DATA_TAGGING:  # pragma: no cover - older cores
        from ansible.utils.unsafe_proxy import wrap_var  # pylint: disable=import-outside-toplevel
        return wrap_var(value)
    return _plain(value)


def _plain(value):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        # str() of a tagged string is a new, untagged str: no longer trusted as a template.
        return str(value)
    if isinstance(value, bytes):
        return bytes(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, Mapping):
        return dict((_plain(key), _plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(item) for item in value]
    return value


def is_unsafe(value):
    """True when value (and everything in it) cannot be templated; for tests."""
    if isinstance(value, Mapping):
        return all(is_unsafe(k) and is_unsafe(v) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(is_unsafe(item) for item in value)
    if isinstance(value, str):
        if HAS_DATA_TAGGING:
            return not is_trusted_as_template(value)
        return type(value).__name__ == 'AnsibleUnsafeText'  # pragma: no cover - older cores
    return True
