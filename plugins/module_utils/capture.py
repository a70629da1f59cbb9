# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Internal to meinberg.lantime, not a public API: a capture of a live chassis for the maintainers, safe to share by construction.

A capture holds the status tree, the configuration tree, the RSC configuration object, the api_check result
and the collection's version. The device simulator serves it as a chassis (python3 tests/simulator --fixture FILE).

Redaction is an allow-list, not a guess at what is secret: ALLOW_LIST names the few fields the collection's code
and the simulator read, and only their values stay; where the collection knows a field's JSON type and vocabulary
(VALUE_RULES), only a value of that type and in that vocabulary stays. Everything else keeps its keys, nesting and
JSON types, but every string becomes a stable placeholder (the same original, the same placeholder within a
capture) and every number becomes 0; true, false and null stay. Keys stay, as they are the evidence of the API's
shape, except a key that looks like an address, a host name, an e-mail address or a key/token (see
key_is_schema()), which gets a placeholder too.

The capture's api_check section is made by running the checks on the redacted documents (build_capture's check),
so it can only quote what the file holds anyway. Pure Python, no Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import time

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map as m
from ansible_collections.meinberg.lantime.plugins.module_utils import atomic_file

CAPTURE_FORMAT = 'meinberg.lantime-capture/1'

# What an allow-listed value is: KEEP stays whatever redact says; SERIAL and HOST are the user's own identifiers,
# kept only with redact=false (the capture_redact=false of the playbook) and otherwise replaced by placeholders.
KEEP = 'keep'
SERIAL = 'serial'
HOST = 'host'

_SLOT = 'status.data.%s.%s[]' % (m.CHASSIS_KEY, m.SLOTS_KEY)
_RSC = '%s.%s.%s' % (_SLOT, m.MODULE, m.RSC_KEY)
_CONFIG_SLOT = 'configuration.data.%s.%s[]' % (m.CHASSIS_KEY, m.SLOTS_KEY)

