# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Internal to meinberg.lantime, not a public API: the RSC card on the device, over the client.

One read (the chassis, as rsc_info, rsc and the rsc_events source read it), the light poll read after a write, and
the write itself, which only read-backs judge. The facts come from facts.py and what they mean from rules.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map
from ansible_collections.meinberg.lantime.plugins.module_utils import facts
from ansible_collections.meinberg.lantime.plugins.module_utils import rules
from ansible_collections.meinberg.lantime.plugins.module_utils.errors import LantimeError, ReplyShapeError

POLL_INTERVAL = 0.25
# After a write the device refused with a 3xx/4xx, how long to watch whether it applied it anyway.
REFUSED_WRITE_SETTLE = 2.0
# After a write the card does not show while the chassis' staged changes went up, how long to watch whether it
# shows after all (a device applying slowly) before the write counts as staged.
STAGED_WRITE_SETTLE = 2.0


def read_rsc(client, slot=None, deadline=None):
    """One chassis read; returns (rsc facts, device facts, {clock id: clock slot object}).

    The clock slots are kept for the polls after a write, which read the RSC slot alone.
    """
    document = client.get(api_map.CHASSIS_STATUS_PATH, deadline=deadline)
    return rsc_from_document(document, slot)


def rsc_from_document(document, slot=None):
    """(rsc facts, device facts, {clock id: clock slot object}) from a chassis or full status document.

    The selected clock is cross-checked with every real-format field the document holds: the clock slots'
    clock-idx always, the system sync-status reference when the document is a full status read.
    """
    card, device, clock_slots = facts.rsc_document(document, slot)
    return rules.assess(card), device, clock_slots


def read_rsc_slot(client, slot_id, clock_slots, deadline=None):
    """The light poll read after a write: (rsc facts, the chassis' staged changes from the reply's envelope or None).

    The RSC slot alone, with the clock slots the first read found. The clock slots are from before the write, so their
    clock-idx is not used here: the poll reports the RSC card's own selected clock (selected_clock_source rsc_card)
    and no cross-check.
    """
    document = client.get(api_map.slot_status_path(slot_id), deadline=deadline)
    return rules.assess(facts.slot_document(document, clock_slots)), facts.pending_changes(document)


def apply_change(client, slot_id, request, asked, before, clock_slots, wait_timeout,
                 monotonic=time.monotonic, sleep=time.sleep, pending_before=None, trace=None):
    """Send request (an api_map.WriteRequest) once, then let only read-backs decide. Returns an outcome dict, never
    raises a LantimeError.

    Whatever the write's reply (2xx, 3xx, 4xx, 5xx, none), the card is read until it shows what was asked
    or wait_timeout seconds have passed; every read is bounded by the same deadline. A write the device
    refused with a 3xx/4xx is watched for REFUSED_WRITE_SETTLE seconds only (it was most likely not applied,
    and the reads prove it); so is a write the card does not show while the chassis' staged changes rose above
    pending_before (STAGED_WRITE_SETTLE from the first read that shows the rise: it was most likely staged). When
    the slot read has no slot object, the polls fall back to the chassis read.

    outcome: shown (the card shows the asked state), seen (last rsc facts read, or None), changed (the truth
    as far as the reads show it), write_error (the write's error text, or None), write_status (its HTTP status,
    or None), write_refused (3xx/4xx), write_hint (for a refusal that may mean another write style: the methods the
    device allows and the write_style to try, else None), read_error (the last failed read's text), pending_changes (the chassis' staged
    changes as the last read reported them, or None).
    """
    deadline = monotonic() + wait_timeout
    write_error = write_status = write_hint = None
    reply = {}
    if trace is not None:
        client = trace.watch(client)  # from here on every read is a read-back, and the trace (write_trace.py) keeps it
    try:
        client.write(request.path, request.body, method=request.method, reply=reply)
    except LantimeError as exc:
        write_error, write_status = str(exc), exc.status
        write_hint = refusal_hint(request, write_status, reply.get('headers'))
    if trace is not None:
        trace.replied(reply, write_error is not None)
    refused = write_status is not None and 300 <= write_status < 500
    watch_until = min(deadline, monotonic() + REFUSED_WRITE_SETTLE) if refused else deadline
    seen, shown, read_error, pending = _poll(client, slot_id, clock_slots, asked, deadline, watch_until, monotonic,
                                             sleep, pending_before or 0)
    if seen is None:
        changed = True  # unknown: the write may have been applied, and nothing read says otherwise
    elif shown:
        changed = True
    else:
        # The card shows something else: a change is what the reads show, or an accepted write.
        changed = rules.managed(seen) != before or write_error is None
    return {'shown': shown, 'seen': seen, 'changed': changed, 'write_error': write_error, 'write_status': write_status,
            'write_refused': refused, 'write_hint': write_hint, 'read_error': read_error, 'pending_changes': pending}


