# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The one rule for output paths: relative to the controller's working directory."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible_collections.meinberg.lantime.plugins.plugin_utils.paths import OutputPathError, output_path


def test_a_relative_path_is_taken_from_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(str(tmp_path))
    monkeypatch.setenv('PWD', '/somewhere/else')
    assert output_path('reports/a.json', 'json') == os.path.join(str(tmp_path), 'reports', 'a.json')
    assert output_path('/abs/a.json', 'json') == '/abs/a.json'
    assert output_path('~/a.json', 'json') == os.path.join(os.path.expanduser('~'), 'a.json')


def test_a_link_in_the_path_is_kept_and_unset_is_none(tmp_path, monkeypatch):
    (tmp_path / 'real').mkdir()
    (tmp_path / 'link').symlink_to(tmp_path / 'real')
    monkeypatch.chdir(str(tmp_path))
    assert output_path('link', 'json') == os.path.join(str(tmp_path), 'link')
    assert output_path('', 'json') is None and output_path(None, 'json') is None


def test_not_a_path_names_the_option():
    with pytest.raises(OutputPathError, match='capture_path must be a path, got list'):
        output_path(['a'], 'capture_path')
