# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Reading the RSC card, shared by rsc_info and rsc."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map
from ansible_collections.meinberg.lantime.plugins.module_utils import facts
from ansible_collections.meinberg.lantime.plugins.module_utils.errors import LantimeError, ReplyShapeError

POLL_INTERVAL = 0.25
# After a write the device refused with a 3xx/4xx, how long to watch whether it applied it anyway.
REFUSED_WRITE_SETTLE = 2.0


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
    chassis = facts.chassis_of(document)
    rsc_slot, clock_slots = facts.find_rsc(chassis[api_map.SLOTS_KEY], slot)
    evidence = facts.clock_evidence(document, clock_slots)
    return facts.rsc_facts(rsc_slot, clock_slots, evidence), facts.device_facts(document), clock_slots


def read_rsc_slot(client, slot_id, clock_slots, deadline=None):
    """The light poll read after a write: the RSC slot alone, with the clock slots the first read found.

    The clock slots are from before the write, so their clock-idx is not used here: the poll reports the RSC
    card's own selected clock (selected_clock_source rsc_card) and no cross-check.
    """
    return facts.rsc_facts(facts.slot_of(client.get(api_map.slot_status_path(slot_id), deadline=deadline)),
                           clock_slots)


def managed(rsc):
    """The two settings the rsc module manages, as the card shows them in effect."""
    return {'switch_mode': rsc['switch_mode'], 'selected_clock': rsc['selected_clock']}


class Refusal(Exception):
    """A requested change that must not be made; the text says why and what to do."""


def plan_change(current, switch_mode=None, selected_clock=None, force=False):
    """Decide what to write, before anything is written.

    current is the card's state (rsc facts). Returns (changes, predicted, warnings): changes holds only the
    settings that differ (snake_case keys); predicted is the managed state expected afterwards.
    Raises Refusal when the change is unsafe or cannot take effect.
    """
    before = managed(current)
    asked = {'switch_mode': switch_mode, 'selected_clock': selected_clock}
    changes = dict((key, value) for key, value in asked.items() if value is not None and value != before[key])
    predicted = dict(before)
    predicted.update(changes)
    warnings = []
    # Checked whether or not anything differs: such a card is never compliant, whatever the request.
    if current.get('no_clock_selected'):
        if not (force and selected_clock):
            raise Refusal('the card has no clock selected: it feeds no clock to the backplane and its outputs are '
                          'disabled. Find out why on site (both clocks unsynchronized, the watchdog, a front-panel or '
                          'display-menu action) with meinberg.lantime.rsc_info. To feed a clock again, ask for '
                          'selected_clock (clk1 or clk2) with force=true; a request without selected_clock cannot be '
                          'made while no clock is selected')
        warnings.append('the card had no clock selected; selecting %s with force=true turns its signal on for every '
                        'output card' % selected_clock)
    if current.get('selected_clock_conflict'):
        if not force:
            raise Refusal('the sources disagree on which clock feeds the chassis: %s. Check the RSC card and the clock '
                          'modules on site or in the web interface (the chassis status and each clock module\'s sync '
                          'status) before changing anything; set force=true only once you know which clock is in use'
                          % facts.conflict_text(current))
        warnings.append('the sources disagree on which clock feeds the chassis (%s); going on because force=true'
                        % facts.conflict_text(current))
    if not changes:
        return changes, predicted, warnings

    unknown = facts.unknown_safety_state(current)
    if unknown and not force:
        raise Refusal('the card did not report its %s usably, so the safety rules cannot be checked. Read the card '
                      'with meinberg.lantime.rsc_info and check it on site; set force=true only if you have checked '
                      'that the change is safe' % ', '.join(unknown))
    if unknown:
        warnings.append('the card did not report its %s usably; writing anyway because force=true'
                        % ', '.join(unknown))
    panel = current['front_panel']
    if panel['mode_switch'] == api_map.MODE_MANUAL:
        raise Refusal('the front-panel mode switch is on Manual, so the clock switch (%s) decides and remote '
                      'settings would be stored but not take effect. Move the front-panel mode switch to Auto on '
                      'site, or ask for switch_mode=manual and selected_clock=%s, which the switches already set'
                      % (panel['clock_switch'], panel['clock_switch']))

    target = predicted['selected_clock']
    clock = current['clocks'].get(target) if target else None
    if 'selected_clock' in changes:
        if clock['fitted'] is False:
            raise Refusal('the %s slot is empty: there is no clock module to switch to. Fit a clock module in %s '
                          'first' % (target, target))
        if clock['time_sync'] is not True:
            if not force:
                raise Refusal('%s is not synchronized: switching to it would feed the outputs from a free-running '
                              'clock. Wait until %s is synchronized, or set force=true if you accept that'
                              % (target, target))
            warnings.append('%s is not synchronized and force=true: the outputs follow a free-running clock%s'
                            % (target, ', and in auto mode the card switches back at once when the other clock is '
                               'synchronized' if predicted['switch_mode'] == api_map.MODE_AUTO else ''))
    elif predicted['switch_mode'] == api_map.MODE_AUTO and clock and clock['time_sync'] is False:
        other = facts.other_clock(target)
        if current['clocks'][other]['time_sync'] is True:
            warnings.append('%s is not synchronized: in auto mode the card will switch to %s at once' % (target, other))
            predicted['selected_clock'] = other

    if predicted['switch_mode'] == api_map.MODE_MANUAL:
        warnings.append('manual mode: failover is off while it lasts; if %s loses sync the card will not switch '
                        'to the other clock' % predicted['selected_clock'])
    return changes, predicted, warnings


