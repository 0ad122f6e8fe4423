"""Projection lag, commit to visible: while a webhook run replays REQUESTS, polls the messages read
model (messages_view, over one psql connection to DATABASE_URL) for every STRIDE-th MessageSid of
the file, and records when each first shows up (PostgreSQL's clock_timestamp()). Afterwards the
lag of each sample is that moment minus the recorded_at of the message's first event (now() of
the transaction that committed it, so the lag includes that transaction's own duration).

    lag.py DATABASE_URL REQUESTS STRIDE SECONDS OUT

Writes {"samples", "p50_ms", "p99_ms", "max_ms", "poll_ms", "missed"} to OUT."""

import json
import subprocess
import sys
import time
import urllib.parse

WINDOW = 16
GIVE_UP_SECONDS = 5.0


class Psql:
    """One psql session fed queries on stdin; each answer ends at an \\echo marker."""

    def __init__(self, url):
        self.proc = subprocess.Popen(
            ["psql", "-X", "-A", "-t", "-q", "-F", "\t", url],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
        )

    def rows(self, sql):
        self.proc.stdin.write(sql + ";\n\\echo __END__\n")
        self.proc.stdin.flush()
        rows = []
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            if line == "__END__":
                return rows
            if line:
                rows.append(line.split("\t"))
        raise SystemExit("lag.py: psql ended")

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def sampled_sids(path, stride):
    """Every STRIDE-th MessageSid of the file from its line STRIDE on. Line 0 is left out: wrk's
    first call of the script's request() builds a request it never sends (replay.lua's index
    moves past it), so that message never reaches the server."""
    sids = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i > 0 and i % stride == 0:
                body = line.rstrip("\n").split("\t")[3]
                sids.append(dict(urllib.parse.parse_qsl(body))["MessageSid"])
    return sids


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


def main():
    url, path, stride, seconds, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
    pending = sampled_sids(path, stride)
    psql = Psql(url)
    seen, missed, polls = {}, 0, 0
    later_seen_at = None
    cursor = 0
    started = time.monotonic()
    while time.monotonic() - started < seconds and cursor < len(pending):
        window = pending[cursor:cursor + WINDOW]
        in_list = ",".join(f"'{sid}'" for sid in window)
        found = psql.rows(
            "SELECT message_sid, extract(epoch FROM clock_timestamp()) FROM messages_view "
            f"WHERE message_sid IN ({in_list})"
        )
        polls += 1
        for sid, at in found:
            seen.setdefault(sid, float(at))
        while cursor < len(pending) and pending[cursor] in seen:
            cursor += 1
            later_seen_at = None
        if cursor < len(pending) and any(sid in seen for sid in pending[cursor + 1:cursor + WINDOW]):
            later_seen_at = later_seen_at or time.monotonic()
            if time.monotonic() - later_seen_at > GIVE_UP_SECONDS:
                cursor, missed, later_seen_at = cursor + 1, missed + 1, None
        time.sleep(0.001)
    elapsed = time.monotonic() - started
    lags = []
    if seen:
        in_list = ",".join(f"'{sid}'" for sid in seen)
        for sid, recorded in psql.rows(
            "SELECT aggregate_id, extract(epoch FROM min(recorded_at)) FROM events "
            f"WHERE aggregate_type = 'Message' AND aggregate_id IN ({in_list}) GROUP BY aggregate_id"
        ):
            lags.append((seen[sid] - float(recorded)) * 1000)
    psql.close()
    result = {"samples": len(lags), "missed": missed, "poll_ms": round(elapsed * 1000 / max(polls, 1), 2)}
    if lags:
        result.update(p50_ms=round(percentile(lags, 50), 2), p99_ms=round(percentile(lags, 99), 2),
                      max_ms=round(max(lags), 2))
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
