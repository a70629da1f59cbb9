# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Internal to meinberg.lantime, not a public API: the trace of one RSC write (the rsc module's write_trace option).

The trace is the evidence a first change on a real chassis leaves: the request as sent (method, path, body), the
reply (status, the allow-listed headers, the body redacted by the capture's rules), every read-back with its time,
the values it showed and the chassis' staged changes, and the versions. It never holds a credential: the request's
headers are not kept at all, the reply's only when KEPT_HEADERS names them (never Authorization, Cookie or
Set-Cookie), and the reply body keeps only what capture.py's allow-list keeps.

WriteTrace collects while the task runs (rsc_card.apply_change() hands it the reply and reads through watch());
document() is the JSON the rsc action plugin writes on the controller with write_file(). Pure Python, no Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import time

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map as m
from ansible_collections.meinberg.lantime.plugins.module_utils import atomic_file
from ansible_collections.meinberg.lantime.plugins.module_utils import capture
from ansible_collections.meinberg.lantime.plugins.module_utils import facts
from ansible_collections.meinberg.lantime.plugins.module_utils import rules
from ansible_collections.meinberg.lantime.plugins.module_utils.errors import LantimeError

TRACE_FORMAT = 'meinberg.lantime-write-trace/1'
# The reply headers a trace keeps, each with what its value must look like (else it is named, not kept). Allow keeps
# only the known method names it lists.
KEPT_HEADERS = {
    'Allow': None,
    'Content-Type': re.compile(r'^[A-Za-z0-9!#$&^_.+/=; -]{1,100}$'),
    'Content-Length': re.compile(r'^\d{1,12}$'),
    'Retry-After': re.compile(r'^\d{1,6}$'),
}
MAX_POLLS = 2000


def _utc(now=None):
    now = time.time() if now is None else now
    return time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(now)) + '.%03dZ' % int((now % 1) * 1000)


def _kept_headers(headers):
    """The allow-listed reply headers; the names of the others are counted, never their values."""
    kept, others = {}, 0
    for name, value in (headers or {}).items():
        rule = next((rule for known, rule in KEPT_HEADERS.items() if known.lower() == str(name).lower()), False)
        if rule is False:
            others += 1
        elif rule is None:
            kept[m.ALLOW_HEADER] = ', '.join(m.allowed_methods(value) or ())
        elif isinstance(value, str) and rule.match(value):
            kept[next(known for known in KEPT_HEADERS if known.lower() == str(name).lower())] = value
        else:
            others += 1
    return kept, others


def _redacted_body(content):
    """The reply body through the capture's redaction, as the RSC configuration object it answers for."""
    if not content:
        return {'kind': 'empty'}
    try:
        document = json.loads(content.decode('utf-8'), parse_constant=lambda name: None)
    except (ValueError, RecursionError, UnicodeDecodeError):
        return {'kind': 'not JSON', 'bytes': len(content)}
    redacted, counts = capture.redact({'rsc_configuration': document})
    return {'kind': 'JSON', 'bytes': len(content), 'redacted': redacted['rsc_configuration'], 'redaction': counts}


def _word(value, allowed):
    """A value read back, kept only when it is a word of its field's vocabulary."""
    if value is None or (isinstance(value, str) and value in allowed):
        return value
    return 'other'


class _Watched:
    """The client as the read-backs see it: each read is recorded in the trace, then handed on."""

    def __init__(self, client, trace):
        self._client = client
        self._trace = trace

    def __getattr__(self, name):
        return getattr(self._client, name)

    def get(self, path, deadline=None):
        started = time.time()
        try:
            document = self._client.get(path, deadline=deadline)
        except LantimeError as exc:
            self._trace.read(started, path, None, type(exc).__name__, getattr(exc, 'status', None))
            raise
        self._trace.read(started, path, document, None, 200)
        return document


