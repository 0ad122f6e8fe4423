"""Prints the results (one JSON object a line in RESULTS) as one table and writes it as markdown.

    table.py RESULTS MARKDOWN_OUT HEADER_TEXT"""

import json
import sys

COLUMNS = ["scenario", "conc.", "req/s", "p50 ms", "p99 ms", "errors", "peak RSS MB",
           "events/msg", "server CPU ms/msg", "PostgreSQL CPU ms/msg", "pgbench ins/s", "ratio"]


def fmt(value, digits=0):
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return f"{value:,.{digits}f}"


def row(r):
    rps, pg = r.get("rps"), r.get("pgbench")
    ratio = f"{100 * rps / pg:.1f} %" if rps and pg else "–"
    return [r["scenario"], fmt(r.get("concurrency")), fmt(rps), fmt(r.get("p50_ms"), 1),
            fmt(r.get("p99_ms"), 1), fmt(r.get("errors")), fmt(r.get("rss_mb"), 1),
            fmt(r.get("events_per_message"), 2), fmt(r.get("server_cpu_ms"), 2),
            fmt(r.get("postgres_cpu_ms"), 2), fmt(pg), ratio]


def main():
    results_path, markdown_path, header = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(results_path, encoding="utf-8") as f:
        results = [json.loads(line) for line in f if line.strip()]
    rows = [row(r) for r in results]
    notes = [f"- {r['scenario']} at {r.get('concurrency', '–')}: {r['note']}" for r in results if r.get("note")]
    widths = [max(len(c), *(len(x[i]) for x in rows)) if rows else len(c) for i, c in enumerate(COLUMNS)]
    print("  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths)))
    for x in rows:
        print("  ".join(v.ljust(w) for v, w in zip(x, widths)))
    print("\n".join(notes))
    with open(markdown_path, "w", encoding="utf-8") as f:
        f.write(header + "\n\n")
        f.write("| " + " | ".join(COLUMNS) + " |\n")
        f.write("|" + "---|" * len(COLUMNS) + "\n")
        for x in rows:
            f.write("| " + " | ".join(x) + " |\n")
        if notes:
            f.write("\n" + "\n".join(notes) + "\n")


if __name__ == "__main__":
    main()
