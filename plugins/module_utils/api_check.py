# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The read-only API check: each line of the API contract that a live device can show, tested on it.

run_checks(client) sends GET requests only (the full status tree, the configuration tree and the RSC card's
configuration object) and returns one check per contract line with pass, fail or not_applicable and a detail
that names what was found where the expected was missing. It raises only when the status tree cannot be
read at all. It imports nothing from Ansible, so it is unit-testable with a fake client.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map as m
from ansible_collections.meinberg.lantime.plugins.module_utils import capture as capture_file
from ansible_collections.meinberg.lantime.plugins.module_utils import facts
from ansible_collections.meinberg.lantime.plugins.module_utils.client import COLLECTION_VERSION
from ansible_collections.meinberg.lantime.plugins.module_utils.errors import LantimeError, ReplyShapeError
from ansible_collections.meinberg.lantime.plugins.module_utils.task import TaskDefinition, TaskFailed

PASS = 'pass'
FAIL = 'fail'
NOT_APPLICABLE = 'not_applicable'

# The checks whose failure means rsc_info cannot read the card as the contract says.
READ_CHECKS = ('envelope', 'api_version', 'chassis_slots', 'rsc_card', 'rsc_block', 'clock_slots',
               'selected_clock_cross_check')
# The further checks a write relies on.
WRITE_CHECKS = ('configuration_tree', 'rsc_configuration')

TYPE_WORDS = {'str': 'text', 'bool': 'true/false', 'int': 'a whole number', 'dict': 'an object', 'list': 'a list'}


def _type_ok(value, kind):
    if kind == 'str':
        return isinstance(value, str)
    if kind == 'bool':
        return isinstance(value, bool)
    if kind == 'int':
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == 'dict':
        return isinstance(value, dict)
    return isinstance(value, list)


def _json_type(value):
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'true/false'
    if isinstance(value, (int, float)):
        return 'a number'
    if isinstance(value, str):
        return 'text'
    return 'an object' if isinstance(value, dict) else 'a list'


def _named(value, allowed=None, kind=None, limit=40):
    """What a detail may say about a value the device sent, safe to show at -v and to keep in a capture.

    A detail never quotes a device value unless it is what a capture keeps verbatim too: one of the API's
    spellings of "unknown", true/false, a whole number where one is expected, a word of the field's vocabulary
    (allowed) or the text of a free-text field the allow-list keeps (kind 'str' without allowed: versions, models,
    last-switchover). Anything else is named by its JSON type and size only: "a text of 23 characters", "an object
    of 2 keys", "a list of 3 items".
    """
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return str(value) if kind == 'int' and isinstance(value, int) or value in m.UNKNOWN_NUMBERS else 'a number'
    if isinstance(value, str):
        word = value.strip().lower()
        if word in m.UNKNOWN_VALUES or (allowed and word in allowed):
            return json.dumps(value.strip())
        if kind == 'str' and not allowed:
            shown = json.dumps(value)
            return shown if len(shown) <= limit else shown[:limit - 3] + '...'
        return 'a text of %d characters' % len(value)
    if isinstance(value, dict):
        return 'an object of %d key%s' % (len(value), '' if len(value) == 1 else 's')
    if isinstance(value, list):
        return 'a list of %d item%s' % (len(value), '' if len(value) == 1 else 's')
    return 'a value of another type'


def keys_of(value):
    """The keys of an object as a short text, for details: only the keys a capture keeps verbatim, the others
    counted (the key rule of capture.key_is_schema)."""
    if not isinstance(value, dict):
        return '(not an object: %s)' % _json_type(value)
    if not value:
        return '(none)'
    names = sorted(key for key in value if capture_file.key_is_schema(key))
    hidden = len(value) - len(names)
    shown = ', '.join(names) if len(names) <= 25 else ', '.join(names[:25]) + ', ... (%d in all)' % len(names)
    if hidden:
        shown += '%s%d key%s not shown (not a plain word)' % ('; ' if names else '', hidden, '' if hidden == 1 else 's')
    return shown


