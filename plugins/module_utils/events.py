# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Internal to meinberg.lantime, not a public API: change detection for the rsc_events event source: two reads of an RSC card in, a list of events out.

No network, no asyncio and no clock of its own (times are passed in), so that every rule is unit tested. The
event source keeps one state and one StormControl per chassis, feeds every poll's outcome to step(), the changes
to StormControl.feed(), and puts what make_event() builds from the changes that pass on its queue.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map

# Every event type the source emits, in the order they are emitted within one poll.
STARTUP = 'startup'
REACHABLE = 'reachable'
UNREACHABLE = 'unreachable'
SWITCHOVER = 'switchover'
MODE_CHANGED = 'mode_changed'
FRONT_PANEL_CHANGED = 'front_panel_changed'
SYNC_LOST = 'sync_lost'
SYNC_RESTORED = 'sync_restored'
FAILOVER_READY_CHANGED = 'failover_ready_changed'
ALARM_RAISED = 'alarm_raised'
ALARM_CLEARED = 'alarm_cleared'
# The chassis' staged configuration changes (changes.pending-changes) went up or down.
PENDING_CHANGES_CHANGED = 'pending_changes_changed'
EVENT_TYPES = (STARTUP, UNREACHABLE, REACHABLE, SWITCHOVER, MODE_CHANGED, FRONT_PANEL_CHANGED, SYNC_LOST,
               SYNC_RESTORED, FAILOVER_READY_CHANGED, ALARM_RAISED, ALARM_CLEARED, PENDING_CHANGES_CHANGED)

# The top-level key of every event, so that rule conditions read event.lantime.type.
EVENT_KEY = 'lantime'

# Every character of a device string that a later step could turn into a template, and what it becomes (its
# full-width form): still readable, never syntax. See defuse() for why each one.
NEUTRALISED = {
    u'{': u'\uff5b',
    u'}': u'\uff5d',
    u'\\': u'\uff3c',
    u'#': u'\uff03',
    u'$': u'\uff04',
}
_NEUTRALISE = dict((ord(char), replacement) for char, replacement in NEUTRALISED.items())

# How long storm control holds back a repeated change of the same kind on the same chassis (seconds).
DEFAULT_MIN_EVENT_INTERVAL = 30.0


class Unreachable:
    """The outcome of a poll that got no usable RSC facts; error is the client's (already redacted) reason."""

    def __init__(self, error):
        self.error = error

    def __repr__(self):
        return 'Unreachable(%r)' % (self.error,)


def new_state():
    """What the source knows about one chassis before its first poll."""
    return {'rsc': None, 'error': None, 'polls': 0, 'pending_changes': None}


def _change(kind, slot, before, after, **extra):
    change = {'type': kind, 'slot': slot, 'before': before, 'after': after}
    change.update(extra)
    return change


def _clock_sync(rsc, clock_id):
    clock = (rsc.get('clocks') or {}).get(clock_id)
    return clock.get('time_sync') if isinstance(clock, dict) else None


def compare(before, after):
    """The changes between two RSC facts of the same card (rsc_info's `rsc`), in a fixed order.

    Returns a list of {'type', 'slot', 'before', 'after'} with 'clock' on sync events and 'alarm' on alarm
    events. Equal facts give an empty list.
    """
    slot = after.get('slot_id')
    changes = []
    count_before, count_after = before.get('switchover_count'), after.get('switchover_count')
    counted = (isinstance(count_before, int) and isinstance(count_after, int) and count_after > count_before)
    if before.get('selected_clock') != after.get('selected_clock') or counted:
        # A switch there and back between two polls leaves the clock as it was but counts up: still a switchover.
        changes.append(_change(SWITCHOVER, slot, before.get('selected_clock'), after.get('selected_clock')))
    if before.get('switch_mode') != after.get('switch_mode'):
        changes.append(_change(MODE_CHANGED, slot, before.get('switch_mode'), after.get('switch_mode')))
    if (before.get('front_panel') or {}) != (after.get('front_panel') or {}):
        changes.append(_change(FRONT_PANEL_CHANGED, slot, before.get('front_panel'), after.get('front_panel')))
    for clock_id in api_map.CLOCK_IDS:
        was, now = _clock_sync(before, clock_id), _clock_sync(after, clock_id)
        if was and not now:
            changes.append(_change(SYNC_LOST, slot, was, now, clock=clock_id))
        elif now and not was:
            changes.append(_change(SYNC_RESTORED, slot, was, now, clock=clock_id))
    if bool(before.get('failover_ready')) != bool(after.get('failover_ready')):
        changes.append(_change(FAILOVER_READY_CHANGED, slot, before.get('failover_ready'), after.get('failover_ready')))
    alarms_before, alarms_after = list(before.get('alarms') or []), list(after.get('alarms') or [])
    for alarm in alarms_after:
        if alarm not in alarms_before:
            changes.append(_change(ALARM_RAISED, slot, None, alarm, alarm=alarm))
    for alarm in alarms_before:
        if alarm not in alarms_after:
            changes.append(_change(ALARM_CLEARED, slot, alarm, None, alarm=alarm))
    return changes


