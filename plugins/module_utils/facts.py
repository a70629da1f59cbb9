# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Internal to meinberg.lantime, not a public API: turn raw LTOS API objects into the collection's snake_case facts.

Real replies carry odd values: serial numbers with trailing spaces, "N/A", "unknown", -1, null, slots
without a module, modules without info. They are normalised here and nowhere else, so every module
and the inventory plugin report the same thing for the same device. What the facts mean (alarms, failover_ready,
what may be changed) is decided in rules.py, not here.
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


def sync_status(slot):
    module = slot.get(m.MODULE) if isinstance(slot, dict) else None
    sync = module.get(m.SYNC_STATUS) if isinstance(module, dict) else None
    return sync if isinstance(sync, dict) else None


def clock_status(slot):
    """The clock card's sync state, e.g. "synchronized", or None."""
    sync = sync_status(slot)
    status = sync.get(m.CLOCK_STATUS) if sync else None
    return text(status.get(m.CLOCK_STATUS_CLOCK)) if isinstance(status, dict) else None


def clock_idx(slot):
    """A clock slot's sync-status.clock-idx in lower case ("selected" on the clock in use), or None."""
    sync = sync_status(slot)
    value = text(sync.get(m.CLOCK_IDX)) if sync else None
    return value.lower() if value else None


def system_sync_status(document):
    """data.system.sync-status of a full status read, or None (a chassis sub-path read does not hold it)."""
    data = data_of(document)
    system = data.get(m.SYSTEM_KEY) if isinstance(data, dict) else None
    sync = system.get(m.SYNC_STATUS) if isinstance(system, dict) else None
    return sync if isinstance(sync, dict) else None


# The real-format fields, outside the RSC block, that say which clock is in use (see clock_evidence()).
SOURCE_RSC = 'rsc_card'
SOURCE_REFERENCE = 'system_reference'
SOURCE_CLOCK_IDX = 'clock_idx'


def clock_evidence(document=None, clock_slots=None):
    """Which clock the real-format fields outside the RSC block name, each only when it is unambiguous.

    system_reference: data.system.sync-status.reference naming one clock slot ("clk2-gps" -> clk2).
    clock_idx: the one clock slot whose sync-status.clock-idx is "selected" (None when none or several are).
    A value is None when the read did not hold the field or it did not name exactly one clock.
    """
    sync = system_sync_status(document) if document is not None else None
    reference = m.reference_clock(text(sync.get(m.SYNC_REFERENCE))) if sync else None
    selected = sorted(clock_id for clock_id, slot in (clock_slots or {}).items()
                      if isinstance(slot, dict) and clock_idx(slot) == m.CLOCK_IDX_SELECTED)
    return {
        SOURCE_REFERENCE: reference if reference in m.CLOCK_IDS else None,
        SOURCE_CLOCK_IDX: selected[0] if len(selected) == 1 and selected[0] in m.CLOCK_IDS else None,
    }


_VERSION = re.compile(r'(\d+)\.(\d+)(?:\.(\d+))?')


def version_text(value):
    """The first dotted version number in a text ("fw_7.06.014-light" -> "7.06.014"), or None."""
    value = text(value)
    match = _VERSION.search(value) if value else None
    return match.group(0) if match else None


def version_tuple(value):
    """A version text as a tuple of ints ("7.06.014" -> (7, 6, 14)), or None."""
    match = _VERSION.search(value) if isinstance(value, str) else None
    return tuple(int(part) for part in match.groups() if part is not None) if match else None


def rest_api_version(document):
    """(REST API version such as "10.21.016", where it came from), or (None, None).

    From data.rest-api.api-version when the reply holds it (a full status read), else from the
    system-information "API Version" text that every reply carries.
    """
    data = data_of(document)
    rest = data.get(m.REST_API_KEY) if isinstance(data, dict) else None
    value = version_text(rest.get(m.REST_API_VERSION)) if isinstance(rest, dict) else None
    if value:
        return value, 'data.%s.%s' % (m.REST_API_KEY, m.REST_API_VERSION)
    info = document.get(m.SYSTEM_INFORMATION) if isinstance(document, dict) else None
    value = version_text(info.get(m.API_VERSION_KEY)) if isinstance(info, dict) else None
    if value:
        return value, '%s."%s"' % (m.SYSTEM_INFORMATION, m.API_VERSION_KEY)
    return None, None


