"""Cold start: RUNS times, makes an empty database, execs `switchboard serve` on it and times
from the exec to the first 200 of GET /health/ready (polled every millisecond), then stops the
server and drops the database. Provider variables come from the environment.

    coldstart.py BINARY POSTGRES_URL DB_PREFIX RUNS OUT     writes {"p50_ms", "max_ms", "runs"}"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(url, sql):
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql], check=True,
                   stdout=subprocess.DEVNULL)


def ready(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=1) as r:
            return r.status == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


def once(binary, postgres, name, log):
    psql(postgres + "/postgres", f'CREATE DATABASE "{name}"')
    port = free_port()
    env = dict(os.environ, DATABASE_URL=f"{postgres}/{name}", BIND_ADDR=f"127.0.0.1:{port}",
               PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
               ADMIN_API_KEY=os.environ.get("BENCH_ADMIN_KEY", "bench-cold-start"))
    started = time.monotonic()
    server = subprocess.Popen([binary, "serve"], env=env, stdout=log, stderr=log)
    try:
        while not ready(port):
            if server.poll() is not None or time.monotonic() - started > 60:
                raise SystemExit("coldstart.py: the server did not become ready (see the server log)")
            time.sleep(0.001)
        return (time.monotonic() - started) * 1000
    finally:
        server.terminate()
        server.wait()
        psql(postgres + "/postgres", f'DROP DATABASE "{name}" WITH (FORCE)')


def main():
    binary, postgres, prefix, runs, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    with open(out + ".log", "w", encoding="utf-8") as log:
        times = sorted(once(binary, postgres, f"{prefix}_cold{i}", log) for i in range(runs))
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"p50_ms": round(times[len(times) // 2], 1), "max_ms": round(times[-1], 1), "runs": runs}, f)


if __name__ == "__main__":
    main()