class Checks:
    """The list of checks as they are made."""

    def __init__(self):
        self.items = []

    def add(self, check_id, contract, status, detail):
        self.items.append({'id': check_id, 'contract': contract, 'status': status, 'detail': detail})
        return status

    def status(self, check_id):
        for item in self.items:
            if item['id'] == check_id:
                return item['status']
        return None


def _read(client, path):
    """(document, None) or (None, error text) for a GET that may fail without ending the check."""
    try:
        return client.get(path), None
    except LantimeError as exc:
        return None, str(exc)


def check_key(checks, check_id, where, container, key, kind, allowed, contract_kind='assumed'):
    """One key of an object: present, of the expected JSON type, and one of the allowed values."""
    expected = TYPE_WORDS[kind] + (', one of %s' % ', '.join(allowed) if allowed else '')
    contract = '%s.%s: %s [%s]' % (where, key, expected, contract_kind)
    if not isinstance(container, dict):
        return checks.add(check_id, contract, FAIL, 'not read: %s is not an object' % where)
    if key not in container:
        return checks.add(check_id, contract, FAIL, '%s is missing; keys found in %s: %s'
                          % (key, where, keys_of(container)))
    value = container[key]
    if facts.clean(value) is None and not allowed and kind in ('str', 'int'):
        return checks.add(check_id, contract, PASS, 'present, value unknown (%s)' % _named(value, allowed, kind))
    if not _type_ok(value, kind):
        return checks.add(check_id, contract, FAIL, '%s is %s, expected %s'
                          % (key, _named(value, allowed, kind), TYPE_WORDS[kind]))
    if allowed and (not isinstance(value, str) or value.strip().lower() not in allowed):
        return checks.add(check_id, contract, FAIL, '%s is %s, expected one of %s'
                          % (key, _named(value, allowed, kind), ', '.join(allowed)))
    if kind in ('dict', 'list'):
        return checks.add(check_id, contract, PASS, 'present (%s)' % TYPE_WORDS[kind])
    return checks.add(check_id, contract, PASS, '%s = %s' % (key, _named(value, allowed, kind)))


def _slot_words(slot):
    info = facts.module_info(slot)
    return '%s (%s)' % (facts.text(slot.get(m.SLOT_ID)) or facts.text(slot.get(m.OBJECT_ID)) or '?',
                        facts.text(info.get('model')) if info else 'empty')


