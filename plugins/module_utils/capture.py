# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""A capture of a live chassis for the maintainers, safe to share by construction.

A capture holds the status tree, the configuration tree, the RSC configuration object, the api_check result
and the collection's version. The device simulator serves it as a chassis (python3 tests/simulator --fixture FILE).

Redaction is an allow-list, not a guess at what is secret: ALLOW_LIST names the few fields the collection's code
and the simulator read, and only their values stay. Everything else keeps its keys, nesting and JSON types, but
every string becomes a stable placeholder (the same original, the same placeholder within a capture) and every
number becomes 0; true, false and null stay. Keys stay, as they are the evidence of the API's shape, except a
key that looks like an address, a host name, an e-mail address or a key/token (see key_is_schema()), which gets
a placeholder too. Pure Python, no Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import tempfile
import time

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map as m

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

DOCUMENTS = ('status', 'configuration', 'rsc_configuration')
# The API's own spellings of "unknown" (and the empty text) tell nothing about anyone, wherever they are.
UNKNOWN_TEXTS = frozenset(m.UNKNOWN_VALUES)

# A key stays when it looks like a schema word: a letter, then letters, digits, "-", "_" or spaces (the envelope's
# "API Version"). A key with a dot, "@", ":" or "/" (addresses, host names, e-mail addresses, paths) does not, nor a
# long run of hex digits or a long mixed-case token.
SCHEMA_KEY = re.compile(r'^[A-Za-z][A-Za-z0-9_ -]{0,63}$')
HEX_RUN = re.compile(r'^[0-9A-Fa-f-]{12,}$')
TOKEN_LIKE = re.compile(r'^(?=.*\d)(?=.*[a-z])(?=.*[A-Z])[A-Za-z0-9_-]{16,}$')
# A replaced text worth scrubbing from the api_check result when it shows up there: not an enum-like word.
ENUM_LIKE = re.compile(r'^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$')
_TIER = ('tier',)  # the leaf marker of the compiled allow-list (not a string, so never a key)


def key_is_schema(key):
    """True for a key that stays verbatim; False for one that may itself identify someone or be a secret."""
    return (isinstance(key, str) and SCHEMA_KEY.match(key) is not None and HEX_RUN.match(key) is None
            and TOKEN_LIKE.match(key) is None)


def _segments(path):
    for part in path.split('.'):
        if part.endswith('[]'):
            yield part[:-2]
            yield '[]'
        else:
            yield part


