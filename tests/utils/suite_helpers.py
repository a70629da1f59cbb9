# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""What the events suite (tests/events) and the installed-product suite (tests/installed) share: the simulator
process of tests/integration, and a wait for a condition with a deadline."""

import importlib.util
import time
from pathlib import Path

INTEGRATION_CONFTEST = Path(__file__).resolve().parents[1] / 'integration' / 'conftest.py'


def load_simulator_process(module_name):
    """tests/integration/conftest.py's SimulatorProcess, loaded under module_name (every suite's file is conftest)."""
    spec = importlib.util.spec_from_file_location(module_name, INTEGRATION_CONFTEST)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SimulatorProcess


def wait_until(condition, timeout, what, interval=0.1):
    """condition() until it returns something true, at most timeout seconds; fails the test with what.

    what is a text or a function that returns one (called only on failure).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError('timed out after %.0f s waiting for %s' % (timeout, what() if callable(what) else what))
        time.sleep(interval)
