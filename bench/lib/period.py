"""Starts a fresh billing period for one of the seeded organizations: sets its billing day (1 to
28) to the one given, which moves the period that contains today, so the organization's next
message counts against an unused quota. Used before each (b) and (c) point, so both measure the
same mix of accepted and refused messages whatever earlier points and the seeding used up.

Usage: period.py STATE_JSON hot|history DAY"""

import json
import sys

from common import must


def main():
    state_path, which, day = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(state_path, encoding="utf-8") as state_file:
        org = json.load(state_file)[which]
    must("PATCH", f"/v1/organizations/{org['id']}", {"billing_day": day})


if __name__ == "__main__":
    main()
