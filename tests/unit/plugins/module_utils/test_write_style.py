# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The write styles, the Allow header, the refusal's hint and the write trace's redaction (no HTTP, no Ansible)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map
from ansible_collections.meinberg.lantime.plugins.module_utils import rsc_card
from ansible_collections.meinberg.lantime.plugins.module_utils import write_trace


def test_the_three_styles():
    assert api_map.WRITE_STYLE_NAMES == ('post', 'put', 'put-parameters')
    bodies = [api_map.rsc_write('rsc', 'manual', 'clk2', style=name) for name in api_map.WRITE_STYLE_NAMES]
    assert [(w.method, w.body) for w in bodies] == [
        ('POST', {'switch-mode': 'manual', 'selected-clock': 'clk2'}),
        ('PUT', {'switch-mode': 'manual', 'selected-clock': 'clk2'}),
        ('PUT', {'parameters': {'switch-mode': 'manual', 'selected-clock': 'clk2'}})]
    with pytest.raises(ValueError):
        api_map.rsc_write('rsc', 'manual', style='patch')


@pytest.mark.parametrize('header, methods', [
    (None, None),
    ('', ()),
    ('GET, POST', ('GET', 'POST')),
    ('post,get ,  OPTIONS', ('GET', 'OPTIONS', 'POST')),
    ('PUT<x>, DROP TABLE, secret=1', ()),
    ('x' * 600 + ', PUT', ()),  # beyond the first 512 characters: not read
    (b'GET', None),
])
def test_allow_header(header, methods):
    assert api_map.allowed_methods(header) == methods


def request(style):
    return api_map.rsc_write('rsc', 'manual', style=style)


@pytest.mark.parametrize('style, status, allow, expected', [
    ('post', 405, 'GET, PUT', 'the device allows GET, PUT on this object; try write_style put or put-parameters'),
    ('put', 405, 'GET, POST', 'try write_style post ('),
    ('post', 405, None, 'no Allow header); try write_style put or put-parameters'),
    ('put', 400, 'GET, PUT', 'try write_style put-parameters ('),
    ('put', 400, None, 'try write_style post or put-parameters'),
    ('post', 405, 'GET', 'no write_style of this collection matches'),
    ('post', 405, '<b>nonsense</b>', 'its Allow header names no known method; try write_style put or put-parameters'),
])
def test_refusal_hint(style, status, allow, expected):
    hint = rsc_card.refusal_hint(request(style), status, {'Allow': allow} if allow is not None else {})
    assert expected in hint and 'lantime_write_style' in hint or 'no write_style' in hint
    assert 'nonsense' not in hint and 'sent once and not repeated' in hint


@pytest.mark.parametrize('status', [None, 200, 401, 403, 409, 500, 503])
def test_no_hint_for_other_statuses(status):
    assert rsc_card.refusal_hint(request('post'), status, {'Allow': 'GET, PUT'}) is None


def test_the_trace_keeps_only_allow_listed_headers_and_redacts_the_body():
    trace = write_trace.WriteTrace(request('put'), 'rsc', {'switch_mode': 'manual', 'selected_clock': None},
                                   {'firmware': 'fw_7.08.004', 'pending_changes': 0}, '0.3.0', clock=lambda: 100.0)
    trace.watch(object())
    body = {'data': {'switch-mode': 'manual', 'selected-clock': 'clk1', 'note': 'pw=S3cret'},
            'system-information': {'hostname': 'ims1.example.net', 'version': 'fw_7.08.004'}}
    trace.replied({'status': 200, 'content': json.dumps(body).encode(),
                   'headers': {'set-cookie': 's=SESSION42', 'Authorization': 'Basic QQ==', 'allow': 'GET, PUT, evil',
                               'Content-Type': 'application/json', 'Content-Length': '12 bogus'}}, False)
    document = trace.document('changed')
    text = json.dumps(document)
    for secret in ('SESSION42', 'QQ==', 'S3cret', 'ims1.example.net', 'evil', 'bogus'):
        assert secret not in text, secret
    assert document['reply']['headers'] == {'Allow': 'GET, PUT', 'Content-Type': 'application/json'}
    assert document['reply']['headers_not_kept'] == 3
    assert document['reply']['body']['redacted']['data']['switch-mode'] == 'manual'
    assert document['request']['write_style'] == 'put' and document['pending_changes'] == {'before': 0, 'after': None}


def test_a_reply_that_never_came_and_one_that_is_no_json():
    trace = write_trace.WriteTrace(request('post'), 'rsc', {'switch_mode': 'manual'}, {}, '0.3.0')
    trace.replied({}, True)
    assert trace.reply == {'status': None, 'received': False, 'failed': True}
    trace.replied({'status': 502, 'headers': {}, 'content': b'<html>Adm1n</html>'}, True)
    assert trace.reply['body'] == {'kind': 'not JSON', 'bytes': 18}


def test_a_404_hint_also_names_the_configuration_path():
    request = api_map.rsc_write('scu1', switch_mode='manual')
    hint = rsc_card.refusal_hint(request, 404, {})
    assert 'may also mean that the configuration path %s is wrong' % request.path in hint
    assert 'try write_style' in hint
    assert 'configuration path' not in rsc_card.refusal_hint(request, 405, {'Allow': 'GET, PUT'})
