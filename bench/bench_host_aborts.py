"""How often does a shared session host abort, with and without the neonize gate? (offline)

neonize's Go side keeps process-wide maps without locks: concurrent connect/stop can end
the whole process with `fatal error: concurrent map writes`. This drives one real session
host holding K real neonize clients through rounds of: add every account (a new client),
start them all at once (offline each dial fails within milliseconds), then remove them all
at once (stop) — half the rounds right after the starts, half once every dial has failed.
A host that aborts is counted and replaced. It runs `--seconds` per mode: "gated" (the
FfiGate that session hosts use) and "ungated" (a no-op gate: every call races).
Prints a JSON object as the last line.
"""
import argparse
import contextlib
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from wildcat.drivers import base  # noqa: E402
from workers.neonize.parent_host import SessionHostProcess  # noqa: E402

GATED = "workers.neonize.child_client:NeonizeClientSession"
UNGATED = "bench.bench_host_aborts:UngatedSession"


def _ungated_class():
    from workers.neonize.child_client import NeonizeClientSession

    class NoGate:
        exclusive_holds = 0

        @contextlib.contextmanager
        def shared(self):
            yield

        @contextlib.contextmanager
        def exclusive(self, what=""):
            yield

    class Ungated(NeonizeClientSession):
        def __init__(self, account_id, session_path, emit, gate=None):
            super().__init__(account_id, session_path, emit, NoGate())

    return Ungated


def __getattr__(name):   # loaded lazily in the child only: it imports neonize
    if name == "UngatedSession":
        return _ungated_class()
    raise AttributeError(name)


class Rounds:
    """Counts CONNECT_FAILED events per round and host deaths."""

    def __init__(self):
        self.cond = threading.Condition()
        self.failed = set()
        self.deaths = []

    def on_event(self, host, account_id, kind, data, final):
        if kind == base.CONNECT_FAILED:
            with self.cond:
                self.failed.add(account_id)
                self.cond.notify_all()

    def on_exit(self, host, reason):
        if reason == "died":
            with self.cond:
                self.deaths.append(host.pid)
                self.cond.notify_all()


def run_mode(factory, accounts, seconds, data_dir):
    rounds = Rounds()
    names = ["acct%d" % i for i in range(accounts)]
    aborts = completed = connects = 0
    ends = time.monotonic() + seconds
    host = None
    exit_codes = []
    while time.monotonic() < ends:
        if host is None or not host.running:
            host = SessionHostProcess(factory, "ERROR", on_event=rounds.on_event,
                                      on_exit=rounds.on_exit, heartbeat_timeout=60)
            host.start()
        deaths = len(rounds.deaths)
        with rounds.cond:
            rounds.failed.clear()
        try:
            for name in names:
                host.command(name, "add", os.path.join(data_dir, name + ".db"))
            for name in names:
                host.command(name, "start")
            connects += accounts
            if completed % 2:   # wait for every dial to fail, then stop them all
                with rounds.cond:
                    rounds.cond.wait_for(lambda: len(rounds.failed) == accounts
                                         or len(rounds.deaths) > deaths, timeout=20)
            removers = [threading.Thread(target=_remove, args=(host, name)) for name in names]
            for remover in removers:
                remover.start()
            for remover in removers:
                remover.join()
        except base.DriverError:
            pass
        if len(rounds.deaths) > deaths or not host.running:
            with rounds.cond:
                rounds.cond.wait_for(lambda: len(rounds.deaths) > deaths, timeout=10)
            aborts += 1
            host.stop()
            exit_codes.append(host._process.exitcode)
            host = None
            continue
        completed += 1
        if completed % 25 == 0:   # bound the leaked descriptors (one per failed connect)
            host.stop()
            host = None
    if host is not None:
        host.stop()
    return {"rounds": completed, "connects": connects, "host_aborts": aborts,
            "aborts_per_1000_connects": round(1000.0 * aborts / connects, 2) if connects else None,
            "abort_exit_codes": sorted(set(c for c in exit_codes if c is not None))}


def _remove(host, name):
    try:
        host.request(name, "remove", None, 10)
    except base.DriverError:
        pass


def main():
    import tempfile

    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=8, help="clients in the one host (K)")
    parser.add_argument("--seconds", type=float, default=120, help="per mode")
    parser.add_argument("--modes", default="ungated,gated")
    args = parser.parse_args()
    result = {"accounts_per_host": args.accounts, "seconds_per_mode": args.seconds}
    for mode in args.modes.split(","):
        with tempfile.TemporaryDirectory(prefix="wildcat-aborts-") as data_dir:
            figures = run_mode(GATED if mode == "gated" else UNGATED, args.accounts,
                               args.seconds, data_dir)
        print("%s: %d rounds, %d connects, %d host aborts (%s per 1000 connects)" % (
            mode, figures["rounds"], figures["connects"], figures["host_aborts"],
            figures["aborts_per_1000_connects"]), flush=True)
        result[mode] = figures
    print(json.dumps(result))


if __name__ == "__main__":
    main()
