# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Internal to meinberg.lantime, not a public API: everything the collection assumes about the LTOS REST API, in one
place.

No public document shows how an IMS chassis reports its RSC card or how configuration is written.
Every path, key and spelling below that is marked ASSUMED comes from the project's API contract
(docs/api-contract.md) rather than a real device. When a real device disagrees, change this file
(and the simulator) and nothing else. Lines marked FACT were seen in real device replies.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from collections import namedtuple

# --- Reading ---------------------------------------------------------------------------------------
# FACT: the status tree and its envelope; sub-paths address list members by their object-id.
STATUS_PATH = '/api/status'
CHASSIS_STATUS_PATH = '/api/status/chassis0'
# ASSUMED: the configuration tree mirrors the status tree.
CONFIG_PATH = '/api/configuration'
# FACT (LTOS 7.08 and later): PUT with Basic credentials returns {"token": "..."}.
TOKEN_PATH = '/api/get-token'
TOKEN_METHOD = 'PUT'
TOKEN_KEY = 'token'

# FACT: envelope keys.
SYSTEM_INFORMATION = 'system-information'
DATA = 'data'
API_VERSION_KEY = 'API Version'  # the one key with a space and capitals, e.g. "LANTIME REST API V10.21.016"
FIRMWARE_KEY = 'version'  # in system-information, e.g. "fw_7.06.014-light"
ENVELOPE_KEYS = (SYSTEM_INFORMATION, DATA, 'changes', 'links')
STATUS_OBJECT_ID = 'status'
# FACT: data.rest-api.api-version of a full status read, e.g. "10.21.016" (absent from sub-path reads).
REST_API_KEY = 'rest-api'
REST_API_VERSION = 'api-version'

# FACT: versions. LTOS 7.06 is REST API 10.x, LTOS 7.08 is REST API 16.x; bearer tokens exist from LTOS 7.08.
MIN_API_MAJOR = 10
MIN_LTOS = (7, 6)
TOKEN_MIN_API_MAJOR = 16
TOKEN_MIN_LTOS = '7.08'
TOKEN_UNSUPPORTED_HINT = ('bearer tokens need LTOS %s (REST API %d) or later; on older firmware use username and '
                          'password instead of token' % (TOKEN_MIN_LTOS, TOKEN_MIN_API_MAJOR))
CHASSIS_KEY = 'chassis0'
SLOTS_KEY = 'slots'
OBJECT_ID = 'object-id'

# FACT: slot keys. An empty slot has no MODULE key; a slot with MODULE but no INFO holds no card we can name.
SLOT_ID = 'slot-id'
SLOT_TYPE = 'slot-type'
SLOT_POSITION = 'slot-position'
MODULE = 'module'
INFO = 'info'

# ASSUMED: slot ids are short words such as clk1, rsc or io12. Only such a plain id is ever put into a
# request path: a device-supplied "rsc/../../elsewhere" must not steer a request.
SLOT_ID_PATTERN = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$')

# ASSUMED: the slot types of an IMS chassis. Unknown types pass through untouched.
RSC_SLOT_TYPE = 'rsc'
CLOCK_SLOT_TYPE = 'clk'
CLOCK_IDS = ('clk1', 'clk2')
# FACT (LTOS 7 SNMP MIB): RSC card models are named rsc180, rsc180rdu, rsc180rdmp, rscrduttl, rsc2000, rsc180scu,
# rsc1000. A card is the RSC card when its slot type is RSC_SLOT_TYPE or its model starts with this prefix.
RSC_MODEL_PREFIX = 'rsc'

# FACT: the clock modules' own sync state, in each clock slot's module and at system level (data.system).
SYNC_STATUS = 'sync-status'
CLOCK_STATUS = 'clock-status'
CLOCK_STATUS_CLOCK = 'clock'
# FACT: each clock slot's sync-status.clock-idx; "selected" on the clock in use (seen on one-clock devices).
CLOCK_IDX = 'clock-idx'
CLOCK_IDX_SELECTED = 'selected'
# FACT: data.system.sync-status.reference names the reference in use, "<clock slot id>-<kind>" such as "clk1-gps".
SYSTEM_KEY = 'system'
SYNC_REFERENCE = 'reference'
SYNC_REFERENCE_PATTERN = re.compile(r'^(clk\d+)-', re.IGNORECASE)

# FACT: values that mean "unknown" in LTOS replies (besides null and trailing spaces).
UNKNOWN_VALUES = ('', 'n/a', 'unknown', 'never', '-')
UNKNOWN_NUMBERS = (-1,)

# ASSUMED: the RSC card's status block, under module.rsc of the RSC slot.
RSC_KEY = 'rsc'
RSC_SWITCH_MODE = 'switch-mode'
RSC_SELECTED_CLOCK = 'selected-clock'
RSC_FRONT_PANEL = 'front-panel'
RSC_PANEL_MODE = 'mode-switch'
RSC_PANEL_CLOCK = 'clock-switch'
RSC_OUTPUTS_ENABLED = 'outputs-enabled'
RSC_CLOCKS = 'clocks'
RSC_TIME_SYNC = 'time-sync'
RSC_TIME_LIMIT_ERROR = 'time-limit-error'
RSC_WATCHDOG_OK = 'watchdog-ok'
RSC_ACO = 'access-control-override'
RSC_SWITCHOVER_COUNT = 'switchover-count'
RSC_LAST_SWITCHOVER = 'last-switchover'