def run_checks(client, keep_documents=False):
    """Check the live device against the contract; GET requests only.

    Returns checks (list of {id, contract, status, detail}), read_compatible, write_compatible, verdict, and the
    versions and RSC card found. With keep_documents, also documents: the status tree, the configuration tree
    and the RSC configuration object as read (None when unreadable), for a capture.
    Raises LantimeError only when GET /api/status fails: then the device cannot be read at all.
    """
    status = client.get(m.STATUS_PATH)
    checks = Checks()
    found = {'ltos_version': None, 'rest_api_version': None, 'rsc_slot': None, 'rsc_model': None}

    # -- the envelope -----------------------------------------------------------------------------------------
    contract = ('GET %s answers an envelope: %s; data has object-id "%s" [known]'
                % (m.STATUS_PATH, ', '.join(m.ENVELOPE_KEYS), m.STATUS_OBJECT_ID))
    missing = [key for key in m.ENVELOPE_KEYS if key not in status]
    data = status.get(m.DATA)
    info = status.get(m.SYSTEM_INFORMATION)
    if missing:
        checks.add('envelope', contract, FAIL, 'missing: %s; keys found: %s' % (', '.join(missing), keys_of(status)))
    elif not isinstance(data, dict) or not isinstance(info, dict):
        checks.add('envelope', contract, FAIL, 'data is %s and system-information is %s; both should be objects'
                   % (_json_type(data), _json_type(info)))
    elif data.get(m.OBJECT_ID) != m.STATUS_OBJECT_ID:
        checks.add('envelope', contract, FAIL, 'data.object-id is %s'
                   % _named(data.get(m.OBJECT_ID), (m.STATUS_OBJECT_ID,), 'str'))
    else:
        checks.add('envelope', contract, PASS, 'all four keys present')
    info = info if isinstance(info, dict) else {}

    # -- versions ---------------------------------------------------------------------------------------------
    contract = ('LTOS %d.%02d or later, from system-information.%s (e.g. fw_7.06.014) [known]'
                % (m.MIN_LTOS[0], m.MIN_LTOS[1], m.FIRMWARE_KEY))
    firmware = facts.text(info.get(m.FIRMWARE_KEY))
    ltos = facts.version_text(firmware)
    found['ltos_version'] = ltos
    if ltos is None:
        checks.add('ltos_version', contract, FAIL, 'no LTOS version in system-information.%s (%s); keys found in '
                   'system-information: %s' % (m.FIRMWARE_KEY, _named(info.get(m.FIRMWARE_KEY), kind='str'), keys_of(info)))
    elif facts.version_tuple(ltos)[:2] < m.MIN_LTOS:
        checks.add('ltos_version', contract, FAIL, 'LTOS %s (%s) is older than %d.%02d: update the firmware'
                   % (ltos, firmware, m.MIN_LTOS[0], m.MIN_LTOS[1]))
    else:
        checks.add('ltos_version', contract, PASS, 'LTOS %s (%s)' % (ltos, firmware))

    contract = ('REST API %d or later, from data.%s.%s, else system-information."%s" [known]'
                % (m.MIN_API_MAJOR, m.REST_API_KEY, m.REST_API_VERSION, m.API_VERSION_KEY))
    api_version, source = facts.rest_api_version(status)
    found['rest_api_version'] = api_version
    major = facts.api_major(status)
    if api_version is None:
        checks.add('api_version', contract, FAIL, 'no REST API version found; keys found in system-information: %s'
                   % keys_of(info))
    elif major < m.MIN_API_MAJOR:
        checks.add('api_version', contract, FAIL, 'REST API %s (from %s) is older than %d (LTOS 7.06): update the '
                   'firmware' % (api_version, source, m.MIN_API_MAJOR))
    else:
        checks.add('api_version', contract, PASS, 'REST API %s (from %s)' % (api_version, source))

    contract = ('bearer tokens (%s %s) from LTOS %s / REST API %d; Basic authentication on every version [known]'
                % (m.TOKEN_METHOD, m.TOKEN_PATH, m.TOKEN_MIN_LTOS, m.TOKEN_MIN_API_MAJOR))
    if major is None:
        checks.add('token_support', contract, NOT_APPLICABLE, 'the REST API version is unknown')
    elif major >= m.TOKEN_MIN_API_MAJOR:
        checks.add('token_support', contract, PASS, 'REST API %d: bearer tokens available (not requested: this check '
                   'sends GET requests only)' % major)
    else:
        checks.add('token_support', contract, NOT_APPLICABLE, 'REST API %d: no bearer tokens; use username and '
                   'password' % major)

    # -- the chassis ------------------------------------------------------------------------------------------
    contract = ('data.%s.%s lists the slots, each with %s, %s, %s; an empty slot has no %s [known]'
                % (m.CHASSIS_KEY, m.SLOTS_KEY, m.SLOT_ID, m.SLOT_TYPE, m.SLOT_POSITION, m.MODULE))
    slots = None
    try:
        chassis = facts.chassis_of(status)
        slots = [slot for slot in chassis[m.SLOTS_KEY] if isinstance(slot, dict)]
        for slot in slots:
            facts.slot_id(slot), facts.slot_type(slot)  # pylint: disable=expression-not-assigned
        checks.add('chassis_slots', contract, PASS, '%d slots: %s'
                   % (len(slots), ', '.join(sorted((_slot_words(s) for s in slots), key=facts.natural_key))))
    except ReplyShapeError as exc:
        checks.add('chassis_slots', contract, FAIL, '%s; keys found in data: %s'
                   % (exc, keys_of(data if isinstance(data, dict) else None)))
        slots = None

    # -- the RSC card -----------------------------------------------------------------------------------------
    rsc_slot = None
    reason = None
    contract = ('the RSC card: slot type %s or a model starting with "%s", in any slot [assumed]'
                % (m.RSC_SLOT_TYPE, m.RSC_MODEL_PREFIX))
    if slots is None:
        reason = 'the chassis slot list could not be read'
        checks.add('rsc_card', contract, FAIL, 'not read: %s' % reason)
    else:
        cards = [s for s in facts.rsc_slots(slots) if facts.module_info(s) is not None or facts.rsc_block(s)]
        with_block = [s for s in cards if facts.rsc_block(s) is not None]
        if not cards:
            reason = 'no RSC card in this chassis'
            checks.add('rsc_card', contract, FAIL, '%s; slots found: %s'
                       % (reason, ', '.join(sorted((_slot_words(s) for s in slots), key=facts.natural_key)) or 'none'))
        elif len(with_block) > 1 or (not with_block and len(cards) > 1):
            reason = 'several RSC cards: the modules need the slot option'
            checks.add('rsc_card', contract, FAIL, '%s (%s)' % (reason, ', '.join(_slot_words(s) for s in cards)))
        else:
            rsc_slot = (with_block or cards)[0]
            found['rsc_slot'] = facts.text(rsc_slot.get(m.SLOT_ID)) or facts.text(rsc_slot.get(m.OBJECT_ID))
            found['rsc_model'] = facts.text((facts.module_info(rsc_slot) or {}).get('model'))
            plain = m.is_plain_slot_id(found['rsc_slot'])
            checks.add('rsc_card', contract, PASS if plain else FAIL, 'slot %s, model %s, slot type %s%s'
                       % (found['rsc_slot'], found['rsc_model'] or 'unknown', facts.slot_type(rsc_slot),
                          '' if plain else '; the slot id is not a plain slot id and is never put into a request'))
            if not plain:
                reason = 'the RSC slot id is not a plain slot id'
                rsc_slot = None

    contract = 'the RSC card\'s state under %s.%s of its slot [assumed]' % (m.MODULE, m.RSC_KEY)
    block = facts.rsc_block(rsc_slot) if rsc_slot is not None else None
    if rsc_slot is None:
        checks.add('rsc_block', contract, FAIL, 'not read: %s' % reason)
    elif block is None:
        reason = 'slot %s holds no %s.%s' % (found['rsc_slot'], m.MODULE, m.RSC_KEY)
        checks.add('rsc_block', contract, FAIL, '%s; keys found in its %s: %s'
                   % (reason, m.MODULE, keys_of(rsc_slot.get(m.MODULE))))
    else:
        checks.add('rsc_block', contract, PASS, 'keys found: %s' % keys_of(block))

    where = '%s.%s' % (m.MODULE, m.RSC_KEY)
    for key, kind, allowed in m.RSC_READ_KEYS:
        check_id = 'rsc_key.%s' % key
        if block is None:
            expected = TYPE_WORDS[kind] + (', one of %s' % ', '.join(allowed) if allowed else '')
            checks.add(check_id, '%s.%s: %s [assumed]' % (where, key, expected), FAIL, 'not read: %s' % reason)
            continue
        check_key(checks, check_id, where, block, key, kind, allowed)
    panel = block.get(m.RSC_FRONT_PANEL) if block is not None else None
    for key, kind, allowed in m.RSC_PANEL_KEYS:
        check_id = 'rsc_key.%s.%s' % (m.RSC_FRONT_PANEL, key)
        panel_where = '%s.%s' % (where, m.RSC_FRONT_PANEL)
        if not isinstance(panel, dict):
            checks.add(check_id, '%s.%s: %s, one of %s [assumed]' % (panel_where, key, TYPE_WORDS[kind], ', '.join(allowed)),
                       FAIL, 'not read: %s' % (reason if block is None else '%s is not an object' % panel_where))
            continue
        check_key(checks, check_id, panel_where, panel, key, kind, allowed)
    _check_clock_entries(checks, where, block, reason)

    # -- the clocks -------------------------------------------------------------------------------------------
    contract = ('clock modules in slots %s, each with %s.%s.%s ("%s" when locked) and %s.%s [known format; the '
                'IMS slot ids are assumed]' % ('/'.join(m.CLOCK_IDS), m.SYNC_STATUS, m.CLOCK_STATUS,
                                               m.CLOCK_STATUS_CLOCK, m.CLOCK_SYNCHRONIZED, m.SYNC_STATUS, m.CLOCK_IDX))
    clock_slots = dict((facts.slot_id(s), s) for s in slots or [] if facts.slot_id(s) in m.CLOCK_IDS)
    if slots is None:
        checks.add('clock_slots', contract, FAIL, 'not read: the chassis slot list could not be read')
    elif not clock_slots:
        checks.add('clock_slots', contract, FAIL, 'no %s slot; slots found: %s'
                   % (' or '.join(m.CLOCK_IDS), ', '.join(sorted(_slot_words(s) for s in slots)) or 'none'))
    else:
        words, unreported = [], []
        for clock_id in m.CLOCK_IDS:
            slot = clock_slots.get(clock_id)
            if slot is None:
                words.append('%s: no slot' % clock_id)
            elif facts.module_info(slot) is None:
                words.append('%s: empty' % clock_id)
            else:
                state = facts.clock_status(slot)
                if state is None:
                    unreported.append('%s (keys found in its %s: %s)'
                                      % (clock_id, m.SYNC_STATUS, keys_of(facts.sync_status(slot))))
                model = facts.text(facts.module_info(slot).get('model'))
                words.append('%s: %s, %s, clock-idx %s'
                             % (clock_id, model, state or 'sync state not reported',
                                facts.clock_idx(slot) or 'not reported'))
        if unreported:
            checks.add('clock_slots', contract, FAIL, '; '.join(words) + '. No %s.%s.%s in: %s'
                       % (m.SYNC_STATUS, m.CLOCK_STATUS, m.CLOCK_STATUS_CLOCK, ', '.join(unreported)))
        else:
            checks.add('clock_slots', contract, PASS, '; '.join(words))

    contract = ('the RSC card\'s selected clock agrees with data.%s.%s.%s ("clk1-...") and with the one clock slot '
                'whose %s.%s is "%s" [fields known; their meaning on an IMS chassis inferred]'
                % (m.SYSTEM_KEY, m.SYNC_STATUS, m.SYNC_REFERENCE, m.SYNC_STATUS, m.CLOCK_IDX, m.CLOCK_IDX_SELECTED))
    if block is None:
        checks.add('selected_clock_cross_check', contract, FAIL, 'not read: %s' % reason)
    else:
        selected = facts.selected_clock_facts(block.get(m.RSC_SELECTED_CLOCK), facts.clock_evidence(status, clock_slots))
        said = selected['selected_clock_evidence']
        naming = [source for source, value in said.items() if value]
        if selected['selected_clock_conflict']:
            checks.add('selected_clock_cross_check', contract, FAIL, 'the sources disagree: %s'
                       % facts.conflict_text(selected))
        elif len(naming) < 2:
            checks.add('selected_clock_cross_check', contract, NOT_APPLICABLE, 'fewer than two sources name a clock: '
                       '%s' % (facts.conflict_text(selected) or 'none does'))
        else:
            checks.add('selected_clock_cross_check', contract, PASS, facts.conflict_text(selected))

    # -- the configuration (what a write relies on) -------------------------------------------------------------
    configuration, error = _read(client, m.CONFIG_PATH)
    contract = ('GET %s is readable and mirrors the status tree (data.%s.%s) [assumed]'
                % (m.CONFIG_PATH, m.CHASSIS_KEY, m.SLOTS_KEY))
    if configuration is None:
        checks.add('configuration_tree', contract, FAIL, error)
    else:
        try:
            config_slots = facts.chassis_of(configuration)[m.SLOTS_KEY]
            checks.add('configuration_tree', contract, PASS, 'readable; %d slots under data.%s.%s'
                       % (len(config_slots), m.CHASSIS_KEY, m.SLOTS_KEY))
        except ReplyShapeError:
            checks.add('configuration_tree', contract, FAIL, 'readable, but it holds no data.%s.%s; keys found in '
                       'data: %s' % (m.CHASSIS_KEY, m.SLOTS_KEY, keys_of(facts.data_of(configuration))))

    rsc_config = None
    path = m.rsc_config_path(found['rsc_slot']) if rsc_slot is not None else '%s/.../%s/%s' % (m.CONFIG_PATH, m.MODULE,
                                                                                               m.RSC_KEY)
    contract = ('GET %s holds the keys a write sends: %s [assumed]' % (path, ', '.join(m.RSC_WRITE_KEYS)))
    if rsc_slot is None:
        checks.add('rsc_configuration', contract, FAIL, 'not read: %s' % reason)
    else:
        rsc_config, error = _read(client, path)
        if rsc_config is None:
            checks.add('rsc_configuration', contract, FAIL, error)
        else:
            body = facts.data_of(rsc_config)
            allowed = {m.RSC_SWITCH_MODE: m.SWITCH_MODES, m.RSC_SELECTED_CLOCK: m.CLOCK_IDS + m.NO_CLOCK_SELECTED}
            problems = []
            for key in m.RSC_WRITE_KEYS:
                value = body.get(key) if isinstance(body, dict) else None
                if not isinstance(body, dict) or key not in body:
                    problems.append('%s is missing' % key)
                elif not isinstance(value, str) or value.strip().lower() not in allowed[key]:
                    problems.append('%s is %s, expected one of %s'
                                    % (key, _named(value, allowed[key], 'str'), ', '.join(allowed[key])))
            if problems:
                checks.add('rsc_configuration', contract, FAIL, '%s; keys found: %s' % ('; '.join(problems), keys_of(body)))
            else:
                checks.add('rsc_configuration', contract, PASS, ', '.join(
                    '%s = %s' % (key, _named(body[key], allowed[key], 'str')) for key in m.RSC_WRITE_KEYS))

    write = m.rsc_write(found['rsc_slot'] if rsc_slot is not None else 'SLOT', m.MODE_AUTO, m.CLOCK_IDS[0])
    checks.add('write', 'a write is %s %s with only the changed keys, body like %s; it applies at once [assumed; open '
               'questions: PUT with a {"parameters": ...} body, PUT /api/write to keep it over a reboot]'
               % (write[0], write[1], json.dumps(write[2], sort_keys=True)), NOT_APPLICABLE,
               'not verifiable read-only: this check never writes. The first change with meinberg.lantime.rsc shows '
               'it, as that module reads the card back and reports success only when the card shows the change')

    result = summarise(checks.items)
    result.update(found)
    if keep_documents:
        result['documents'] = {'status': status, 'configuration': configuration, 'rsc_configuration': rsc_config}
    return result


