# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The helper that finds print_event's events in ansible-rulebook's stdout: a missed event fails a test by timeout."""

from conftest import printed_event

EVENT = {'meta': {'uuid': '4beff47b'}, 'lantime': {'type': 'startup', 'chassis': 'ims-a', 'error': 'a } in a text'}}
LOG = '2026-11-29 12:21:32,859 - urllib3.connectionpool - DEBUG - http://127.0.0.1:45145 "GET / HTTP/1.1" 200 3668'


def test_a_whole_line_is_the_event():
    assert printed_event(repr(EVENT)) == EVENT


def test_a_log_line_written_between_the_event_and_its_newline_is_left_out():
    assert printed_event(repr(EVENT) + LOG) == EVENT
    assert printed_event(repr(EVENT) + LOG + ' {}') == EVENT


def test_other_lines_hold_no_event():
    assert printed_event(LOG) is None
    assert printed_event("{'lantime': {'after': 'clk1',") is None  # the first line of the -vv pretty dump
    assert printed_event(repr(EVENT)[:-1]) is None  # still being written
    assert printed_event("{'lantime': 'startup'}") is None