class WriteTrace:
    """One write's trace; see the module docstring."""

    def __init__(self, request, slot_id, asked, device, collection_version, clock=time.time):
        self._clock = clock
        self.slot_id = slot_id
        self.asked = dict(asked)
        self.request = {'method': request.method, 'path': request.path, 'body': request.body,
                        'write_style': request.style}
        self.device = device or {}
        self.collection_version = collection_version
        self.sent_at = None
        self.reply = None
        self.polls = []

    def watch(self, client):
        """The client for the read-backs, recording each; the write is sent from here on."""
        self.sent_at = self._clock()
        return _Watched(client, self)

    def replied(self, reply, failed):
        """The write's reply as the client saw it (status, headers, content), or nothing when none came."""
        if 'status' not in reply:
            self.reply = {'status': None, 'received': False, 'failed': True}
            return
        headers, others = _kept_headers(reply.get('headers'))
        self.reply = {'status': reply['status'], 'received': True, 'failed': bool(failed), 'headers': headers,
                      'headers_not_kept': others, 'body': _redacted_body(reply.get('content') or b'')}

    def read(self, started, path, document, error, status):
        if len(self.polls) >= MAX_POLLS:
            return
        entry = {'at': _utc(started), 'after_s': round(started - (self.sent_at or started), 3), 'path': path,
                 'status': status, 'error': error, 'switch_mode': None, 'selected_clock': None, 'shows_asked': False,
                 'pending_changes': None}
        if document is not None:
            entry['pending_changes'] = facts.pending_changes(document)
            try:
                card = facts.slot_document(document, {}) if path != m.CHASSIS_STATUS_PATH \
                    else facts.rsc_document(document, self.slot_id)[0]
                values = rules.managed(rules.assess(card))
            except Exception:  # pylint: disable=broad-except
                values = None  # a reply the read-back could not use: the poll's own error says why
            if values is not None:
                entry['switch_mode'] = _word(values['switch_mode'], m.SWITCH_MODES)
                entry['selected_clock'] = _word(values['selected_clock'], m.CLOCK_IDS + m.NO_CLOCK_SELECTED)
                entry['shows_asked'] = rules.shows(values, **self.asked)
        self.polls.append(entry)

    def document(self, outcome):
        """The trace's JSON content; outcome is the task's verdict (changed, failed, staged...)."""
        pending_after = next((poll['pending_changes'] for poll in reversed(self.polls)
                              if poll['pending_changes'] is not None), None)
        return {
            'format': TRACE_FORMAT,
            'collection_version': self.collection_version,
            'firmware': self.device.get('firmware'),
            'ltos_version': self.device.get('ltos_version'),
            'rest_api_version': self.device.get('rest_api_version'),
            'model': self.device.get('model'),
            'slot_id': self.slot_id,
            'sent_at': _utc(self.sent_at) if self.sent_at else None,
            'request': self.request,
            'reply': self.reply,
            'polls': self.polls,
            'pending_changes': {'before': self.device.get('pending_changes'), 'after': pending_after},
            'outcome': outcome,
        }


class TraceError(Exception):
    """The trace directory or file cannot be used; the message names it and says why."""


def trace_directory(directory, cwd=None):
    """The absolute trace directory, created if missing and refused when others could write to it (TraceError).

    A relative directory is taken from cwd (the controller's working directory, where ansible-playbook runs)."""
    if not isinstance(directory, str) or not directory.strip():
        raise TraceError('write_trace: give a directory on the controller')
    path = directory if os.path.isabs(directory) else os.path.join(cwd or os.getcwd(), directory)
    try:
        return atomic_file.private_directory(path, 0o700)
    except atomic_file.AtomicFileError as exc:
        raise TraceError('write_trace: %s' % exc)


def write_file(directory, content, now=None):
    """Write content as one new JSON file in directory (mode 0600, atomically); return its path. TraceError."""
    directory = trace_directory(directory)
    stamp = time.strftime('%Y%m%dT%H%M%S', time.gmtime(now)) + 'Z'
    for number in range(1, 1000):
        path = os.path.join(directory, 'rsc-write-%s-%d.json' % (stamp, number))
        if not os.path.lexists(path):
            break
    data = json.dumps(content, indent=2, sort_keys=True) + '\n'
    try:
        atomic_file.write_atomic(path, data, 0o600)
    except atomic_file.AtomicFileError as exc:
        raise TraceError('write_trace: cannot write %s: %s' % (path, exc))
    return path
