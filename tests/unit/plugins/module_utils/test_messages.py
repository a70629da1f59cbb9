# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""What a missing host or credential says, and warnings that name the inventory host."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.meinberg.lantime.plugins.module_utils import connection
from ansible_collections.meinberg.lantime.plugins.module_utils.runner import named_warnings

NO_CREDENTIALS = ('no credentials: set username and password (or token) on the task, as host variables '
                  'lantime_username/lantime_password (or lantime_token), or in LANTIME_USERNAME/LANTIME_PASSWORD '
                  '(or LANTIME_TOKEN)')
NO_HOST = ('no device address: set host on the task, as the host variable lantime_host, or in LANTIME_HOST (the '
           'inventory plugin meinberg.lantime.ims sets lantime_host for every slot host)')


@pytest.mark.parametrize('params, message', [
    ({'host': 'ims1', 'username': 'a', 'password': 'b'}, None),
    ({'host': 'ims1', 'token': 't'}, None),
    ({'host': 'ims1'}, NO_CREDENTIALS),
    ({'username': 'a', 'password': 'b'}, NO_HOST),
    ({}, NO_HOST + '; ' + NO_CREDENTIALS),
    ({'host': 'ims1', 'username': 'a'}, 'username is set but password is not: set password on the task, as the host '
                                        'variable lantime_password, or in LANTIME_PASSWORD'),
    ({'host': 'ims1', 'password': 'b', 'token': 't'}, 'password is set but username is not: set username on the '
                                                      'task, as the host variable lantime_username, or in '
                                                      'LANTIME_USERNAME'),
])
def test_a_missing_option_says_where_it_was_looked_for(params, message):
    assert connection.missing_options(params) == message


def test_no_connection_option_is_required_by_the_argument_spec():
    assert [name for name, entry in connection.argument_spec().items() if entry.get('required')] == []


def test_warnings_name_the_inventory_host_before_the_address():
    warnings = ['127.0.0.1:28101, slot rsc: redundancy is weakened: clk2 not synchronized.',
                '127.0.0.1:28101: the credentials go over plain HTTP',
                'something else']
    assert named_warnings(warnings, '127.0.0.1:28101', 'chassis1_rsc') == [
        'chassis1_rsc (127.0.0.1:28101, slot rsc): redundancy is weakened: clk2 not synchronized.',
        'chassis1_rsc (127.0.0.1:28101): the credentials go over plain HTTP',
        'chassis1_rsc: something else']
    assert named_warnings(warnings, '127.0.0.1:28101', None) == warnings


@pytest.mark.parametrize('address, text, named', [
    # another device whose address starts with this one's: not this address
    ('10.0.0.1', '10.0.0.12: retrying', 'ims1_rsc: 10.0.0.12: retrying'),
    ('10.0.0.1', '10.0.0.1, slot : odd', 'ims1_rsc: 10.0.0.1, slot : odd'),
    ('10.0.0.1', '10.0.0.1, slot rsc without a colon', 'ims1_rsc: 10.0.0.1, slot rsc without a colon'),
    (None, 'no client yet', 'ims1_rsc: no client yet'),
    ('10.0.0.1', '', 'ims1_rsc: '),
])
def test_naming_a_warning_never_loses_or_misplaces_its_text(address, text, named):
    assert named_warnings([text], address, 'ims1_rsc') == [named]


def test_a_host_named_by_its_address_is_not_named_twice():
    assert named_warnings(['10.0.0.1: retrying'], '10.0.0.1', '10.0.0.1') == ['10.0.0.1: retrying']
    assert named_warnings(None, '10.0.0.1', 'ims1_rsc') == []