def _poll(client, slot_id, clock_slots, asked, deadline, watch_until, monotonic, sleep, pending_before=0):
    """Read the card until it shows asked or watch_until passes: (last rsc facts read or None, whether they show asked,
    last read error, the staged changes the last read reported or None).

    Once a read that does not show asked reports more staged changes than pending_before, the card is watched for
    STAGED_WRITE_SETTLE seconds from that read on, no longer."""
    seen = read_error = pending = None
    full_read = False
    while True:
        try:
            if full_read:
                seen, device = read_rsc(client, slot_id, deadline=deadline)[:2]
                pending = device['pending_changes']
            else:
                seen, pending = read_rsc_slot(client, slot_id, clock_slots, deadline=deadline)
        except ReplyShapeError as exc:
            read_error = str(exc)
            full_read = True  # the slot read does not serve; the chassis read holds the same card
        except LantimeError as exc:
            read_error = str(exc)
        shown = seen is not None and rules.shows(seen, **asked)
        if not shown and pending is not None and pending > pending_before:
            watch_until = min(watch_until, monotonic() + STAGED_WRITE_SETTLE)
            pending_before = pending  # the settle starts at the first read that shows the rise
        if shown or monotonic() + POLL_INTERVAL >= watch_until:
            return seen, shown, read_error, pending
        sleep(POLL_INTERVAL)


def refusal_hint(request, status, headers):
    """For a write refused with a status that may mean the wrong method or body shape (api_map.WRITE_SHAPE_REFUSALS):
    the methods the device allows (its Allow header, known method names only) and the write_style to try; else None.
    The write is never resent: the user chooses."""
    if status not in api_map.WRITE_SHAPE_REFUSALS:
        return None
    allowed = api_map.allowed_methods(headers.get(api_map.ALLOW_HEADER) if headers is not None else None)
    style = api_map.write_style(request.style)
    if allowed:
        said = 'the device allows %s on this object' % ', '.join(allowed)
        candidates = [name for name in api_map.styles_for(allowed) if name != request.style]
    else:
        said = ('its Allow header names no known method' if allowed is not None
                else 'it did not say which methods it allows (no Allow header)')
        # A 405 refuses the method: the styles with another one. Other statuses may refuse the body shape too.
        candidates = [name for name, other in api_map.WRITE_STYLES
                      if name != request.style and (status != 405 or other.method != style.method)]
    sent = '%s of %s' % (style.method, 'a {"%s": ...} body' % style.wrapper if style.wrapper else 'the bare keys')
    where = ('set it with the task option write_style, the host variable lantime_write_style or the environment '
             'variable LANTIME_WRITE_STYLE')
    if not candidates:
        advice = ('no write_style of this collection matches; run meinberg.lantime.api_check and send its capture '
                  'and the write trace (docs/real-device.md)')
    else:
        advice = 'try write_style %s (%s)' % (' or '.join(candidates), where)
    text = ('HTTP %d to write_style %s (%s) may mean this device takes writes in another style: %s; %s. The write was '
            'sent once and not repeated in another style.' % (status, request.style, sent, said, advice))
    if status == 404:
        text += (' A 404 may also mean that the configuration path %s is wrong for this card (for example a card in '
                 'slot scu1 whose configuration lives elsewhere): compare it with the configuration tree of a capture '
                 '(the playbook meinberg.lantime.capture) before trying other styles.' % request.path)
    return text
