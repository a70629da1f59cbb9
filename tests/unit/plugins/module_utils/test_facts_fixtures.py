# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The normaliser over whole real-format /api/status documents (the project's fixtures shaped like real devices)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

from ansible_collections.meinberg.lantime.plugins.module_utils import facts
from ansible_collections.meinberg.lantime.plugins.module_utils import rules

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', '..', '..', 'simulator', 'fixtures')


def load(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return json.load(handle)


@pytest.mark.parametrize('name, model, api', [
    ('m600-gnss.status.json', 'M600', 'LANTIME REST API V20'),
    ('m300-dcf77.status.json', 'M300', 'LANTIME REST API V10.21.016'),
])
def test_non_modular_devices(name, model, api):
    device, slots = facts.chassis_facts(load(name))
    assert device['model'] == model and device['api_version'].startswith(api)
    assert device['serial_number'] == device['serial_number'].strip()
    fitted = [s['slot_id'] for s in facts.select_slots(slots)]
    assert {'clk1', 'cpu', 'pwr1'} <= set(fitted)
    assert 'clk2' not in fitted and 'pwr2' not in fitted  # empty, and a PSU bay without info
    for slot in slots:
        for key in ('serial_number', 'software_revision', 'model'):
            value = slot[key]
            assert value is None or (value == value.strip() and value.lower() not in ('n/a', 'unknown', ''))
    clock = [s for s in slots if s['slot_id'] == 'clk1'][0]
    assert clock['slot_type'] == 'clk' and clock['clock_status'] == 'synchronized'
    with pytest.raises(facts.ReplyShapeError, match='no RSC card in this chassis'):
        facts.find_rsc(facts.chassis_of(load(name))['slots'])


def test_ims_chassis_with_rsc():
    document = load('ims-m3000-rsc.status.json')
    slot, clocks = facts.find_rsc(facts.chassis_of(document)['slots'])
    rsc = rules.assess(facts.card_facts(slot, clocks))
    assert (rsc['switch_mode'], rsc['selected_clock'], rsc['switchover_count']) == ('auto', 'clk2', 3)
    assert rsc['last_switchover'] == '2026-05-14T03:12:40'
    assert rsc['clocks']['clk1']['model'] == 'gns181' and rsc['clocks']['clk2']['model'] == 'gps180'
    assert rsc['failover_ready'] is True and rsc['alarms'] == []
    device, slots = facts.chassis_facts(document)
    by_id = dict((s['slot_id'], s) for s in slots)
    assert by_id['io3']['fitted'] is False and by_id['esi1']['fitted'] is False
    assert by_id['io4']['model'] == 'vsg181'  # an unknown card type passes through
    assert device['model'] == 'M3000'
