#!/usr/bin/env python3
"""Crash consistency of the registry with persistence.

Each cycle starts spawner-master with sqlite-store, spawner-registry and auth, checks that
every acknowledged registration and deletion of earlier cycles is reflected, drives
registrations, heartbeats and deletions from several clients that record every
acknowledged operation, and kills the host with SIGKILL at a random moment. Ids handed out
must never repeat. Prints the totals; exits non-zero if a single acknowledged write was lost
or an id was reused.

  crash_consistency.py --build BUILD_DIR [--cycles 100] [--seed N] [--clients 6]
"""
import argparse
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time

API_KEY = "crash-consistency-key-0123456789abcdef"
OPERATOR_KEY = "crash-consistency-operator-key-0123456789"  # listing needs an operator


def start_host(build, work):
    ready = os.path.join(work, "ready.json")
    if os.path.exists(ready):
        os.remove(ready)
    env = dict(os.environ, MASTER_API_KEY=API_KEY, ADMIN_PASSWORD="crash-test-password-123")
    log = open(os.path.join(work, "host.log"), "ab")
    process = subprocess.Popen(
        [os.path.join(build, "bin", "spawner-master"), "--config", "plugins.yaml",
         "--ready-file", ready], cwd=work, env=env, stdout=log, stderr=log)
    deadline = time.time() + 60
    while time.time() < deadline:
        if os.path.exists(ready):
            with open(ready) as f:
                return process, json.load(f)["port"]
        if process.poll() is not None:
            raise RuntimeError("host exited at start-up; see " + os.path.join(work, "host.log"))
        time.sleep(0.02)
    process.kill()
    raise RuntimeError("host did not start in time")


class Journal:
    """What the clients were told: the only truth the check may rely on."""

    def __init__(self):
        self.lock = threading.Lock()
        self.registered = {}  # id -> cycle acknowledged
        self.deleted = set()
        self.deleting = set()  # sent, not (yet) acknowledged: may or may not have happened
        self.ids_seen = set()
        self.reused = []
        self.acknowledged = 0
        self.heartbeats = 0

    def live_ids(self):
        with self.lock:
            return [i for i in self.registered if i not in self.deleted]


def request(connection, method, path, body=None, key=API_KEY):
    headers = {"X-API-Key": key}
    if body is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(body)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def drive(port, journal, cycle, stop, rng_seed):
    rng = random.Random(rng_seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    while not stop.is_set():
        try:
            choice = rng.random()
            live = journal.live_ids()
            if choice < 0.55 or not live:
                status, body = request(connection, "POST", "/api/spawners", {
                    "region": rng.choice(["eu-west", "us-east", "ap-south"]),
                    "host": "10.0.%d.%d" % (rng.randrange(256), rng.randrange(256)),
                    "port": rng.randrange(1024, 65535), "max_instances": 10,
                    "current_instances": 0, "status": "ready"})
                if status == 201:
                    new_id = json.loads(body)["id"]
                    with journal.lock:
                        if new_id in journal.ids_seen:
                            journal.reused.append(new_id)
                        journal.ids_seen.add(new_id)
                        journal.registered[new_id] = cycle
                        journal.acknowledged += 1
            elif choice < 0.85:
                target = rng.choice(live)
                status, _ = request(connection, "POST", "/api/spawners/%d/heartbeat" % target,
                                    {"current_instances": rng.randrange(11),
                                     "max_instances": 10, "status": "ready"})
                if status == 200:
                    with journal.lock:
                        journal.heartbeats += 1
            else:
                target = rng.choice(live)
                with journal.lock:
                    journal.deleting.add(target)
                status, _ = request(connection, "DELETE", "/api/spawners/%d" % target)
                with journal.lock:
                    if status == 200:
                        journal.deleted.add(target)
                        journal.acknowledged += 1
                    if status in (200, 404):
                        journal.deleting.discard(target)
        except (OSError, http.client.HTTPException, ValueError):
            # The host died under us: this request's outcome is unknown and not recorded.
            return


def verify(port, journal):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    status, body = request(connection, "GET", "/api/spawners", key=OPERATOR_KEY)
    if status != 200:
        raise RuntimeError("listing failed with %d: %s" % (status, body[:200]))
    present = {spawner["id"] for spawner in json.loads(body)}
    with journal.lock:
        lost_registrations = [i for i in journal.registered
                              if i not in journal.deleted and i not in journal.deleting
                              and i not in present]
        # A deletion whose answer never came either happened or not; now we know which.
        for i in list(journal.deleting):
            if i not in present:
                journal.deleted.add(i)
            journal.deleting.discard(i)
        resurrected = [i for i in journal.deleted if i in present]
    return lost_registrations, resurrected


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", required=True)
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--min-run", type=float, default=0.2)
    parser.add_argument("--max-run", type=float, default=1.5)
    args = parser.parse_args()
    build = os.path.abspath(args.build)
    rng = random.Random(args.seed)
    journal = Journal()
    lost = []
    with tempfile.TemporaryDirectory(prefix="sr-crash-") as work:
        with open(os.path.join(work, "plugins.yaml"), "w") as f:
            f.write("server:\n  bind: 127.0.0.1\n  port: 0\n"
                    "plugins:\n"
                    "  - id: sqlite-store\n    config:\n      path: data/registry.db\n"
                    "  - id: spawner-registry\n    config:\n      ttl: 1h\n"
                    "  - id: auth\n    config:\n      api_keys:\n"
                    "        - {name: ops, key: \"%s\", role: operator}\n" % OPERATOR_KEY)
        for cycle in range(1, args.cycles + 1):
            process, port = start_host(build, work)
            try:
                missing, resurrected = verify(port, journal)
                lost.extend(("cycle %d: registration %d lost" % (cycle, i)) for i in missing)
                lost.extend(("cycle %d: deletion %d undone" % (cycle, i)) for i in resurrected)
                stop = threading.Event()
                clients = [threading.Thread(target=drive,
                                            args=(port, journal, cycle, stop, rng.random()))
                           for _ in range(args.clients)]
                for client in clients:
                    client.start()
                time.sleep(rng.uniform(args.min_run, args.max_run))
            finally:
                process.send_signal(signal.SIGKILL)
                process.wait()
            stop.set()
            for client in clients:
                client.join()
            if cycle % 10 == 0 or cycle == args.cycles:
                print("cycle %d: %d acknowledged writes so far, %d lost, %d ids reused" %
                      (cycle, journal.acknowledged, len(lost), len(journal.reused)), flush=True)
        # One last start checks the final kill too.
        process, port = start_host(build, work)
        try:
            missing, resurrected = verify(port, journal)
            lost.extend("final: registration %d lost" % i for i in missing)
            lost.extend("final: deletion %d undone" % i for i in resurrected)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait()
    print("crash consistency: seed %d, %d cycles, %d acknowledged writes "
          "(%d registrations, %d deletions), %d heartbeats, writes lost: %d, ids reused: %d" %
          (args.seed, args.cycles, journal.acknowledged, len(journal.registered),
           len(journal.deleted), journal.heartbeats, len(lost), len(journal.reused)))
    for line in lost[:20]:
        print("  " + line)
    return 1 if lost or journal.reused else 0


if __name__ == "__main__":
    sys.exit(main())
