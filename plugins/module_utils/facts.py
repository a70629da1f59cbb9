# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Turn raw LTOS API objects into the collection's snake_case facts.

Real replies carry odd values: serial numbers with trailing spaces, "N/A", "unknown", -1, null, slots
without a module, modules without info. They are normalised here and nowhere else, so every module
and the inventory plugin report the same thing for the same device.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map as m
from ansible_collections.meinberg.lantime.plugins.module_utils.errors import ReplyShapeError


def clean(value):
    """Strip strings; map the API's many spellings of "unknown" to None."""
    if isinstance(value, str):
        value = value.strip()
        return None if value.lower() in m.UNKNOWN_VALUES else value
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in m.UNKNOWN_NUMBERS:
        return None
    return value


def flag(value):
    """A boolean from the API, or None when it is missing, unknown or of another type."""
    value = clean(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return {'true': True, 'false': False}.get(value.lower())
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return None


def text(value):
    """A cleaned string value, or None when it is missing, unknown or not text (a device must not steer types)."""
    value = clean(value)
    return value if isinstance(value, str) else None


def choice(value, allowed):
    """An enum value in lower case when it is one of allowed, else None (unknown)."""
    value = text(value)
    return value.lower() if value is not None and value.lower() in allowed else None


def count(value):
    """A whole number of 0 or more, else None."""
    value = clean(value)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _identifier(slot, key):
    """slot-id or slot-type: text, or None when absent; another type is a shape error naming the field."""
    value = clean(slot.get(key))
    if value is None or isinstance(value, str):
        return value
    raise ReplyShapeError('a slot has %s %s (%s), where the API gives text'
                          % (key, _quote(value), type(value).__name__))


def _quote(value):
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + '...'


def data_of(document):
    """The `data` of an envelope, or the document itself when a sub-path read returns a bare sub-tree."""
    if isinstance(document, dict) and isinstance(document.get(m.DATA), dict):
        return document[m.DATA]
    return document


def chassis_of(document):
    """The chassis object from a /api/status or /api/status/chassis0 reply."""
    data = data_of(document)
    if isinstance(data, dict) and isinstance(data.get(m.CHASSIS_KEY), dict):
        data = data[m.CHASSIS_KEY]
    if not isinstance(data, dict) or not isinstance(data.get(m.SLOTS_KEY), list):
        raise ReplyShapeError('the reply holds no chassis slot list (data.%s.%s)' % (m.CHASSIS_KEY, m.SLOTS_KEY))
    return data


def slot_of(document):
    """One slot object from a /api/status/chassis0/slots/<id> reply."""
    data = data_of(document)
    if isinstance(data, dict) and isinstance(data.get(m.SLOTS_KEY), list) and len(data[m.SLOTS_KEY]) == 1:
        data = data[m.SLOTS_KEY][0]
    if not isinstance(data, dict) or not (data.get(m.SLOT_ID) or data.get(m.OBJECT_ID)):
        raise ReplyShapeError('the reply holds no slot object')
    return data


def slot_id(slot):
    return _identifier(slot, m.SLOT_ID) or _identifier(slot, m.OBJECT_ID)


def slot_type(slot):
    explicit = _identifier(slot, m.SLOT_TYPE)
    if explicit:
        return explicit
    return re.sub(r'\d+$', '', slot_id(slot) or '') or None


def module_info(slot):
    module = slot.get(m.MODULE)
    info = module.get(m.INFO) if isinstance(module, dict) else None
    return info if isinstance(info, dict) else None


def clock_status(slot):
    """The clock card's sync state, e.g. "synchronized", or None."""
    module = slot.get(m.MODULE)
    sync = module.get('sync-status') if isinstance(module, dict) else None
    status = sync.get('clock-status') if isinstance(sync, dict) else None
    return text(status.get('clock')) if isinstance(status, dict) else None


def device_facts(document):
    """The device as a whole: from the envelope's system-information and the chassis."""
    info = document.get(m.SYSTEM_INFORMATION) if isinstance(document, dict) else None
    info = info if isinstance(info, dict) else {}
    chassis = {}
    try:
        chassis = chassis_of(document)
    except ReplyShapeError:
        pass
    return {
        'hostname': text(info.get('hostname')),
        'model': text(info.get('model')) or text(chassis.get('model')),
        'serial_number': text(info.get('serial-number')) or text(chassis.get('serial-number')),
        'chassis_serial_number': text(chassis.get('serial-number')),
        'firmware': text(info.get('version')) or text(chassis.get('firmware-image')),
        'api_version': text(info.get(m.API_VERSION_KEY)),
    }


def slot_facts(slot):
    """One slot in the shape slot_info returns and the inventory plugin uses for host variables."""
    info = module_info(slot)
    facts = {
        'slot_id': slot_id(slot),
        'slot_type': slot_type(slot),
        'slot_position': text(slot.get(m.SLOT_POSITION)),
        'fitted': info is not None,
        'model': text(info.get('model')) if info else None,
        'serial_number': text(info.get('serial-number')) if info else None,
        'software_revision': text(info.get('software-revision')) if info else None,
    }
    if facts['slot_type'] == m.CLOCK_SLOT_TYPE:
        facts['clock_status'] = clock_status(slot)
    rsc = rsc_block(slot)
    if rsc is not None:
        facts['rsc_switch_mode'] = choice(rsc.get(m.RSC_SWITCH_MODE), m.SWITCH_MODES)
        facts['rsc_selected_clock'] = choice(rsc.get(m.RSC_SELECTED_CLOCK), m.CLOCK_IDS)
    return facts


def chassis_facts(document):
    """A /api/status/chassis0 reply as (device facts, [slot facts of every slot, in the device's order])."""
    chassis = chassis_of(document)
    slots = []
    for index, slot in enumerate(chassis[m.SLOTS_KEY]):
        if not isinstance(slot, dict):
            raise ReplyShapeError('data.%s.%s[%d] is not an object' % (m.CHASSIS_KEY, m.SLOTS_KEY, index))
        try:
            slots.append(slot_facts(slot))
        except ReplyShapeError as exc:
            raise ReplyShapeError('data.%s.%s[%d]: %s' % (m.CHASSIS_KEY, m.SLOTS_KEY, index, exc))
    return device_facts(document), slots


def natural_key(text):
    """Sort key that puts io2 before io10."""
    return [int(part) if part.isdigit() else part for part in re.split(r'(\d+)', text or '')]


def select_slots(slot_facts_list, slot_types=None, include_empty=False):
    """The slots to show, filtered by type (any case) and fitted state, in natural slot-id order.

    slot_info and the inventory plugin both select through here, so they always agree.
    """
    wanted = set(t.lower() for t in slot_types or [])
    chosen = [s for s in slot_facts_list
              if (include_empty or s['fitted']) and (not wanted or (s['slot_type'] or '').lower() in wanted)]
    return sorted(chosen, key=lambda s: natural_key(s['slot_id']))


def rsc_block(slot):
    module = slot.get(m.MODULE)
    block = module.get(m.RSC_KEY) if isinstance(module, dict) else None
    return block if isinstance(block, dict) else None


def rsc_slots(slots):
    """The slots that hold an RSC card: slot type rsc, or any slot whose module carries an RSC block."""
    return [s for s in slots if isinstance(s, dict) and (slot_type(s) == m.RSC_SLOT_TYPE or rsc_block(s) is not None)]


def rsc_facts(rsc_slot, clock_slots=None):
    """The RSC card's state, with the clocks it switches between and what weakens redundancy.

    clock_slots maps clk1/clk2 to their slot objects (from a chassis read) so that facts can say whether a
    clock card is fitted and which model it is; missing ones are reported as not fitted. A value that is
    missing, unknown or of the wrong type is None: the facts never guess, and the rsc module refuses to
    write while a value its safety rules need is None.
    """
    block = rsc_block(rsc_slot)
    if block is None:
        raise ReplyShapeError('slot %s holds no RSC status block (module.%s)' % (slot_id(rsc_slot), m.RSC_KEY))
    info = module_info(rsc_slot) or {}
    panel = block.get(m.RSC_FRONT_PANEL)
    panel = panel if isinstance(panel, dict) else {}
    sync = {}
    entries = block.get(m.RSC_CLOCKS)
    for entry in entries if isinstance(entries, list) else []:
        clock_id = text(entry.get(m.OBJECT_ID)) if isinstance(entry, dict) else None
        if clock_id:
            sync[clock_id.lower()] = flag(entry.get(m.RSC_TIME_SYNC))
    clocks = {}
    for clock_id in m.CLOCK_IDS:
        slot = (clock_slots or {}).get(clock_id)
        clock_info = module_info(slot) if slot else None
        clocks[clock_id] = {
            'time_sync': sync.get(clock_id),
            'fitted': clock_info is not None if clock_slots is not None else None,
            'model': text(clock_info.get('model')) if clock_info else None,
        }
    facts = {
        'slot_id': slot_id(rsc_slot),
        'model': text(info.get('model')),
        'serial_number': text(info.get('serial-number')),
        'software_revision': text(info.get('software-revision')),
        'switch_mode': choice(block.get(m.RSC_SWITCH_MODE), m.SWITCH_MODES),
        'selected_clock': choice(block.get(m.RSC_SELECTED_CLOCK), m.CLOCK_IDS),
        'front_panel': {
            'mode_switch': choice(panel.get(m.RSC_PANEL_MODE), m.SWITCH_MODES),
            'clock_switch': choice(panel.get(m.RSC_PANEL_CLOCK), m.CLOCK_IDS),
        },
        'outputs_enabled': flag(block.get(m.RSC_OUTPUTS_ENABLED)),
        'clocks': clocks,
        'watchdog_ok': flag(block.get(m.RSC_WATCHDOG_OK)),
        'access_control_override': flag(block.get(m.RSC_ACO)),
        'time_limit_error': flag(block.get(m.RSC_TIME_LIMIT_ERROR)),
        'switchover_count': count(block.get(m.RSC_SWITCHOVER_COUNT)),
        'last_switchover': text(block.get(m.RSC_LAST_SWITCHOVER)),
    }
    facts['alarms'] = rsc_alarms(facts)
    facts['failover_ready'] = failover_ready(facts)
    return facts


def unknown_safety_state(rsc):
    """The values the safety rules need that the card did not report usably (empty when all are known)."""
    unknown = []
    if rsc['switch_mode'] is None:
        unknown.append('switch mode')
    if rsc['selected_clock'] is None:
        unknown.append('selected clock')
    if rsc['front_panel']['mode_switch'] is None:
        unknown.append('front-panel mode switch')
    for clock_id in m.CLOCK_IDS:
        if rsc['clocks'][clock_id]['time_sync'] is None:
            unknown.append('%s sync state' % clock_id)
    return unknown


def other_clock(clock_id):
    return m.CLOCK_IDS[1] if clock_id == m.CLOCK_IDS[0] else m.CLOCK_IDS[0]


def failover_ready(rsc):
    """True when the card would fail over right now if the clock in use lost sync."""
    standby = rsc['clocks'].get(other_clock(rsc['selected_clock'])) if rsc['selected_clock'] in m.CLOCK_IDS else None
    return bool(rsc['switch_mode'] == m.MODE_AUTO
                and rsc['front_panel']['mode_switch'] == m.MODE_AUTO
                and standby is not None and standby['time_sync'] is True and standby['fitted'] is not False
                and rsc['outputs_enabled'] is not False)


def rsc_alarms(rsc):
    """One short string per condition that weakens redundancy."""
    alarms = []
    if rsc['front_panel']['mode_switch'] == m.MODE_MANUAL:
        alarms.append('front-panel mode switch on manual: remote settings have no effect, no failover')
    elif rsc['switch_mode'] == m.MODE_MANUAL:
        alarms.append('manual mode: no failover')
    for clock_id in m.CLOCK_IDS:
        clock = rsc['clocks'][clock_id]
        if clock['fitted'] is False:
            alarms.append('%s slot empty' % clock_id)
        elif clock['time_sync'] is None:
            alarms.append('%s sync state unknown' % clock_id)
        elif not clock['time_sync']:
            alarms.append('%s not synchronized' % clock_id)
    for what in ('switch mode', 'selected clock', 'front-panel mode switch'):
        if what in unknown_safety_state(rsc):
            alarms.append('%s unknown (the card did not report it usably)' % what)
    if rsc['outputs_enabled'] is False:
        alarms.append('outputs disabled')
    if rsc['watchdog_ok'] is False:
        alarms.append('watchdog expired')
    if rsc['access_control_override']:
        alarms.append('access control override on')
    if rsc['time_limit_error']:
        alarms.append('time limit error')
    return alarms


def find_rsc(chassis_slots, wanted=None):
    """Pick the RSC slot from a chassis slot list; raise ReplyShapeError with a helpful text when not possible.

    Returns (rsc_slot, {clock id: slot}). The chosen slot's id goes into request paths, so it must be a plain
    slot id (api_map.SLOT_ID_PATTERN): a device cannot steer a request elsewhere.
    """
    slots = []
    for index, slot in enumerate(chassis_slots):
        if not isinstance(slot, dict):
            raise ReplyShapeError('data.%s.%s[%d] is not an object' % (m.CHASSIS_KEY, m.SLOTS_KEY, index))
        try:
            slot_id(slot), slot_type(slot)
        except ReplyShapeError as exc:
            raise ReplyShapeError('data.%s.%s[%d]: %s' % (m.CHASSIS_KEY, m.SLOTS_KEY, index, exc))
        slots.append(slot)
    clock_slots = dict((slot_id(s), s) for s in slots if slot_id(s) in m.CLOCK_IDS)
    found = ', '.join(sorted('%s (%s)' % (slot_id(s), text((module_info(s) or {}).get('model')) or 'empty')
                             for s in slots))
    if wanted:
        matches = [s for s in slots if slot_id(s) == wanted]
        if not matches:
            raise ReplyShapeError('there is no slot %r in this chassis; slots found: %s' % (wanted, found))
        slot = matches[0]
        if rsc_block(slot) is None:
            kind = text((module_info(slot) or {}).get('model')) or ('empty slot' if m.MODULE not in slot else 'unknown card')
            raise ReplyShapeError('slot %r holds %s (slot type %s), not an RSC card; leave slot out to find the RSC '
                                  'card automatically' % (wanted, kind, slot_type(slot)))
        return slot, clock_slots
    candidates = [s for s in rsc_slots(slots) if rsc_block(s) is not None]
    if not candidates:
        raise ReplyShapeError('no RSC card in this chassis; slots found: %s' % (found or 'none'))
    if len(candidates) > 1:
        raise ReplyShapeError('this chassis has several RSC cards (%s): choose one with slot'
                              % ', '.join(sorted(str(slot_id(s)) for s in candidates)))
    chosen = candidates[0]
    if not m.is_plain_slot_id(slot_id(chosen)):
        raise ReplyShapeError('the RSC card reports the slot id %s, which is not a plain slot id (letters, digits, '
                              '"-" and "_"); it is not used in any request. Check the device firmware, and report '
                              'the chassis reply if the firmware is current' % _quote(slot_id(chosen)))
    return chosen, clock_slots
