"""Writes wrk request files (one request a line: method, path, signature, body; tab-separated).

    gen.py inbound STATE spread|hot|history COUNT TAG OUT   signed inbound-message webhooks
    gen.py status SENT COUNT OUT                           signed status callbacks
    gen.py reads STATE COUNT OUT                           GETs of organizations' messages

Every inbound request carries its own MessageSid (SM + 32 hex digits derived from TAG and the
index), so no request of a run is a redelivery."""

import hashlib
import json
import sys

from common import env, signed_line

INBOUND = "/webhooks/twilio/messages"
STATUS = "/webhooks/twilio/status"
# Customers per organization that the messages come from (their conversations grow with history).
CUSTOMERS = 1000
# The statuses a status-callback run posts for each sent message, in Twilio's order.
LIFECYCLE = ["sending", "sent", "delivered", "read"]


def sid(tag, index):
    return "SM" + hashlib.md5(f"{tag}:{index}".encode()).hexdigest()


def inbound(state, scenario, count, tag):
    orgs = state["spread"] if scenario == "spread" else [state[scenario]]
    account = env("BENCH_ACCOUNT_SID")
    for i in range(count):
        org = orgs[i % len(orgs)]
        message_sid = sid(tag, i)
        params = [
            ("ToCountry", "US"),
            ("SmsMessageSid", message_sid),
            ("NumMedia", "0"),
            ("SmsSid", message_sid),
            ("SmsStatus", "received"),
            ("Body", f"Is order {i} ready?"),
            ("To", org["number"]),
            ("NumSegments", "1"),
            ("MessageSid", message_sid),
            ("AccountSid", account),
            ("From", f"+1202555{(i // len(orgs)) % CUSTOMERS:04d}"),
            ("ApiVersion", "2010-04-01"),
        ]
        yield signed_line(INBOUND, params)


def status(sent_path, count):
    with open(sent_path, encoding="utf-8") as sent:
        messages = [line.rstrip("\n").split("\t") for line in sent if line.strip()]
    account = env("BENCH_ACCOUNT_SID")
    produced = 0
    for step in LIFECYCLE:
        for message_sid, sender, recipient in messages:
            if produced == count:
                return
            params = [
                ("MessageSid", message_sid),
                ("SmsSid", message_sid),
                ("MessageStatus", step),
                ("SmsStatus", step),
                ("AccountSid", account),
                ("From", sender),
                ("To", recipient),
                ("ApiVersion", "2010-04-01"),
            ]
            produced += 1
            yield signed_line(STATUS, params)


def reads(state, count):
    orgs = state["spread"]
    for i in range(count):
        yield "\t".join(["GET", f"/v1/organizations/{orgs[i % len(orgs)]['id']}/messages?limit=50", "", ""])


def main():
    kind, args = sys.argv[1], sys.argv[2:]
    if kind == "inbound":
        with open(args[0], encoding="utf-8") as f:
            state = json.load(f)
        lines, out = inbound(state, args[1], int(args[2]), args[3]), args[4]
    elif kind == "status":
        lines, out = status(args[0], int(args[1])), args[2]
    elif kind == "reads":
        with open(args[0], encoding="utf-8") as f:
            state = json.load(f)
        lines, out = reads(state, int(args[1])), args[2]
    else:
        raise SystemExit(f"gen.py: unknown kind {kind}")
    with open(out, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(line + "\n")


if __name__ == "__main__":
    main()
