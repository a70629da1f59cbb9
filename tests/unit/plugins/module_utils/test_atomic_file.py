# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The one writer of whole files (atomic_file): mode, links, directory sync, clean-up, and private directories."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

import pytest

from ansible_collections.meinberg.lantime.plugins.action import rsc_report
from ansible_collections.meinberg.lantime.plugins.module_utils import atomic_file
from ansible_collections.meinberg.lantime.plugins.module_utils import capture


@pytest.fixture
def synced(monkeypatch):
    """The paths whose descriptors were flushed with fsync, in order."""
    opened = {}
    seen = []
    real_open, real_fsync = os.open, os.fsync

    def fake_open(path, flags, *args, **kwargs):
        handle = real_open(path, flags, *args, **kwargs)
        opened[handle] = os.fspath(path)
        return handle

    def fake_fsync(handle):
        seen.append(opened.get(handle))
        return real_fsync(handle)

    monkeypatch.setattr(os, 'open', fake_open)
    monkeypatch.setattr(os, 'fsync', fake_fsync)
    return seen


def test_text_and_bytes_are_written_whole_with_the_mode_whatever_the_umask(tmp_path):
    old_umask = os.umask(0o077)
    try:
        assert atomic_file.write_atomic(str(tmp_path / 'a.txt'), 'é\n', 0o644) == 3
        assert atomic_file.write_atomic(str(tmp_path / 'b.bin'), b'\x00\x01') == 2
    finally:
        os.umask(old_umask)
    assert (tmp_path / 'a.txt').read_bytes() == 'é\n'.encode('utf-8')
    assert stat.S_IMODE((tmp_path / 'a.txt').stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / 'b.bin').stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ['a.txt', 'b.bin']


def test_a_link_at_the_target_is_replaced_never_followed(tmp_path):
    victim = tmp_path / 'victim.conf'
    victim.write_text('keep')
    link = tmp_path / 'report.json'
    link.symlink_to(victim)
    atomic_file.write_atomic(str(link), 'new')
    assert victim.read_text() == 'keep' and not link.is_symlink() and link.read_text() == 'new'
    (tmp_path / 'gone.json').symlink_to(victim)
    atomic_file.remove(str(tmp_path / 'gone.json'))
    atomic_file.remove(str(tmp_path / 'never-there.json'))
    assert victim.read_text() == 'keep' and not os.path.lexists(str(tmp_path / 'gone.json'))


def test_the_file_and_then_its_directory_are_flushed_to_disk(tmp_path, synced):
    atomic_file.write_atomic(str(tmp_path / 'r.json'), 'x')
    assert len(synced) == 2 and os.path.basename(synced[0]).startswith('.r.json.') and synced[1] == str(tmp_path)


@pytest.mark.parametrize('writer', ['capture', 'report'])
def test_both_writers_of_the_collection_use_it(tmp_path, synced, writer):
    if writer == 'capture':
        capture.write_capture(str(tmp_path / 'ims1.json'), {'x': 1})
    else:
        rsc_report.write_atomic(str(tmp_path / 'r.json'), 'x')
    # the temporary file, then the directory
    assert len(synced) == 2 and synced[0].endswith('.tmp') and synced[1] == str(tmp_path)


@pytest.mark.parametrize('failing', ['fsync', 'chmod', 'replace'])
def test_a_failure_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch, failing):
    target = tmp_path / 'r.json'
    target.write_text('old')

    def fail(*args, **kwargs):
        raise OSError(28, 'No space left on device')

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(atomic_file.AtomicFileError, match='No space left on device'):
        atomic_file.write_atomic(str(target), 'new')
    monkeypatch.undo()
    assert target.read_text() == 'old' and [p.name for p in tmp_path.iterdir()] == ['r.json']


def test_a_missing_directory_is_created_for_its_owner_only(tmp_path):
    old_umask = os.umask(0)
    try:
        made = atomic_file.private_directory(str(tmp_path / 'x' / 'y'))
    finally:
        os.umask(old_umask)
    assert made == str(tmp_path / 'x' / 'y')
    assert [stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / 'x', tmp_path / 'x' / 'y')] == [0o755, 0o755]
    assert atomic_file.private_directory(made) == made


@pytest.mark.parametrize('mode, words', [(0o775, 'writable by its group'), (0o757, 'writable by others'),
                                         (0o1777, 'writable by group and others (mode 1777)')])
def test_a_directory_others_can_write_is_refused(tmp_path, mode, words):
    os.chmod(str(tmp_path), mode)
    with pytest.raises(atomic_file.AtomicFileError) as caught:
        atomic_file.private_directory(str(tmp_path))
    assert words in str(caught.value) and str(tmp_path) in str(caught.value) and 'chmod go-w' in str(caught.value)


def test_a_directory_of_another_user_is_refused(tmp_path):
    os.chown(str(tmp_path), 65534, 65534)
    with pytest.raises(atomic_file.AtomicFileError, match='owned by uid 65534'):
        atomic_file.private_directory(str(tmp_path))
    with pytest.raises(atomic_file.AtomicFileError, match='is not a directory'):
        (tmp_path.parent / 'file').write_text('')
        atomic_file.private_directory(str(tmp_path.parent / 'file'))
