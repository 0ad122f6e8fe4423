"""Sends COUNT outbound SMS through POST /v1/organizations/{id}/messages, spread over the spread
organizations (16 at a time), and writes `sid <tab> from <tab> to` a line to OUT: the messages
whose status callbacks the status scenario posts."""

import json
import sys
from concurrent.futures import ThreadPoolExecutor

from common import must


def main():
    state_path, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(state_path, encoding="utf-8") as f:
        orgs = json.load(f)["spread"]

    def send(i):
        org = orgs[i % len(orgs)]
        sent = must(
            "POST",
            f"/v1/organizations/{org['id']}/messages",
            {"to": f"+1202555{(i // len(orgs)) % 10000:04d}", "body": f"Your order {i} shipped", "channel": "sms"},
        )
        return f"{sent['message_sid']}\t{sent['from']}\t{sent['to']}"

    with ThreadPoolExecutor(max_workers=16) as pool:
        lines = list(pool.map(send, range(count)))
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
