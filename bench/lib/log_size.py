"""Log size per million messages: drives BENCH_MESSAGES inbound messages (default 5,000) through a
running `switchboard serve` (SANDBOX=true, PostgreSQL) with the built-in customer simulator, spread
over BENCH_ORGS starter-plan organizations, then prints each table's pg_total_relation_size, its
bytes per message and the linear extrapolation to a million messages (Markdown table).

Needs BENCH_URL, BENCH_ADMIN_KEY and BENCH_DATABASE_URL (for psql)."""

import concurrent.futures
import json
import subprocess
import urllib.request

from common import env, must

TABLES_SQL = """
SELECT c.relname, pg_total_relation_size(c.oid), c.reltuples::bigint
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'r'
ORDER BY pg_total_relation_size(c.oid) DESC
"""


def send(number, i):
    body = json.dumps({"from": f"+1555{i % 1000:07d}", "to": number,
                       "body": f"Hi, is order #{100000 + i} ready for pick-up tomorrow morning?"}).encode()
    request = urllib.request.Request(env("BENCH_URL") + "/sandbox/messages", data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["status"]


def main():
    messages = int(env("BENCH_MESSAGES", "5000"))
    orgs = int(env("BENCH_ORGS", "10"))
    numbers = []
    for o in range(orgs):
        org = must("POST", "/v1/organizations", {"name": f"Size {o}", "plan": "enterprise"})["id"]
        numbers.append(must("POST", f"/v1/organizations/{org}/numbers", {"area_code": "415"})["phone_number"])
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(lambda i: send(numbers[i % orgs], i), range(messages)))
    assert all(s == 200 for s in statuses), "some message was not answered 200"
    subprocess.run(["psql", "-q", env("BENCH_DATABASE_URL"), "-c", "VACUUM ANALYZE"], check=True)
    out = subprocess.run(["psql", "-qAtF", "\t", env("BENCH_DATABASE_URL"), "-c", TABLES_SQL],
                         check=True, capture_output=True, text=True).stdout
    print(f"{messages} messages to {orgs} organizations\n")
    print("| table | rows | MB | bytes/message | GB per million messages |")
    print("|---|---|---|---|---|")
    total = 0
    for line in out.strip().splitlines():
        name, size, rows = line.split("\t")
        size = int(size)
        total += size
        if size >= 64 * 1024:
            print(f"| {name} | {int(rows):,} | {size / 1e6:.1f} | {size / messages:,.0f} | {size / messages / 1e3:.2f} |")
    print(f"| **total** | | {total / 1e6:.1f} | {total / messages:,.0f} | {total / messages / 1e3:.2f} |")


if __name__ == "__main__":
    main()
