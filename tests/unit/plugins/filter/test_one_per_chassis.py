# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The filter meinberg.lantime.one_per_chassis: which host stands for each chassis."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.meinberg.lantime.plugins.filter.one_per_chassis import one_per_chassis

HOSTVARS = {
    'ims1_clk1': {'lantime_chassis': 'ims1'}, 'ims1_rsc': {'lantime_chassis': 'ims1'},
    'ims2_clk2': {'lantime_chassis': 'ims2'}, 'ims2_clk1': {'lantime_chassis': 'ims2'},
    'plain': {}, 'empty': {'lantime_chassis': ''},
}


@pytest.mark.parametrize('hosts, preferred, picked', [
    (['ims1_clk1', 'ims1_rsc', 'ims2_clk2', 'ims2_clk1'], [], ['ims1_clk1', 'ims2_clk2']),
    (['ims1_clk1', 'ims1_rsc', 'ims2_clk2', 'ims2_clk1'], ['ims1_rsc'], ['ims1_rsc', 'ims2_clk2']),
    (['ims2_clk1', 'ims1_clk1'], ['ims1_rsc'], ['ims2_clk1', 'ims1_clk1']),
    (['plain', 'empty', 'unknown'], [], ['plain', 'empty', 'unknown']),
    ([], ['ims1_rsc'], []),
])
def test_one_host_per_chassis(hosts, preferred, picked):
    assert one_per_chassis(hosts, HOSTVARS, preferred) == picked


def test_a_pattern_string_is_refused():
    with pytest.raises(AnsibleFilterError):
        one_per_chassis('ims1_rsc', HOSTVARS)