def api_major(document):
    """The REST API major version (10 for "10.21.016"), or None."""
    version = version_tuple(rest_api_version(document)[0])
    return version[0] if version else None


def tokens_supported(major):
    """True when a REST API of this major version issues bearer tokens, None when the version is unknown."""
    return None if major is None else major >= m.TOKEN_MIN_API_MAJOR


def pending_changes(document):
    """changes.pending-changes of a reply's envelope: the configuration changes the chassis holds staged (a whole
    number of 0 or more), or None when the reply does not carry it usably (a bare sub-tree, another type)."""
    changes = document.get(m.CHANGES_KEY) if isinstance(document, dict) else None
    return count(changes.get(m.PENDING_CHANGES)) if isinstance(changes, dict) else None


def device_facts(document):
    """The device as a whole: from the envelope's system-information and changes, and the chassis."""
    info = document.get(m.SYSTEM_INFORMATION) if isinstance(document, dict) else None
    info = info if isinstance(info, dict) else {}
    chassis = {}
    try:
        chassis = chassis_of(document)
    except ReplyShapeError:
        pass
    firmware = text(info.get(m.FIRMWARE_KEY)) or text(chassis.get('firmware-image'))
    return {
        'hostname': text(info.get('hostname')),
        'model': text(info.get('model')) or text(chassis.get('model')),
        'serial_number': text(info.get('serial-number')) or text(chassis.get('serial-number')),
        'chassis_serial_number': text(chassis.get('serial-number')),
        'firmware': firmware,
        'api_version': text(info.get(m.API_VERSION_KEY)),
        'ltos_version': version_text(firmware),
        'rest_api_version': rest_api_version(document)[0],
        'pending_changes': pending_changes(document),
    }


