"""One measured point: replays a request file with wrk (one thread, CONCURRENCY connections,
BENCH_SECONDS), optionally with a second wrk run alongside and the projection-lag sampler, and
appends one result line per wrk run to RESULTS: throughput, latency, errors, the server's peak
RSS (VmHWM), events appended per message recorded (the server's count of inbound webhooks by
outcome, from /metrics), the CPU time the server process and PostgreSQL's processes used per
message (from /proc: from the point's start to its end, projections included; PostgreSQL backends
that ended during the point are not counted), outcomes (from /metrics) and the pgbench rate at the
same concurrency.

    point.py RESULTS LABEL CONCURRENCY REQUESTS PGBENCH [--alongside LABEL FILE] [--lag LABEL]
             [--per-request]

--per-request divides the events by requests instead of by messages recorded (status callbacks)."""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from common import env

HERE = os.path.dirname(os.path.abspath(__file__))


def psql_value(sql):
    for _ in range(3):  # the server may be short of connections for a moment (max_connections)
        done = subprocess.run(["psql", "-X", "-A", "-t", "-q", env("BENCH_DATABASE_URL"), "-c", sql],
                              capture_output=True, text=True, check=False)
        if done.returncode == 0:
            return int(done.stdout.strip() or 0)
        time.sleep(2)
    raise SystemExit(f"point.py: psql failed: {done.stderr.strip()}")


def outcomes():
    """switchboard_webhooks_total by (webhook, outcome)."""
    with urllib.request.urlopen(env("BENCH_URL") + "/metrics", timeout=30) as r:
        text = r.read().decode()
    counts = {}
    for m in re.finditer(r'^switchboard_webhooks_total\{([^}]*)\} (\S+)$', text, re.M):
        labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        counts[f"{labels.get('webhook')}:{labels.get('outcome')}"] = float(m.group(2))
    return counts


def cpu_ticks(pids):
    """User plus system CPU time of `pids`, in clock ticks (/proc/PID/stat fields 14 and 15)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        total += int(fields[11]) + int(fields[12])
    return total


def postgres_pids():
    """Every process named postgres on the machine (the server's backends and PostgreSQL's own)."""
    done = subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True, check=False)
    return [int(pid) for pid in done.stdout.split()]


def snapshot():
    return {
        "events": psql_value("SELECT count(*) FROM events"),
        "outcomes": outcomes(),
        "server_cpu": cpu_ticks([env("BENCH_SERVER_PID")]),
        "postgres_cpu": cpu_ticks(postgres_pids()),
    }


def peak_rss_mb():
    with open(f"/proc/{env('BENCH_SERVER_PID')}/status", encoding="utf-8") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def wrk(concurrency, requests, results, key):
    environment = dict(os.environ, BENCH_REQUESTS=requests)
    if "/v1/" in open(requests, encoding="utf-8").readline():
        environment["BENCH_AUTH"] = "Bearer " + env("BENCH_ADMIN_KEY")
    out = subprocess.run(
        ["wrk", "-t1", f"-c{concurrency}", f"-d{env('BENCH_SECONDS', '15')}s", "--timeout", "30s",
         "-s", os.path.join(HERE, "replay.lua"), env("BENCH_URL")],
        env=environment, capture_output=True, text=True, check=True,
    ).stdout
    line = next((l for l in out.splitlines() if l.startswith("BENCHJSON ")), None)
    if line is None:
        raise SystemExit(f"point.py: wrk printed no summary:\n{out}")
    results[key] = json.loads(line[len("BENCHJSON "):])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("results")
    p.add_argument("label")
    p.add_argument("concurrency", type=int)
    p.add_argument("requests")
    p.add_argument("pgbench", type=float)
    p.add_argument("--alongside", nargs=2)
    p.add_argument("--lag")
    p.add_argument("--per-request", action="store_true")
    a = p.parse_args()
    before = snapshot()
    runs, threads = {}, []
    threads.append(threading.Thread(target=wrk, args=(a.concurrency, a.requests, runs, "main")))
    if a.alongside:
        threads.append(threading.Thread(target=wrk, args=(a.concurrency, a.alongside[1], runs, "alongside")))
    lag_out = tempfile.mktemp(suffix=".json")
    if a.lag:
        seconds = float(env("BENCH_SECONDS", "15"))
        threads.append(threading.Thread(target=subprocess.run, kwargs={"check": True, "args": [
            sys.executable, os.path.join(HERE, "lag.py"), env("BENCH_DATABASE_URL"), a.requests, "25",
            str(seconds), lag_out]}))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if "main" not in runs or (a.alongside and "alongside" not in runs):
        raise SystemExit("point.py: a wrk run failed")
    time.sleep(1)  # requests wrk cut off at the deadline finish in the server
    after = snapshot()
    rss = peak_rss_mb()
    events = after["events"] - before["events"]
    moved = {k: int(v - before["outcomes"].get(k, 0)) for k, v in after["outcomes"].items()
             if v - before["outcomes"].get(k, 0) > 0}
    # Messages recorded: the server's own count of inbound webhooks by outcome, redeliveries aside.
    messages = sum(v for k, v in moved.items() if k.startswith("message:") and k != "message:duplicate")
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    cpu = {side: (after[side] - before[side]) * tick_ms for side in ("server_cpu", "postgres_cpu")}
    lines = []
    for key, label in [("main", a.label)] + ([("alongside", a.alongside[0])] if a.alongside else []):
        run = runs[key]
        writes = "/v1/" not in open(a.requests if key == "main" else a.alongside[1], encoding="utf-8").readline()
        per = run["requests"] if a.per_request else messages
        note = []
        if run["wrapped"]:
            note.append("ran out of distinct requests and replayed some (redeliveries)")
        if writes and moved:
            note.append("outcomes " + ", ".join(f"{k} {v}" for k, v in sorted(moved.items())))
        lines.append({
            "scenario": label, "concurrency": a.concurrency, "rps": run["rps"],
            "p50_ms": run["p50_ms"], "p99_ms": run["p99_ms"],
            "errors": run["non2xx"] + run["socket_errors"], "rss_mb": rss,
            "events_per_message": (events / per if writes and per else None),
            # Both wrk runs of an (e) point share the server: its CPU is not one run's.
            "server_cpu_ms": (cpu["server_cpu"] / per if per and not a.alongside else None),
            "postgres_cpu_ms": (cpu["postgres_cpu"] / per if per and not a.alongside else None),
            "pgbench": a.pgbench, "note": "; ".join(note),
        })
    if a.lag:
        with open(lag_out, encoding="utf-8") as f:
            lag = json.load(f)
        os.unlink(lag_out)
        lines.append({"scenario": a.lag, "concurrency": a.concurrency, "p50_ms": lag.get("p50_ms"),
                      "p99_ms": lag.get("p99_ms"), "rss_mb": rss,
                      "note": f"{lag['samples']} sampled messages (every 25th), max {lag.get('max_ms')} ms, "
                              f"read model polled every {lag['poll_ms']} ms, {lag['missed']} never seen"})
    with open(a.results, "a", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line) + "\n")
    for line in lines:
        print(f"  {line['scenario']} c={a.concurrency}: {line.get('rps') or '-'} req/s, "
              f"p50 {line['p50_ms']} ms, p99 {line['p99_ms']} ms, errors {line.get('errors', '-')}")


if __name__ == "__main__":
    main()
