# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Internal to meinberg.lantime, not a public API: the chassis list of the inventory plugin and the rsc_events source: entries, names, duplicates."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.meinberg.lantime.plugins.module_utils import connection

CHASSIS_ENTRY_KEYS = ('name', 'host')
NAME_UNSAFE = re.compile(r'[^A-Za-z0-9._-]')
GROUP_UNSAFE = re.compile(r'[^A-Za-z0-9_]')


# -- naming (pure functions, unit tested) ---------------------------------------------------------------------------
def safe_name(text):
    """A host-name part: letters, digits, '.', '-' and '_' kept, anything else becomes '_'."""
    return NAME_UNSAFE.sub('_', str(text).strip())


def safe_group(text):
    """A group-name part: letters, digits and '_' kept, anything else becomes '_'."""
    return GROUP_UNSAFE.sub('_', str(text))


def host_of_url(url):
    """The host name in a base URL, without scheme, port, brackets or user info."""
    netloc = url.split('://', 1)[-1].split('/', 1)[0]
    if netloc.startswith('['):
        return netloc[1:].split(']', 1)[0]
    return netloc.rsplit(':', 1)[0] if netloc.count(':') == 1 else netloc


def resolve_chassis(entries):
    """Turn the chassis option into [{'name', 'url', 'index'}] with unique names, plus warnings.

    Raises ValueError (naming the entry, never echoing an address that may hold credentials) on a bad entry.
    """
    if not isinstance(entries, list) or not entries:
        raise ValueError('chassis: give a list with at least one chassis address')
    resolved = []
    warnings = []
    taken = {}
    next_suffix = {}
    for index, entry in enumerate(entries, 1):
        where = 'chassis entry #%d' % index
        if isinstance(entry, dict):
            unknown = sorted(str(key) for key in entry if key not in CHASSIS_ENTRY_KEYS)
            if unknown:
                raise ValueError('%s: unknown key(s) %s; an entry has host and optionally name'
                                 % (where, ', '.join(unknown)))
            host, name = entry.get('host'), entry.get('name')
        else:
            host, name = entry, None
        if not isinstance(host, str) or not host.strip():
            raise ValueError('%s: give the address as a string (a host name, host:port or URL)' % where)
        try:
            url = connection.base_url(host)
        except ValueError as exc:
            raise ValueError('%s: %s' % (where, exc))
        if name is not None and not isinstance(name, (str, int)):
            raise ValueError('%s: name must be a string' % where)
        same = [r for r in resolved if r['url'].lower() == url.lower()]
        if same:
            warnings.append('chassis entries #%d and #%d have the same address %s; the later one is left out, so '
                            'that one card never becomes two sets of hosts' % (same[0]['index'], index, url))
            continue
        base = safe_name(name) if name is not None and str(name).strip() else safe_name(host_of_url(url).lower())
        if not base:
            raise ValueError('%s: the chassis name is empty' % where)
        final = base
        suffix = next_suffix.get(base, 2)
        while final in taken:
            final = '%s-%d' % (base, suffix)
            suffix += 1
        next_suffix[base] = suffix
        if final != base:
            first = taken[base]
            warnings.append('chassis entries #%d (%s) and #%d (%s) both resolve to the chassis name %r; the later one '
                            'is named %r. Give each entry a distinct name to choose the names yourself.'
                            % (first['index'], first['url'], index, url, base, final))
        record = {'name': final, 'url': url, 'index': index}
        taken[final] = record
        resolved.append(record)
    return resolved, warnings