def slot_facts(slot):
    """One slot in the shape slot_info returns and the inventory plugin uses for host variables."""
    info = module_info(slot)
    facts = {
        'slot_id': slot_id(slot),
        # every RSC card counts as slot type rsc, whatever its slot reports, so that filters and groups find it
        'slot_type': m.RSC_SLOT_TYPE if is_rsc_slot(slot) else slot_type(slot),
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


def is_rsc_slot(slot):
    """True for a slot that holds (or is meant for) the RSC switch card, whatever the slot id: api_map.is_rsc_card()
    decides from the slot's type (rsc, scu), its card's model (rsc180, rsc2000, ...) and whether its module carries an
    RSC block."""
    if not isinstance(slot, dict):
        return False
    return m.is_rsc_card(slot_type(slot), text((module_info(slot) or {}).get('model')), rsc_block(slot) is not None)


def rsc_slots(slots):
    """The slots that hold (or are meant for) an RSC card; see is_rsc_slot()."""
    return [s for s in slots if is_rsc_slot(s)]


def rsc_candidates(slots):
    """The slots that may hold the switch card: recognised by is_rsc_slot() and not empty (a module is fitted)."""
    return [s for s in rsc_slots(slots) if module_info(s) is not None or rsc_block(s) is not None]


def rsc_candidate_ids(slot_facts_list):
    """The slot ids of the fitted RSC slots among slot_facts() results (the inventory plugin warns on more than one)."""
    return sorted((s.get('slot_id') or '?' for s in slot_facts_list
                   if s.get('fitted') and s.get('slot_type') == m.RSC_SLOT_TYPE), key=natural_key)


def card_facts(rsc_slot, clock_slots=None, evidence=None):
    """The RSC card's state as it reports it, with the clocks it switches between (rules.rsc_facts() adds alarms
    and failover_ready).

    clock_slots maps clk1/clk2 to their slot objects (from a chassis read) so that facts can say whether a
    clock card is fitted and which model it is; missing ones are reported as not fitted. evidence is what
    clock_evidence() found outside the RSC block; the card's selected clock is checked against it, and taken
    from it when the card does not report one. A value that is missing, unknown or of the wrong type is None:
    the facts never guess, and the rsc module refuses to write while a value its safety rules need is None.
    """
    block = rsc_block(rsc_slot)
    if block is None:
        raise ReplyShapeError('slot %s holds no RSC status block (module.%s)' % (slot_id(rsc_slot), m.RSC_KEY))
    info = module_info(rsc_slot) or {}
    panel = block.get(m.RSC_FRONT_PANEL)
    panel = panel if isinstance(panel, dict) else {}
    clocks = _clock_facts(block, clock_slots)
    facts = {
        'slot_id': slot_id(rsc_slot),
        'model': text(info.get('model')),
        'serial_number': text(info.get('serial-number')),
        'software_revision': text(info.get('software-revision')),
        'switch_mode': choice(block.get(m.RSC_SWITCH_MODE), m.SWITCH_MODES),
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
    facts.update(selected_clock_facts(block.get(m.RSC_SELECTED_CLOCK), evidence))
    return facts


def rsc_document(document, slot=None):
    """(card facts, device facts, {clock id: clock slot object}) of the RSC card in a chassis or full status document.

    The selected clock is cross-checked with every real-format field the document holds: the clock slots'
    clock-idx always, the system sync-status reference when the document is a full status read.
    """
    chassis = chassis_of(document)
    rsc_slot, clock_slots = find_rsc(chassis[m.SLOTS_KEY], slot)
    evidence = clock_evidence(document, clock_slots)
    return card_facts(rsc_slot, clock_slots, evidence), device_facts(document), clock_slots


def slot_document(document, clock_slots):
    """The card facts of a /api/status/chassis0/slots/<id> reply, with the clock slots of an earlier chassis read."""
    return card_facts(slot_of(document), clock_slots)


def _clock_facts(block, clock_slots):
    """clk1 and clk2 as the card reports their sync, with their slots' fitted state and model."""
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
    return clocks


NO_CLOCK = 'none'


def selected_clock_facts(raw, evidence=None):
    """The selected clock from the RSC block's value and the evidence outside it.

    Returns selected_clock (clk1, clk2 or None), no_clock_selected (the card says it feeds no clock),
    selected_clock_source (rsc_card, system_reference, clock_idx or None: where selected_clock came from),
    selected_clock_evidence (what each source says: a clock id, "none" for a card without a clock, or None when
    the source was not read or named no single clock) and selected_clock_conflict (the sources disagree).
    """
    raw = text(raw)
    card = choice(raw, m.CLOCK_IDS)
    no_clock = card is None and raw is not None and raw.lower() in m.NO_CLOCK_SELECTED
    evidence = evidence or {}
    said = {
        SOURCE_RSC: card or (NO_CLOCK if no_clock else None),
        SOURCE_REFERENCE: choice(evidence.get(SOURCE_REFERENCE), m.CLOCK_IDS),
        SOURCE_CLOCK_IDX: choice(evidence.get(SOURCE_CLOCK_IDX), m.CLOCK_IDS),
    }
    # The order in which the sources are trusted: the card's own word first, then the system reference.
    named = [(source, said[source]) for source in (SOURCE_RSC, SOURCE_REFERENCE, SOURCE_CLOCK_IDX) if said[source]]
    conflict = len(set(value for dummy, value in named)) > 1
    selected, source = None, None
    if card or no_clock:
        selected, source = card, SOURCE_RSC
    elif named and not conflict:
        selected, source = named[0][1], named[0][0]
    return {
        'selected_clock': selected,
        'no_clock_selected': no_clock,
        'selected_clock_source': source,
        'selected_clock_evidence': said,
        'selected_clock_conflict': conflict,
    }


def _module_keys(slot):
    module = slot.get(m.MODULE)
    return ', '.join(sorted(str(key) for key in module)) if isinstance(module, dict) and module else 'none'


def find_rsc(chassis_slots, wanted=None):
    """Pick the RSC slot from a chassis slot list; raise ReplyShapeError with a helpful text when not possible.

    Returns (rsc_slot, {clock id: slot}). The chosen slot's id goes into request paths, so it must be a plain
    slot id (api_map.SLOT_ID_PATTERN): a device cannot steer a request elsewhere.
    """
    slots = _checked_slots(chassis_slots)
    clock_slots = dict((slot_id(s), s) for s in slots if slot_id(s) in m.CLOCK_IDS)
    found = ', '.join(sorted('%s (%s)' % (slot_id(s), text((module_info(s) or {}).get('model')) or 'empty')
                             for s in slots))
    if wanted:
        return _wanted_rsc(slots, wanted, found), clock_slots
    return _only_rsc(slots, found), clock_slots


def _checked_slots(chassis_slots):
    """The slot objects, each with a usable slot id and type; else a ReplyShapeError naming the slot's index."""
    slots = []
    for index, slot in enumerate(chassis_slots):
        if not isinstance(slot, dict):
            raise ReplyShapeError('data.%s.%s[%d] is not an object' % (m.CHASSIS_KEY, m.SLOTS_KEY, index))
        try:
            slot_id(slot), slot_type(slot)
        except ReplyShapeError as exc:
            raise ReplyShapeError('data.%s.%s[%d]: %s' % (m.CHASSIS_KEY, m.SLOTS_KEY, index, exc))
        slots.append(slot)
    return slots


def _wanted_rsc(slots, wanted, found):
    """The slot the task names, when it holds an RSC card with its status block."""
    matches = [s for s in slots if slot_id(s) == wanted]
    if not matches:
        raise ReplyShapeError('there is no slot %r in this chassis; slots found: %s' % (wanted, found))
    slot = matches[0]
    if rsc_block(slot) is None and is_rsc_slot(slot) and m.MODULE in slot:
        raise ReplyShapeError('slot %r holds an RSC card (%s) but no RSC status block (module.%s); keys found in '
                              'its module: %s. The firmware reports the card differently from the API contract: '
                              'run meinberg.lantime.api_check and report its result'
                              % (wanted, text((module_info(slot) or {}).get('model')) or 'unknown model',
                                 m.RSC_KEY, _module_keys(slot)))
    if rsc_block(slot) is None:
        kind = text((module_info(slot) or {}).get('model')) or ('empty slot' if m.MODULE not in slot else 'unknown card')
        raise ReplyShapeError('slot %r holds %s (slot type %s), not an RSC card; leave slot out to find the RSC '
                              'card automatically' % (wanted, kind, slot_type(slot)))
    return slot


def _only_rsc(slots, found):
    """The one RSC card of the chassis, found on its own; two candidates (see rsc_candidates()) are never guessed
    between."""
    fitted = rsc_candidates(slots)
    if len(fitted) > 1:
        raise ReplyShapeError('this chassis has several RSC cards (%s): choose one with slot'
                              % ', '.join(sorted((str(slot_id(s)) for s in fitted), key=natural_key)))
    candidates = [s for s in fitted if rsc_block(s) is not None]
    blockless = [s for s in fitted if rsc_block(s) is None and module_info(s) is not None]
    if not candidates and blockless:
        raise ReplyShapeError('slot %s holds an RSC card (%s) but no RSC status block (module.%s); keys found in its '
                              'module: %s. The firmware reports the card differently from the API contract: run '
                              'meinberg.lantime.api_check and report its result'
                              % (_quote(slot_id(blockless[0])), text(module_info(blockless[0]).get('model')) or
                                 'unknown model', m.RSC_KEY, _module_keys(blockless[0])))
    if not candidates:
        raise ReplyShapeError('no RSC card in this chassis; slots found: %s' % (found or 'none'))
    chosen = candidates[0]
    if not m.is_plain_slot_id(slot_id(chosen)):
        raise ReplyShapeError('the RSC card reports the slot id %s, which is not a plain slot id (letters, digits, '
                              '"-" and "_"); it is not used in any request. Check the device firmware, and report '
                              'the chassis reply if the firmware is current' % _quote(slot_id(chosen)))
    return chosen
