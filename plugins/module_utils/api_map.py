# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Everything the collection assumes about the LTOS REST API, in one place.

No public document shows how an IMS chassis reports its RSC card or how configuration is written.
Every path, key and spelling below that is marked ASSUMED comes from the project's API contract
(docs/api-contract.md) rather than a real device. When a real device disagrees, change this file
(and the simulator) and nothing else. Lines marked FACT were seen in real device replies.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

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
API_VERSION_KEY = 'API Version'  # the one key with a space and capitals
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
# FACT: clock cards report sync-status.clock-status.clock, "synchronized" when locked.
CLOCK_SYNCHRONIZED = 'synchronized'

# --- Writing (all ASSUMED) -------------------------------------------------------------------------
# A write is a POST of a partial object (only the keys to change) to the object's configuration path;
# it applies at once, but the card's status shows the result only after a short settle time.
WRITE_METHOD = 'POST'


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
    """The partial object a write sends: only the keys that change (ASSUMED spelling)."""
    body = {}
    if switch_mode is not None:
        body[RSC_SWITCH_MODE] = switch_mode
    if selected_clock is not None:
        body[RSC_SELECTED_CLOCK] = selected_clock
    return body


def is_api_disabled(status, method, body_text):
    """Tell "REST API disabled" apart from a plain permission refusal (ASSUMED).

    A disabled API answers 403 on every path; reads are allowed to every user level, so a 403 on a
    read means the API is off. On a write, a 403 is a permission problem unless the text says otherwise.
    """
    if status != 403:
        return False
    return method in ('GET', 'HEAD') or 'disabled' in (body_text or '').lower()