# THE allow-list: every field whose value a capture keeps, and nothing else. A path starts at the capture's
# document (status, configuration, rsc_configuration; "*" is any of them), "[]" is any member of a list. Only a
# scalar at such a path stays; an object or a list there is walked like any other. When a real capture shows a
# field the collection's code (module_utils/facts.py, api_map.py, api_check.py) or the simulator's fixture loader
# reads, add it here and to the list in docs/real-device.md (a unit test keeps the two equal).
ALLOW_LIST = (
    # every reply's envelope: the versions and the model; the serial number and host name are identifiers
    ('*.%s.%s' % (m.SYSTEM_INFORMATION, m.FIRMWARE_KEY), KEEP),
    ('*.%s.%s' % (m.SYSTEM_INFORMATION, m.API_VERSION_KEY), KEEP),
    ('*.%s.model' % m.SYSTEM_INFORMATION, KEEP),
    ('*.%s.serial-number' % m.SYSTEM_INFORMATION, SERIAL),
    ('*.%s.hostname' % m.SYSTEM_INFORMATION, HOST),
    ('*.%s.%s' % (m.DATA, m.OBJECT_ID), KEEP),
    # the status tree: REST API version, the system's sync reference, the chassis and its slots
    ('status.data.%s.%s' % (m.REST_API_KEY, m.REST_API_VERSION), KEEP),
    ('status.data.%s.%s.%s' % (m.SYSTEM_KEY, m.SYNC_STATUS, m.SYNC_REFERENCE), KEEP),
    ('status.data.%s.%s.%s.%s' % (m.SYSTEM_KEY, m.SYNC_STATUS, m.CLOCK_STATUS, m.CLOCK_STATUS_CLOCK), KEEP),
    ('status.data.%s.model' % m.CHASSIS_KEY, KEEP),
    ('status.data.%s.firmware-image' % m.CHASSIS_KEY, KEEP),
    ('status.data.%s.serial-number' % m.CHASSIS_KEY, SERIAL),
    ('%s.%s' % (_SLOT, m.OBJECT_ID), KEEP),
    ('%s.%s' % (_SLOT, m.SLOT_ID), KEEP),
    ('%s.%s' % (_SLOT, m.SLOT_TYPE), KEEP),
    ('%s.%s' % (_SLOT, m.SLOT_POSITION), KEEP),
    ('%s.%s.%s.model' % (_SLOT, m.MODULE, m.INFO), KEEP),
    ('%s.%s.%s.software-revision' % (_SLOT, m.MODULE, m.INFO), KEEP),
    ('%s.%s.%s.serial-number' % (_SLOT, m.MODULE, m.INFO), SERIAL),
    # the clock modules' sync state
    ('%s.%s.%s.%s' % (_SLOT, m.MODULE, m.SYNC_STATUS, m.CLOCK_IDX), KEEP),
    ('%s.%s.%s.%s.%s' % (_SLOT, m.MODULE, m.SYNC_STATUS, m.CLOCK_STATUS, m.CLOCK_STATUS_CLOCK), KEEP),
    # the RSC block: every key the collection reads from it
    ('%s.%s' % (_RSC, m.RSC_SWITCH_MODE), KEEP),
    ('%s.%s' % (_RSC, m.RSC_SELECTED_CLOCK), KEEP),
    ('%s.%s.%s' % (_RSC, m.RSC_FRONT_PANEL, m.RSC_PANEL_MODE), KEEP),
    ('%s.%s.%s' % (_RSC, m.RSC_FRONT_PANEL, m.RSC_PANEL_CLOCK), KEEP),
    ('%s.%s' % (_RSC, m.RSC_OUTPUTS_ENABLED), KEEP),
    ('%s.%s[].%s' % (_RSC, m.RSC_CLOCKS, m.OBJECT_ID), KEEP),
    ('%s.%s[].%s' % (_RSC, m.RSC_CLOCKS, m.RSC_TIME_SYNC), KEEP),
    ('%s.%s' % (_RSC, m.RSC_TIME_LIMIT_ERROR), KEEP),
    ('%s.%s' % (_RSC, m.RSC_WATCHDOG_OK), KEEP),
    ('%s.%s' % (_RSC, m.RSC_ACO), KEEP),
    ('%s.%s' % (_RSC, m.RSC_SWITCHOVER_COUNT), KEEP),
    ('%s.%s' % (_RSC, m.RSC_LAST_SWITCHOVER), KEEP),
    # the configuration tree: the slots and the RSC card's settings
    ('%s.%s' % (_CONFIG_SLOT, m.OBJECT_ID), KEEP),
    ('%s.%s' % (_CONFIG_SLOT, m.SLOT_ID), KEEP),
    ('%s.%s.%s.%s' % (_CONFIG_SLOT, m.MODULE, m.RSC_KEY, m.RSC_SWITCH_MODE), KEEP),
    ('%s.%s.%s.%s' % (_CONFIG_SLOT, m.MODULE, m.RSC_KEY, m.RSC_SELECTED_CLOCK), KEEP),
    # the RSC card's configuration object, in an envelope or bare
    ('rsc_configuration.data.%s' % m.RSC_SWITCH_MODE, KEEP),
    ('rsc_configuration.data.%s' % m.RSC_SELECTED_CLOCK, KEEP),
    ('rsc_configuration.%s' % m.RSC_SWITCH_MODE, KEEP),
    ('rsc_configuration.%s' % m.RSC_SELECTED_CLOCK, KEEP),
)


def _value_rules():
    rules = []
    for key, kind, allowed in m.RSC_READ_KEYS:
        if kind in ('str', 'bool', 'int'):
            rules.append(('%s.%s' % (_RSC, key), (kind, allowed)))
    for key, kind, allowed in m.RSC_PANEL_KEYS:
        rules.append(('%s.%s.%s' % (_RSC, m.RSC_FRONT_PANEL, key), (kind, allowed)))
    for key, kind, allowed in m.RSC_CLOCK_ENTRY_KEYS:
        rules.append(('%s.%s[].%s' % (_RSC, m.RSC_CLOCKS, key), (kind, allowed)))
    written = {m.RSC_SWITCH_MODE: m.SWITCH_MODES, m.RSC_SELECTED_CLOCK: m.CLOCK_IDS + m.NO_CLOCK_SELECTED}
    for prefix in ('%s.%s.%s' % (_CONFIG_SLOT, m.MODULE, m.RSC_KEY), 'rsc_configuration.data', 'rsc_configuration'):
        for key in m.RSC_WRITE_KEYS:
            rules.append(('%s.%s' % (prefix, key), ('str', written[key])))
    return tuple(rules)


# The allow-listed fields whose JSON type the collection knows ('str', 'bool', 'int') and, for an enum, its
# vocabulary (compared stripped and in lower case, as api_check and facts do): a value of another type or outside
# the vocabulary is not what the field is about and is replaced like any value outside the allow-list. The other
# allow-listed fields (versions, models, revisions, slot ids, clock states, last-switchover) are free text the
# collection reads as the device spells it and stay verbatim: a device shows there what it was built or set to
# show, not a configured secret, unless someone typed one as a model name.
VALUE_RULES = _value_rules()