def _check_clock_entries(checks, where, block, reason):
    """The clocks list of the RSC block: one entry per clock with object-id and time-sync."""
    entries = block.get(m.RSC_CLOCKS) if isinstance(block, dict) else None
    list_where = '%s.%s[]' % (where, m.RSC_CLOCKS)
    for key, kind, allowed in m.RSC_CLOCK_ENTRY_KEYS:
        check_id = 'rsc_key.%s[].%s' % (m.RSC_CLOCKS, key)
        expected = TYPE_WORDS[kind] + (', one of %s' % ', '.join(allowed) if allowed else '')
        contract = '%s.%s: %s, in an entry per clock [assumed]' % (list_where, key, expected)
        if block is None:
            checks.add(check_id, contract, FAIL, 'not read: %s' % reason)
            continue
        if not isinstance(entries, list) or not entries:
            checks.add(check_id, contract, FAIL, 'not read: %s.%s is %s' % (where, m.RSC_CLOCKS, _json_type(entries)
                                                                            if entries != [] else 'an empty list'))
            continue
        problems, seen = [], []
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                problems.append('entry %d is %s' % (index, _json_type(entry)))
            elif key not in entry:
                problems.append('entry %d lacks %s; keys found: %s' % (index, key, keys_of(entry)))
            elif not _type_ok(entry[key], kind) or (allowed and str(entry[key]).strip().lower() not in allowed):
                problems.append('entry %d has %s %s, expected %s'
                                % (index, key, _named(entry[key], allowed, kind), expected))
            else:
                seen.append(_named(entry[key], allowed, kind))
        if problems:
            checks.add(check_id, contract, FAIL, '; '.join(problems))
        else:
            checks.add(check_id, contract, PASS, 'values: %s' % ', '.join(seen))


