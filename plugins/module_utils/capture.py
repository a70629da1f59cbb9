# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""A capture of a live chassis for the maintainers, and the redaction that makes it safe to share.

A capture holds the status tree, the configuration tree, the RSC configuration object, the api_check result
and the collection's version. The device simulator serves it as it is (python3 tests/simulator --fixture FILE).

Redaction replaces serial numbers, host names, IP and MAC addresses, e-mail addresses, user names, contact
and location texts, the geographic position and anything that looks like a secret with stable placeholders:
the same original always gets the same placeholder within a capture, and keys, structure, JSON types and
enum values stay. Secrets are masked even with redaction off. Pure Python, no Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time

CAPTURE_FORMAT = 'meinberg.lantime-capture/1'

# Keys whose value is a secret, by a word of the key (split at "-" and "_"), e.g. snmp-community, auth-password.
SECRET_WORDS = frozenset(('password', 'passwd', 'passphrase', 'secret', 'token', 'community', 'psk', 'private',
                          'credential', 'credentials', 'key', 'keys', 'apikey', 'hash', 'salt', 'cookie'))
# Keys whose whole name says what identifying value they hold.
SERIAL_KEYS = frozenset(('serial-number', 'serial', 'serialnumber', 'serial-no', 'master-serial'))
HOST_KEYS = frozenset(('hostname', 'host-name', 'host', 'fqdn', 'domain', 'domain-name', 'nodename', 'sysname',
                       'sys-name', 'server', 'servername', 'server-name'))
PERSON_KEYS = frozenset(('user', 'username', 'user-name', 'login', 'contact', 'location', 'sys-contact',
                         'sys-location', 'syscontact', 'syslocation', 'email', 'e-mail', 'mail'))
POSITION_KEYS = frozenset(('position', 'latitude', 'longitude', 'altitude', 'position-x', 'position-y', 'position-z',
                           'lat', 'lon', 'long', 'alt'))
# Values that identify nothing and stay.
UNKNOWN_MARKERS = frozenset(('', 'n/a', 'na', '-', 'unknown', 'none', 'null', 'never', 'localhost'))

IPV4 = re.compile(r'(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)')
MAC = re.compile(r'(?<![\w:-])(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}(?![\w:-])')
# IPv6 with "::" or eight groups (times such as 22:05:07 have neither).
IPV6 = re.compile(r'(?<![\w:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|'
                  r'(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{0,4}::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{0,4})(?![\w:])')
EMAIL = re.compile(r'(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+')
# A whole value that looks like a key or token: 32+ hex digits, or 32+ base64 characters with both cases and digits.
HEX_SECRET = re.compile(r'^[0-9A-Fa-f]{32,}$')
B64_SECRET = re.compile(r'^(?=[^-]*$)(?=.*\d)(?=.*[a-z])(?=.*[A-Z])[A-Za-z0-9+/=_.]{32,}$')
KEEP_MACS = ('00:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff')
KEEP_IPV6 = ('::', '::1')
DIGIT = re.compile(r'\d')


def _words(key):
    return set(part for part in re.split(r'[-_\s.]+', str(key).lower()) if part)


def _keep_ipv4(address):
    """Addresses that identify no device: unspecified, loopback, netmasks and broadcast."""
    return address == '0.0.0.0' or address.startswith('127.') or address.startswith('255.')