def shows(rsc, switch_mode=None, selected_clock=None):
    """True when the card shows every setting that was asked for."""
    return ((switch_mode is None or rsc['switch_mode'] == switch_mode)
            and (selected_clock is None or rsc['selected_clock'] == selected_clock))


def shows_text(asked):
    return ', '.join('%s=%s' % (key, value) for key, value in sorted(asked.items()) if value is not None)


def write_body(changes):
    return api_map.rsc_write_body(switch_mode=changes.get('switch_mode'), selected_clock=changes.get('selected_clock'))


def apply_change(client, slot_id, written, asked, before, clock_slots, wait_timeout,
                 monotonic=time.monotonic, sleep=time.sleep):
    """Write once, then let only read-backs decide. Returns an outcome dict, never raises a LantimeError.

    Whatever the write's reply (2xx, 3xx, 4xx, 5xx, none), the card is read until it shows what was asked
    or wait_timeout seconds have passed; every read is bounded by the same deadline. A write the device
    refused with a 3xx/4xx is watched for REFUSED_WRITE_SETTLE seconds only (it was most likely not applied,
    and the reads prove it). When the slot read has no slot object, the polls fall back to the chassis read.

    outcome: shown (the card shows the asked state), seen (last rsc facts read, or None), changed (the truth
    as far as the reads show it), write_error (the write's error text, or None), write_status (its HTTP status,
    or None), write_refused (3xx/4xx), read_error (the last failed read's text).
    """
    deadline = monotonic() + wait_timeout
    write_error = None
    write_status = None
    # The method is the client's default for write(), api_map.WRITE_METHOD; the path and body come from api_map too.
    path = api_map.rsc_write(slot_id)[1]
    try:
        client.write(path, written)
    except LantimeError as exc:
        write_error = str(exc)
        write_status = exc.status
    refused = write_status is not None and 300 <= write_status < 500
    watch_until = min(deadline, monotonic() + REFUSED_WRITE_SETTLE) if refused else deadline
    seen = None
    read_error = None
    full_read = False
    while True:
        try:
            if full_read:
                seen = read_rsc(client, slot_id, deadline=deadline)[0]
            else:
                seen = read_rsc_slot(client, slot_id, clock_slots, deadline=deadline)
        except ReplyShapeError as exc:
            read_error = str(exc)
            full_read = True  # the slot read does not serve; the chassis read holds the same card
        except LantimeError as exc:
            read_error = str(exc)
        if seen is not None and shows(seen, **asked):
            break
        if monotonic() + POLL_INTERVAL >= watch_until:
            break
        sleep(POLL_INTERVAL)
    shown = seen is not None and shows(seen, **asked)
    if seen is None:
        changed = True  # unknown: the write may have been applied, and nothing read says otherwise
    elif shown:
        changed = True
    else:
        # The card shows something else: a change is what the reads show, or an accepted write.
        changed = managed(seen) != before or write_error is None
    return {'shown': shown, 'seen': seen, 'changed': changed, 'write_error': write_error, 'write_status': write_status,
            'write_refused': refused, 'read_error': read_error}
