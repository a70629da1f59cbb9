# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Internal to meinberg.lantime, not a public API: write a file on the controller whole or not at all, and check that a
directory for such files belongs to the user alone.

write_atomic() writes to a temporary file in the target's directory, flushes it to disk, sets its mode and renames
it over the target, then flushes the directory. A reader sees the old file or the whole new one, never a part. A
symbolic link at the target is replaced as a link: its target is never opened, written or removed. On any failure
the temporary file is removed and the target is left as it was.

private_directory() creates a missing directory (never writable by group or others) and refuses one that another
user owns or that group or others may write to: such a user could plant links or swap files in it.
Pure Python, no Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat
import tempfile


class AtomicFileError(Exception):
    """A file or directory could not be written or is not safe to write to; str() is the reason, not the path."""


def write_atomic(path, data, mode=0o600):
    """Replace path with data (bytes, or text written as UTF-8) with the given mode; return the number of bytes.

    Raises AtomicFileError with the reason (the caller names the file in its own words).
    """
    if not isinstance(data, bytes):
        data = data.encode('utf-8')
    # abspath, never realpath: a link at the path is replaced, not followed.
    path = os.path.abspath(path)
    directory = os.path.dirname(path)
    temporary = None
    try:
        # mkstemp creates the file 0600 whatever the umask, with O_EXCL: nobody else's file or link is opened.
        handle, temporary = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), suffix='.tmp', dir=directory)
        with os.fdopen(handle, 'wb') as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
        temporary = None
    except (OSError, IOError) as exc:
        raise AtomicFileError(exc.strerror or str(exc))
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass
    sync_directory(directory)
    return len(data)


def remove(path):
    """Remove path if it is there; a link is removed itself, never its target. Raises AtomicFileError."""
    try:
        os.unlink(os.path.abspath(path))
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise AtomicFileError(exc.strerror or str(exc))


def sync_directory(directory):
    """So that a rename survives a crash of the machine (best effort: not every file system allows it)."""
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _make_directories(directory, mode):
    missing = []
    while not os.path.lexists(directory):
        missing.append(directory)
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    for name in reversed(missing):
        try:
            os.mkdir(name, mode)
        except FileExistsError:
            pass


def private_directory(directory, mode=0o755):
    """Make sure directory exists and only the effective user can change what is in it; return its absolute path.

    A missing directory (and any missing parent) is created with mode, less the umask, and never writable by group
    or others. An existing one must be owned by the effective user and not writable by group or others; if the
    directory is given as a symbolic link, the link must be the user's too. Raises AtomicFileError that says what
    is wrong and what to do.
    """
    directory = os.path.abspath(directory)
    try:
        _make_directories(directory, mode & 0o755)
        link = os.lstat(directory)
        info = os.stat(directory)
    except OSError as exc:
        raise AtomicFileError('cannot create the directory %s: %s' % (directory, exc.strerror or exc))
    user = os.geteuid()
    if not stat.S_ISDIR(info.st_mode):
        raise AtomicFileError('%s is not a directory' % directory)
    if stat.S_ISLNK(link.st_mode) and link.st_uid != user:
        what = 'is a symbolic link owned by uid %d' % link.st_uid
    elif info.st_uid != user:
        what = 'is owned by uid %d' % info.st_uid
    elif info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        what = 'is writable by %s (mode %04o)' % (
            'group and others' if info.st_mode & stat.S_IWGRP and info.st_mode & stat.S_IWOTH
            else 'others' if info.st_mode & stat.S_IWOTH else 'its group', stat.S_IMODE(info.st_mode))
    else:
        return directory
    raise AtomicFileError(
        'refusing the directory %s: it %s. Only a directory that the user running this (uid %d) owns and nobody else '
        'can write is safe, as another user could put links or files into it. Use a directory of your own, for '
        'example a new subdirectory (it is created for you), or fix this one (chown it to uid %d, chmod go-w)'
        % (directory, what, user, user))