class Redactor:
    """Replaces identifying values and secrets with stable placeholders; keeps keys, structure and types.

    identifiers: further texts to replace wherever they appear (the address the capture was read from).
    identity: False keeps serials, host names, addresses and people (secrets are masked whatever it says).
    """

    def __init__(self, identifiers=(), identity=True):
        self.identity = identity
        self._maps = {}          # kind -> {original: placeholder}
        self._placeholders = set()
        self._literals = {}      # original text -> placeholder, replaced wherever it appears
        self._literal_pattern = None
        for identifier in identifiers:
            self._add_identifier(identifier)

    # -- placeholders ----------------------------------------------------------------------------------------
    def _placeholder(self, kind, original):
        table = self._maps.setdefault(kind, {})
        if original not in table:
            number = len(table) + 1
            if kind == 'serial':
                value = 'SERIAL%06d' % number
            elif kind == 'host':
                value = 'host-%04d.example.invalid' % number
            elif kind == 'ipv4':
                value = '192.0.2.%d' % number if number < 255 else '198.51.100.%d' % (number % 254 + 1)
            elif kind == 'ipv6':
                value = '2001:db8::%x' % number
            elif kind == 'mac':
                value = '02:00:00:00:%02x:%02x' % (number // 256 % 256, number % 256)
            elif kind == 'email':
                value = 'user-%04d@example.invalid' % number
            elif kind == 'person':
                value = 'REDACTED-TEXT-%04d' % number
            else:
                value = 'REDACTED-SECRET-%04d' % number
            table[original] = value
            self._placeholders.add(value)
        return table[original]

    def _add_literal(self, original, placeholder):
        if original and original not in self._literals:
            self._literals[original] = placeholder
            self._literal_pattern = None

    def _add_identifier(self, identifier):
        if not isinstance(identifier, str) or not identifier.strip():
            return
        host = identifier.strip()
        if '://' in host:
            host = host.split('://', 1)[1]
        host = host.split('/', 1)[0]
        if host.startswith('['):
            host = host[1:].split(']', 1)[0]
        elif host.count(':') == 1:
            host = host.split(':', 1)[0]
        if IPV4.fullmatch(host):
            self._add_literal(host, self._placeholder('ipv4', host))
        elif ':' in host:
            self._add_literal(host, self._placeholder('ipv6', host.lower()))
        elif host.lower() not in UNKNOWN_MARKERS:
            self._add_literal(host, self._placeholder('host', host.lower()))

    def summary(self):
        """How many distinct values of each kind were replaced (never the values themselves)."""
        return dict((kind, len(table)) for kind, table in sorted(self._maps.items()))

    # -- walking ---------------------------------------------------------------------------------------------
    def redact(self, document):
        """A redacted copy of a JSON-like document."""
        if self.identity:
            self._collect(document, None)
        return self._walk(document, None)

    def _kind_of_key(self, key):
        if key is None:
            return None
        lowered = str(key).lower()
        if _words(lowered) & SECRET_WORDS:
            return 'secret'
        if not self.identity:
            return None
        if lowered in SERIAL_KEYS:
            return 'serial'
        if lowered in HOST_KEYS:
            return 'host'
        if lowered in PERSON_KEYS:
            return 'person'
        if lowered in POSITION_KEYS:
            return 'position'
        return None

    def _collect(self, node, key):
        """First pass: serial numbers and host names under their keys, to be replaced wherever they appear."""
        if isinstance(node, dict):
            for name, value in node.items():
                self._collect(value, name)
        elif isinstance(node, list):
            for value in node:
                self._collect(value, key)
        elif isinstance(node, str):
            kind = self._kind_of_key(key)
            core = node.strip()
            if kind in ('serial', 'host') and core.lower() not in UNKNOWN_MARKERS and not IPV4.fullmatch(core):
                self._add_literal(core, self._placeholder(kind, core if kind == 'serial' else core.lower()))

    def _walk(self, node, key):
        if isinstance(node, dict):
            return dict((name, self._walk(value, name)) for name, value in node.items())
        if isinstance(node, list):
            return [self._walk(value, key) for value in node]
        kind = self._kind_of_key(key)
        if isinstance(node, bool) or node is None:
            return node
        if isinstance(node, (int, float)):
            return type(node)(0) if kind in ('secret', 'position') else node
        if not isinstance(node, str):
            return node
        if kind == 'secret':
            return node if node.strip().lower() in UNKNOWN_MARKERS else self._placeholder('secret', node)
        if kind == 'position':
            return DIGIT.sub('0', node)
        if kind == 'person' and node.strip().lower() not in UNKNOWN_MARKERS:
            return self._placeholder('email' if EMAIL.fullmatch(node.strip()) else 'person', node.strip())
        return self._text(node)

    def _text(self, value):
        """Secrets and identifying parts of any string."""
        stripped = value.strip()
        if HEX_SECRET.match(stripped) or B64_SECRET.match(stripped):
            return self._placeholder('secret', stripped)
        if not self.identity:
            return value
        if self._literals:
            if self._literal_pattern is None:
                originals = sorted(self._literals, key=len, reverse=True)
                self._literal_pattern = re.compile(r'(?<![A-Za-z0-9])(?:%s)(?![A-Za-z0-9])'
                                                   % '|'.join(re.escape(o) for o in originals))
            value = self._literal_pattern.sub(lambda match: self._literals[match.group(0)], value)
        value = MAC.sub(self._mac, value)
        value = IPV6.sub(self._ipv6, value)
        value = IPV4.sub(self._ipv4, value)
        return EMAIL.sub(lambda match: self._placeholder('email', match.group(0).lower()), value)

    def _mac(self, match):
        text = match.group(0)
        normal = text.lower().replace('-', ':')
        if normal in KEEP_MACS or text in self._placeholders:
            return text
        return self._placeholder('mac', normal)

    def _ipv6(self, match):
        text = match.group(0)
        if text in KEEP_IPV6 or text in self._placeholders:
            return text
        return self._placeholder('ipv6', text.lower())

    def _ipv4(self, match):
        text = match.group(0)
        if _keep_ipv4(text) or text in self._placeholders:
            return text
        return self._placeholder('ipv4', text)


def redact(document, identifiers=(), identity=True):
    """(redacted copy of document, summary of what was replaced); see Redactor."""
    redactor = Redactor(identifiers, identity)
    return redactor.redact(document), redactor.summary()


def build_capture(documents, check_result, collection_version, identifiers=(), redacted=True, now=None):
    """The capture file's content: the documents api_check read, its result, the collection version.

    documents: {'status': ..., 'configuration': ..., 'rsc_configuration': ...} as read (None when unreadable).
    identifiers: the address the chassis was read at, replaced wherever it appears.
    Secrets are masked whatever redacted says; with redacted, identifying values are replaced too.
    """
    body = {
        'status': documents.get('status'),
        'configuration': documents.get('configuration'),
        'rsc_configuration': documents.get('rsc_configuration'),
        'api_check': check_result,
    }
    redactor = Redactor(identifiers if redacted else (), identity=redacted)
    body = redactor.redact(body)
    capture = {
        'format': CAPTURE_FORMAT,
        'collection_version': collection_version,
        'captured_at': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(now)),
        'redacted': bool(redacted),
        'redaction': redactor.summary(),
    }
    capture.update(body)
    return capture