DOCUMENTS = ('status', 'configuration', 'rsc_configuration')
# The API's own spellings of "unknown" (and the empty text) tell nothing about anyone, wherever they are.
UNKNOWN_TEXTS = frozenset(m.UNKNOWN_VALUES)

# A key stays when it looks like a schema word: a letter, then letters, digits, "-", "_" or spaces (the envelope's
# "API Version"). A key with a dot, "@", ":" or "/" (addresses, host names, e-mail addresses, paths) does not, nor a
# long run of hex digits or a long mixed-case token.
SCHEMA_KEY = re.compile(r'^[A-Za-z][A-Za-z0-9_ -]{0,63}$')
HEX_RUN = re.compile(r'^[0-9A-Fa-f-]{12,}$')
TOKEN_LIKE = re.compile(r'^(?=.*\d)(?=.*[a-z])(?=.*[A-Z])[A-Za-z0-9_-]{16,}$')
_TIER = ('tier',)  # the leaf marker of the compiled allow-list (not a string, so never a key)
_RULE = ('rule',)  # the leaf marker of a value rule


def key_is_schema(key):
    """True for a key that stays verbatim; False for one that may itself identify someone or be a secret."""
    return (isinstance(key, str) and SCHEMA_KEY.match(key) is not None and HEX_RUN.match(key) is None
            and TOKEN_LIKE.match(key) is None)


def value_fits(value, rule):
    """True when value is of the rule's JSON type and, for an enum, one of its words (stripped, any case)."""
    kind, allowed = rule
    if kind == 'bool':
        return isinstance(value, bool)
    if kind == 'int':
        return isinstance(value, int) and not isinstance(value, bool)
    if not isinstance(value, str):
        return False
    return not allowed or value.strip().lower() in allowed


def _segments(path):
    for part in path.split('.'):
        if part.endswith('[]'):
            yield part[:-2]
            yield '[]'
        else:
            yield part


def compile_allow_list(allow_list=ALLOW_LIST, value_rules=VALUE_RULES):
    """The allow-list as a tree of path segments; a leaf holds its tier under _TIER and its value rule under _RULE."""
    root = {}
    for marker, entries in ((_TIER, allow_list), (_RULE, value_rules)):
        for path, what in entries:
            node = root
            for segment in _segments(path):
                node = node.setdefault(segment, {})
            node[marker] = what
    return root


_ALLOWED = compile_allow_list()


def _children(nodes, segment):
    found = []
    for node in nodes:
        if segment in node:
            found.append(node[segment])
        if segment != '[]' and '*' in node:
            found.append(node['*'])
    return found