def step(state, observation, startup_event=False, pending_changes=None):
    """Feed one poll's outcome to a chassis' state; return (new state, changes).

    observation is the RSC facts of the card, or an Unreachable. The rules:

    - the first facts give nothing, or one `startup` change with startup_event;
    - the first Unreachable after facts (or at start) gives one `unreachable`; more of them give nothing;
    - facts after an Unreachable give one `reachable`, then the changes against the last facts read before
      the outage (a card that switched while the chassis did not answer is reported when it answers again);
    - facts after facts give compare(before, after);
    - pending_changes (the chassis' staged changes read with the facts, or None) that differs from the last known
      count gives one `pending_changes_changed` after those; an unknown count gives nothing and keeps the last one.

    The state passed in is not modified.
    """
    state = dict(state or new_state())
    state['polls'] = state.get('polls', 0) + 1
    last = state.get('rsc')
    changes = []
    if isinstance(observation, Unreachable):
        if state.get('error') is None:
            changes.append(_change(UNREACHABLE, last.get('slot_id') if last else None, REACHABLE, UNREACHABLE,
                                   error=observation.error))
        state['error'] = observation.error
        return state, changes
    if not isinstance(observation, dict):
        raise TypeError('step() takes RSC facts (a dict) or an Unreachable, not %s' % type(observation).__name__)
    if state.get('error') is not None:
        changes.append(_change(REACHABLE, observation.get('slot_id'), UNREACHABLE, REACHABLE,
                               error=state['error']))
    if last is None:
        if startup_event:
            changes.append(_change(STARTUP, observation.get('slot_id'), None, observation.get('selected_clock')))
    else:
        changes.extend(compare(last, observation))
        was = state.get('pending_changes')
        if pending_changes is not None and was is not None and pending_changes != was:
            changes.append(_change(PENDING_CHANGES_CHANGED, observation.get('slot_id'), was, pending_changes))
    if pending_changes is not None:
        state['pending_changes'] = pending_changes
    state['rsc'] = observation
    state['error'] = None
    return state, changes


