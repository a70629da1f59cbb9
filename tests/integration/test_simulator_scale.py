# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Many devices in one process: start time, concurrent answers, fixed ports, clean stops."""

import concurrent.futures
import random
import signal
import socket
import threading
import time

import pytest
import requests

DEVICES = 500


def test_500_devices_start_and_answer_concurrently(simulator_factory):
    proc = simulator_factory("--devices", str(DEVICES), start_timeout=60)
    print("\n%d devices ready after %.2f s" % (DEVICES, proc.start_seconds))
    assert len(proc.devices) == DEVICES
    assert len({d["url"] for d in proc.devices}) == DEVICES
    assert len({d["serial"] for d in proc.devices}) == DEVICES
    assert len({d["hostname"] for d in proc.devices}) == DEVICES

    local = threading.local()

    def fetch(index):
        if not hasattr(local, "session"):
            local.session = requests.Session()
            local.session.trust_env = False
        reply = local.session.get(proc.url(index) + "/api/status/chassis0", auth=("admin", "admin"), verify=proc.ca_cert, timeout=30)
        return index, reply.status_code, reply.json()["system-information"]["serial-number"]

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(fetch, range(DEVICES), timeout=60))
    elapsed = time.monotonic() - started
    print("%d answers from 32 threads in %.2f s" % (len(results), elapsed))
    assert [result[1] for result in results] == [200] * DEVICES
    assert [result[2] for result in results] == [d["serial"] for d in proc.devices]
    assert proc.stats(DEVICES - 1)["counts"] == {"GET /api/status/chassis0": 1}


def _free_port_run(count):
    """A base port with ``count`` free ports after it (checked by binding; another process may still race us)."""
    for dummy in range(50):
        base = random.randint(20000, 60000 - count)
        sockets = []
        try:
            for offset in range(count):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(("127.0.0.1", base + offset))
            return base
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    pytest.skip("no run of free ports found")
    return None


def test_fixed_port_gives_device_i_port_plus_i(simulator_factory):
    base = _free_port_run(3)
    proc = simulator_factory("--no-tls", "--devices", "3", "--listen", "127.0.0.1:%d" % base)
    assert [d["url"] for d in proc.devices] == ["http://127.0.0.1:%d" % (base + i) for i in range(3)]
    assert requests.get(proc.url(2) + "/api/status", auth=("admin", "admin"), timeout=10).status_code == 200


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stops_cleanly_on_signal_with_open_connections(simulator_factory, sig):
    proc = simulator_factory("--no-tls", "--devices", "3")
    session = requests.Session()
    assert session.get(proc.url() + "/api/status", auth=("admin", "admin"), timeout=10).status_code == 200
    started = time.monotonic()
    assert proc.stop(sig) == 0  # an idle keep-alive connection does not hold the process
    assert time.monotonic() - started < 5
    assert "Traceback" not in proc.stderr_text()
    session.close()


def test_one_device_under_concurrent_reads_and_writes(sim):
    def worker(number):
        with requests.Session() as session:
            session.auth = sim.auth()
            statuses = []
            for step in range(15):
                if step % 5 == 0:
                    clock = "clk1" if (number + step) % 2 else "clk2"
                    reply = session.post(sim.url() + "/api/configuration/chassis0/slots/rsc/module/rsc",
                                         json={"selected-clock": clock}, timeout=30)
                else:
                    reply = session.get(sim.url() + "/api/status/chassis0", timeout=30)
                    assert reply.json()["data"]["slots"][5]["module"]["rsc"]["switch-mode"] == "auto"
                statuses.append(reply.status_code)
            return statuses

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(worker, range(16), timeout=60))
    assert all(status == 200 for statuses in results for status in statuses)
    counts = sim.stats()["counts"]
    assert counts == {"GET /api/status/chassis0": 16 * 12, "POST /api/configuration/chassis0/slots/rsc/module/rsc": 16 * 3}