# ASSUMED: enum spellings (the collection never asks for ?raw).
MODE_AUTO = 'auto'
MODE_MANUAL = 'manual'
SWITCH_MODES = (MODE_AUTO, MODE_MANUAL)
# ASSUMED: the card's "no clock selected" state (outputs disabled; the SNMP MIB's noMaster) as the
# selected-clock value. Any of these spellings means no clock feeds the backplane.
NO_CLOCK_SELECTED = ('none', 'no-master', 'nomaster', 'no-clock')

# Every key the collection reads from the RSC block: (key, JSON type, allowed values or None). The front-panel
# and clocks entries hold the keys below them. meinberg.lantime.api_check tests each one on a live device.
RSC_READ_KEYS = (
    (RSC_SWITCH_MODE, 'str', SWITCH_MODES),
    (RSC_SELECTED_CLOCK, 'str', CLOCK_IDS + NO_CLOCK_SELECTED),
    (RSC_FRONT_PANEL, 'dict', None),
    (RSC_OUTPUTS_ENABLED, 'bool', None),
    (RSC_CLOCKS, 'list', None),
    (RSC_TIME_LIMIT_ERROR, 'bool', None),
    (RSC_WATCHDOG_OK, 'bool', None),
    (RSC_ACO, 'bool', None),
    (RSC_SWITCHOVER_COUNT, 'int', None),
    (RSC_LAST_SWITCHOVER, 'str', None),
)
RSC_PANEL_KEYS = (
    (RSC_PANEL_MODE, 'str', SWITCH_MODES),
    (RSC_PANEL_CLOCK, 'str', CLOCK_IDS),
)
RSC_CLOCK_ENTRY_KEYS = (
    (OBJECT_ID, 'str', CLOCK_IDS),
    (RSC_TIME_SYNC, 'bool', None),
)
# FACT: clock cards report sync-status.clock-status.clock, "synchronized" when locked.
CLOCK_SYNCHRONIZED = 'synchronized'

# --- Writing (all ASSUMED) -------------------------------------------------------------------------
# A write is a POST of a partial object (only the keys to change) to the object's configuration path;
# it applies at once, but the card's status shows the result only after a short settle time.
# Open questions (docs/api-contract.md): Meinberg's public commands are PUT with a {"parameters": {...}}
# body, and a change may need PUT /api/write to survive a reboot. Neither is shown for RSC settings, so
# the write stays as assumed; to adapt it, change WRITE_METHOD, WRITE_BODY_WRAPPER or rsc_config_path().
WRITE_METHOD = 'POST'
# None: the changed keys are the body. A key such as 'parameters': the body is {key: {changed keys}}.
WRITE_BODY_WRAPPER = None
# The keys a write may send (the configuration object must hold them).
RSC_WRITE_KEYS = (RSC_SWITCH_MODE, RSC_SELECTED_CLOCK)


def is_plain_slot_id(slot_id):
    return isinstance(slot_id, str) and SLOT_ID_PATTERN.match(slot_id) is not None


def _checked(slot_id):
    if not is_plain_slot_id(slot_id):
        raise ValueError('%r is not a plain slot id (letters, digits, "-" and "_")' % (slot_id,))
    return slot_id


def slot_status_path(slot_id):
    """Status sub-tree of one slot (FACT: object-id addressing)."""
    slot_id = _checked(slot_id)
    return '%s/%s/%s' % (CHASSIS_STATUS_PATH, SLOTS_KEY, slot_id)


def rsc_config_path(slot_id):
    """Configuration object of an RSC card (ASSUMED)."""
    slot_id = _checked(slot_id)
    return '%s/%s/%s/%s/%s/%s' % (CONFIG_PATH, CHASSIS_KEY, SLOTS_KEY, slot_id, MODULE, RSC_KEY)


def rsc_write_body(switch_mode=None, selected_clock=None):
    """The body a write sends: only the keys that change (ASSUMED spelling and shape)."""
    body = {}
    if switch_mode is not None:
        body[RSC_SWITCH_MODE] = switch_mode
    if selected_clock is not None:
        body[RSC_SELECTED_CLOCK] = selected_clock
    return {WRITE_BODY_WRAPPER: body} if WRITE_BODY_WRAPPER else body


# One write: rsc_card.apply_change() sends it with client.write(path, body, method=method).
WriteRequest = namedtuple('WriteRequest', 'method path body')


def rsc_write(slot_id, switch_mode=None, selected_clock=None):
    """Every detail of the RSC write in one place: WriteRequest(method, path, body), which rsc_card.apply_change()
    hands to client.write() whole."""
    return WriteRequest(WRITE_METHOD, rsc_config_path(slot_id), rsc_write_body(switch_mode, selected_clock))


def is_rsc_model(model):
    """True for the model name of an RSC card (any case, surrounding spaces ignored)."""
    return isinstance(model, str) and model.strip().lower().startswith(RSC_MODEL_PREFIX)


def reference_clock(reference):
    """The clock slot id a system sync-status reference names ("clk2-gps" -> "clk2"), or None."""
    match = SYNC_REFERENCE_PATTERN.match(reference.strip()) if isinstance(reference, str) else None
    return match.group(1).lower() if match else None


def is_api_disabled(status, method, body_text):
    """Tell "REST API disabled" apart from a plain permission refusal (ASSUMED).

    A disabled API answers 403 on every path; reads are allowed to every user level, so a 403 on a
    read means the API is off. On a write, a 403 is a permission problem unless the text says otherwise.
    """
    if status != 403:
        return False
    return method in ('GET', 'HEAD') or 'disabled' in (body_text or '').lower()