def summarise(items):
    """read_compatible, write_compatible and a one-line verdict from the checks."""
    by_id = dict((item['id'], item) for item in items)
    read_ids = [i for i in READ_CHECKS if i in by_id] + [i for i in by_id if i.startswith('rsc_key.')]
    read_failed = [by_id[i] for i in read_ids if by_id[i]['status'] == FAIL]
    write_failed = [by_id[i] for i in WRITE_CHECKS if i in by_id and by_id[i]['status'] == FAIL]
    read_ok = not read_failed
    write_ok = read_ok and not write_failed
    failed = [item for item in items if item['status'] == FAIL]
    passed = len([item for item in items if item['status'] == PASS])
    if write_ok:
        verdict = ('matches the contract: %d checks passed, none failed. rsc_info can read this chassis; the rsc write '
                   'path is readable with the expected keys, but the write itself stays unverified until a first '
                   'change' % passed)
    elif read_ok:
        verdict = ('reads match the contract, writes may not: %s: %s. rsc_info works; do not use rsc on this chassis '
                   'until this is settled (send a capture)' % (write_failed[0]['id'], write_failed[0]['detail']))
    else:
        verdict = ('does NOT match the contract: %d of %d checks failed, first %s: %s. Send a capture (playbook '
                   'meinberg.lantime.capture) so that the collection can learn this firmware'
                   % (len(failed), len(items), read_failed[0]['id'], read_failed[0]['detail']))
    return {'checks': items, 'read_compatible': read_ok, 'write_compatible': write_ok, 'verdict': verdict}