class Redactor:
    """Keeps the allow-listed values and replaces everything else; see the module docstring.

    keep_identifiers: keep the allow-listed serial numbers and host names (redact=false).
    """

    def __init__(self, keep_identifiers=False):
        self.keep_identifiers = keep_identifiers
        self._placeholders = {}   # (kind, original) -> placeholder
        self._numbers = {}        # kind -> how many placeholders of that kind exist
        self._identifier_of = {}  # original identifier -> its placeholder (a text equal to it gets the same)
        self.counts = {'kept': 0, 'number': 0}

    # -- placeholders ----------------------------------------------------------------------------------------
    def _placeholder(self, kind, original):
        if (kind, original) not in self._placeholders:
            number = self._numbers.get(kind, 0) + 1
            self._numbers[kind] = number
            self._placeholders[(kind, original)] = {
                SERIAL: 'SERIAL%06d',
                HOST: 'host-%04d.example.invalid',
                'address': 'address-%04d.example.invalid',
                'key': 'redacted-key-%04d',
            }.get(kind, 'REDACTED-%04d') % number
        return self._placeholders[(kind, original)]

    def summary(self):
        """How many values were kept and replaced, by kind (never the values themselves)."""
        counts = dict(self.counts)
        for kind in (SERIAL, HOST, 'text', 'key'):
            counts[kind] = self._numbers.get(kind, 0)
        return dict(sorted(counts.items()))

    # -- the documents ---------------------------------------------------------------------------------------
    def redact(self, body):
        """A redacted copy of {'status': ..., 'configuration': ..., 'rsc_configuration': ...}."""
        if not self.keep_identifiers:
            self._collect(body, [_ALLOWED])
        return self._walk(body, [_ALLOWED])

    def _tier(self, nodes):
        tiers = [node[_TIER] for node in nodes if _TIER in node]
        return KEEP if KEEP in tiers else (tiers[0] if tiers else None)

    def _collect(self, node, nodes):
        """First pass: the identifiers in their allow-listed fields get their placeholders first, so that the same
        text anywhere else gets the same placeholder."""
        if isinstance(node, dict):
            for key, value in node.items():
                self._collect(value, _children(nodes, key))
        elif isinstance(node, list):
            for value in node:
                self._collect(value, _children(nodes, '[]'))
        elif isinstance(node, str) and self._tier(nodes) in (SERIAL, HOST):
            self._identifier(node, self._tier(nodes))

    def _identifier(self, value, kind):
        core = value.strip()
        if core.lower() in UNKNOWN_TEXTS:
            return value
        if core not in self._identifier_of:
            self._identifier_of[core] = self._placeholder(kind, core)
        start = value.index(core)
        return value[:start] + self._identifier_of[core] + value[start + len(core):]

    def _walk(self, node, nodes):
        if isinstance(node, dict):
            return dict((self._key(key), self._walk(value, _children(nodes, key))) for key, value in node.items())
        if isinstance(node, list):
            return [self._walk(value, _children(nodes, '[]')) for value in node]
        if isinstance(node, bool) or node is None:
            return node
        tier = self._tier(nodes)
        if tier == KEEP and not all(value_fits(node, n[_RULE]) for n in nodes if _RULE in n):
            tier = None  # the wrong type or outside the field's vocabulary: not what the allow-list keeps
        if tier == KEEP or (tier in (SERIAL, HOST) and self.keep_identifiers):
            self.counts['kept'] += 1
            return node
        if isinstance(node, str):
            if tier in (SERIAL, HOST):
                return self._identifier(node, tier)
            return self._text(node)
        if isinstance(node, (int, float)):
            self.counts['number'] += 1
            return type(node)(0)
        # Nothing else comes out of JSON; whatever it is, it does not go into the capture.
        return None

    def _text(self, value):
        core = value.strip()
        if core.lower() in UNKNOWN_TEXTS:
            return value
        if core in self._identifier_of:
            return self._identifier_of[core]
        return self._placeholder('text', value)

    def _key(self, key):
        return key if key_is_schema(key) else self._placeholder('key', key)


def redact(body, keep_identifiers=False):
    """(redacted copy of body, summary of what was kept and replaced); see Redactor."""
    redactor = Redactor(keep_identifiers)
    return redactor.redact(body), redactor.summary()


def build_capture(documents, check, collection_version, redacted=True, now=None):
    """The capture file's content: the documents api_check read, its result, the collection version.

    documents: {'status': ..., 'configuration': ..., 'rsc_configuration': ...} as read (None when unreadable).
    check: called with the redacted documents, returns the api_check section. Made from what the file holds, it
    cannot quote a value the redaction replaced (there is no scrubbing of texts after the fact).
    redacted=False keeps the allow-listed serial numbers and host names (never anything outside ALLOW_LIST).
    """
    redactor = Redactor(keep_identifiers=not redacted)
    body = redactor.redact(dict((name, documents.get(name)) for name in DOCUMENTS))
    # the checks get their own copy, so that nothing they do can touch what the file holds
    check_result = check(json.loads(json.dumps(body)))
    capture = {
        'format': CAPTURE_FORMAT,
        'collection_version': collection_version,
        'captured_at': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(now)),
        'redacted': bool(redacted),
    }
    capture.update(body)
    capture['api_check'] = check_result
    capture['redaction'] = redactor.summary()
    return capture


class CaptureWriteError(Exception):
    """The capture file could not be written; the message names the file and the reason."""


def write_capture(path, content):
    """Write content as JSON to path, mode 0600, atomically: a temporary file in the same directory, then a rename.

    A missing directory (and its missing parents) is created with mode 0700.

    Returns the number of bytes written. A reader sees the old file or the whole new one, never a part, and the
    file is never readable by others, not even for a moment. Raises CaptureWriteError.
    """
    data = (json.dumps(content, indent=4, sort_keys=True) + '\n').encode('utf-8')
    directory = os.path.dirname(os.path.abspath(path))
    try:
        # A missing directory is made for the user alone; an existing one (even /tmp) keeps its mode.
        os.makedirs(directory, 0o700, exist_ok=True)
    except OSError as exc:
        raise CaptureWriteError('cannot write the capture %s: cannot create the directory %s: %s'
                                % (path, directory, exc.strerror or exc))
    if not os.path.isdir(directory):
        raise CaptureWriteError('cannot write the capture %s: %s is not a directory' % (path, directory))
    try:
        return atomic_file.write_atomic(path, data, 0o600)
    except atomic_file.AtomicFileError as exc:
        raise CaptureWriteError('cannot write the capture %s: %s' % (path, exc))