def compile_allow_list(allow_list=ALLOW_LIST):
    """The allow-list as a tree of path segments; a leaf holds its tier under _TIER."""
    root = {}
    for path, tier in allow_list:
        node = root
        for segment in _segments(path):
            node = node.setdefault(segment, {})
        node[_TIER] = tier
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
    identifiers: further texts (the address the chassis was read at) scrubbed from the api_check result.
    """

    def __init__(self, keep_identifiers=False, identifiers=()):
        self.keep_identifiers = keep_identifiers
        self._placeholders = {}   # (kind, original) -> placeholder
        self._numbers = {}        # kind -> how many placeholders of that kind exist
        self._identifier_of = {}  # original identifier -> its placeholder (a text equal to it gets the same)
        self._kept = set()        # texts kept verbatim somewhere: never scrubbed from the api_check result
        self.counts = {'kept': 0, 'number': 0}
        self._scrub = {}          # original -> placeholder, for the api_check result
        self._scrub_pattern = None
        for identifier in identifiers:
            self._add_address(identifier)

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

    def _add_address(self, identifier):
        if not isinstance(identifier, str) or not identifier.strip():
            return
        host = identifier.strip()
        if '://' in host:
            host = host.split('://', 1)[1]
        host = host.split('/', 1)[0]
        self._scrub.setdefault(host, self._placeholder('address', host))
        if host.startswith('['):
            host = host[1:].split(']', 1)[0]
        elif host.count(':') == 1:
            host = host.split(':', 1)[0]
        if host.lower() != 'localhost':
            self._scrub.setdefault(host, self._placeholder('address', host))

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
            self._scrub[core] = self._identifier_of[core]
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
        if tier == KEEP or (tier in (SERIAL, HOST) and self.keep_identifiers):
            self.counts['kept'] += 1
            if isinstance(node, str):
                self._kept.add(node.strip())
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
        placeholder = self._placeholder('text', value)
        if len(core) >= 4 and not ENUM_LIKE.match(core):
            self._scrub.setdefault(value, placeholder)
            self._scrub.setdefault(core, placeholder)
        return placeholder

    def _key(self, key):
        if key_is_schema(key):
            return key
        placeholder = self._placeholder('key', key)
        if isinstance(key, str) and len(key) >= 4:
            self._scrub.setdefault(key, placeholder)
        return placeholder

    # -- the api_check result --------------------------------------------------------------------------------
    def scrub(self, node):
        """The api_check result: the collection's own words about allow-listed fields and keys. In case one of
        them quotes a replaced text, a replaced key, an identifier or the address read, that is replaced too."""
        if isinstance(node, dict):
            return dict((key, self.scrub(value)) for key, value in node.items())
        if isinstance(node, list):
            return [self.scrub(value) for value in node]
        if not isinstance(node, str):
            return node
        if self._scrub_pattern is None:
            originals = sorted((o for o in self._scrub if o and o not in self._kept), key=len, reverse=True)
            self._scrub_pattern = re.compile('|'.join(re.escape(o) for o in originals)) if originals else False
        if not self._scrub_pattern:
            return node
        # one pass, longest first: a placeholder put in is never matched again
        return self._scrub_pattern.sub(lambda match: self._scrub[match.group(0)], node)


def redact(body, keep_identifiers=False, identifiers=()):
    """(redacted copy of body, summary of what was kept and replaced); see Redactor."""
    redactor = Redactor(keep_identifiers, identifiers)
    return redactor.redact(body), redactor.summary()


def build_capture(documents, check_result, collection_version, identifiers=(), redacted=True, now=None):
    """The capture file's content: the documents api_check read, its result, the collection version.

    documents: {'status': ..., 'configuration': ..., 'rsc_configuration': ...} as read (None when unreadable).
    identifiers: the address the chassis was read at, scrubbed from the api_check result when redacted.
    redacted=False keeps the allow-listed serial numbers and host names (never anything outside ALLOW_LIST).
    """
    redactor = Redactor(keep_identifiers=not redacted, identifiers=identifiers if redacted else ())
    body = redactor.redact(dict((name, documents.get(name)) for name in DOCUMENTS))
    capture = {
        'format': CAPTURE_FORMAT,
        'collection_version': collection_version,
        'captured_at': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(now)),
        'redacted': bool(redacted),
    }
    capture.update(body)
    capture['api_check'] = redactor.scrub(check_result)
    capture['redaction'] = redactor.summary()
    return capture


class CaptureWriteError(Exception):
    """The capture file could not be written; the message names the file and the reason."""


def write_capture(path, content):
    """Write content as JSON to path, mode 0600, atomically: a temporary file in the same directory, then a rename.

    Returns the number of bytes written. A reader sees the old file or the whole new one, never a part, and the
    file is never readable by others, not even for a moment. Raises CaptureWriteError.
    """
    data = (json.dumps(content, indent=4, sort_keys=True) + '\n').encode('utf-8')
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise CaptureWriteError('cannot write the capture %s: the directory %s does not exist' % (path, directory))
    temporary = None
    try:
        # mkstemp creates the file with mode 0600 whatever the umask says
        handle, temporary = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), suffix='.tmp', dir=directory)
        with os.fdopen(handle, 'wb') as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o600)
        os.rename(temporary, path)
        temporary = None
    except (OSError, IOError) as exc:
        raise CaptureWriteError('cannot write the capture %s: %s' % (path, exc.strerror or exc))
    finally:
        if temporary is not None and os.path.exists(temporary):
            os.remove(temporary)
    return len(data)