class _Replay:
    """A client that answers the checks' GET requests from documents already read: the redacted ones of a capture,
    so that the capture's api_check section is made from what the file holds and nothing else."""

    host = 'the capture'

    def __init__(self, documents):
        self.documents = documents

    def get(self, path):
        name = {m.STATUS_PATH: 'status', m.CONFIG_PATH: 'configuration'}.get(path, 'rsc_configuration')
        if self.documents.get(name) is None:
            raise LantimeError('GET %s could not be read when the capture was made' % path)
        return self.documents[name]


def run(client, capture=False, redact=True, capture_path=None, check_mode=False):
    """The whole api_check task: the checks and, with a capture_path, the capture file. GET requests only.

    The capture goes into the file (mode 0600, written atomically), never into the result: the result says only
    where it is, how big, and how many values of each kind redaction kept and replaced. In check mode the
    capture is built but not written.
    """
    if capture and not capture_path:
        raise TaskFailed('capture needs capture_path: a capture is written to a file (mode 0600), never returned '
                         'in the result')
    result = run_checks(client, keep_documents=bool(capture_path))
    documents = result.pop('documents', None)
    result['changed'] = False
    if capture_path:
        content = capture_file.build_capture(documents, lambda redacted: run_checks(_Replay(redacted)),
                                             COLLECTION_VERSION, redacted=redact)
        written = not check_mode
        size = len((json.dumps(content, indent=4, sort_keys=True) + '\n').encode('utf-8'))
        if written:
            try:
                size = capture_file.write_capture(capture_path, content)
            except capture_file.CaptureWriteError as exc:
                raise TaskFailed(str(exc), **result)
        result['changed'] = written
        result['capture'] = {'path': capture_path, 'written': written, 'bytes': size, 'mode': '0600',
                             'format': content['format'], 'redacted': content['redacted'],
                             'redaction': content['redaction']}
    return result


API_CHECK = TaskDefinition('api_check', dict(
    capture=dict(type='bool', default=False),
    capture_path=dict(type='path'),
    redact=dict(type='bool', default=True),
), lambda task: run(task.client, task.params['capture'], task.params['redact'], task.params['capture_path'],
                    task.check_mode))