def defuse(value):
    """A copy of value in which no string, key or value, at any depth, holds a character listed in NEUTRALISED.

    Events reach playbooks as extra vars, which Ansible trusts and templates, and rulebooks template event fields
    into action arguments. Anyone who can change a device's settings could otherwise make a string it reports run
    as a template (a lookup('pipe', ...) on the controller). Each character is replaced wherever it stands:

    - { and }: the Jinja2 delimiters; replaced one by one, so that two strings that a rule joins (one ending in
      {, the next starting with {) cannot make {{ either.
    - \\: ansible-rulebook renders action arguments with Jinja2's native environment, which reads its result as a
      Python literal: a device string '\\x7b\\x7b ... \\x7d\\x7d' (quotes included) became {{ ... }} there. Without
      backslashes a literal holds only the characters written in it, so no escape can make a brace.
    - #: ansible-core (2.19 and later) templates a string that starts with #jinja2: under the delimiters that
      header names, e.g. [[ ... ]], with no brace at all.
    - $: ansible-rulebook decrypts any rendered string that holds $ANSIBLE_VAULT with the rulebook's vault secret.

    Quotes, % and the rest are kept: once these five are gone they can change how ansible-rulebook reads a
    value (a string "'x'" becomes x, "[1]" a list) but cannot make a delimiter, a header or an escape.
    """
    if isinstance(value, str):
        return value.translate(_NEUTRALISE)
    if isinstance(value, dict):
        return dict((defuse(key), defuse(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [defuse(item) for item in value]
    return value


def change_key(change):
    """What storm control counts as the same kind of change: its type, and the clock or alarm it is about."""
    return (change['type'], change.get('clock'), change.get('alarm'))


class StormControl:
    """Storm control for one chassis: at most one event per kind of change (change_key()) per min_interval.

    feed() takes each poll's changes with the poll's time on a monotonic clock (now, in seconds) and its time stamp
    (stamp). A change of a kind that gave no event within the last min_interval passes at once. Further changes of
    that kind within min_interval are held and counted; at the first poll at least min_interval after the last
    event of that kind they leave as one change with their count, the first change's `before`, the last one's
    `after` (and other fields), `first_time` and `time` the stamps of the first and the last. Every change that
    leaves carries count, first_time and time. min_interval 0 lets every change pass at once.

    Memory is bounded: one entry per kind seen within the last min_interval, and the kinds are the source's own
    vocabulary (event type, clock id, alarm text).
    """

    def __init__(self, min_interval=DEFAULT_MIN_EVENT_INTERVAL):
        self.min_interval = min_interval
        self._kinds = {}
        self._order = 0

    def held(self):
        """How many changes are held back, per kind (for tests and diagnostics)."""
        return dict((key, kind['held']['count']) for key, kind in self._kinds.items() if kind['held'])

    def feed(self, changes, now, stamp):
        """The changes to emit after a poll at now (monotonic seconds), stamped stamp; in the order they happened."""
        out = []
        for change in changes:
            self._order += 1
            key = change_key(change)
            kind = self._kinds.get(key)
            if kind is None or (kind['held'] is None and now - kind['last'] >= self.min_interval):
                self._kinds[key] = {'last': now, 'held': None}
                out.append((self._order, dict(change, count=1, first_time=stamp, time=stamp)))
            elif kind['held'] is None:
                kind['held'] = dict(change, count=1, first_time=stamp, time=stamp, order=self._order)
            else:
                held = kind['held']
                before = held['before']
                held.update(change)
                held.update(before=before, count=held['count'] + 1, time=stamp, order=self._order)
        for key in list(self._kinds):
            kind = self._kinds[key]
            if now - kind['last'] < self.min_interval:
                continue
            if kind['held'] is None:
                # Quiet for a whole interval: the next change of this kind passes at once, as with no entry.
                del self._kinds[key]
                continue
            held = kind['held']
            order = held.pop('order')
            out.append((order, held))
            kind['last'] = now
            kind['held'] = None
        out.sort(key=lambda item: item[0])
        return [change for dummy, change in out]


def make_event(change, chassis, host, rsc, time, inventory_host=None):
    """The event put on the queue: {"lantime": {...}}, defused (see defuse()); never holds a credential.

    chassis is the chassis name (as the inventory plugin names it), host its API address (no user info), rsc
    the RSC facts after the change (for `unreachable`, the last facts read, or None), time an ISO 8601 UTC
    time stamp of the poll. count and first_time come from the change when storm control set them (else 1 and
    time).
    """
    body = {
        'type': change['type'],
        'chassis': chassis,
        'host': host,
        'slot': change.get('slot'),
        'before': change.get('before'),
        'after': change.get('after'),
        'rsc': rsc,
        'time': time,
        'inventory_host': inventory_host,
    }
    for key in ('clock', 'alarm', 'error'):
        if key in change:
            body[key] = change[key]
    # Storm control (StormControl) sets these; a change that did not pass through it is one change, seen now.
    body['count'] = change.get('count', 1)
    body['first_time'] = change.get('first_time', time)
    return {EVENT_KEY: defuse(body)}
