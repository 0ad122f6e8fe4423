"""Seeds the server through its API: BENCH_ORGS enterprise organizations with one number each
(SMS-capable) for the spread scenario, plus a hot organization and a history organization, and writes their ids
and numbers as JSON to the path given."""

import json
import sys
from concurrent.futures import ThreadPoolExecutor

from common import env, must

# US local area codes of the sandbox's inventory (555-0100..0199 each).
AREA_CODES = ["415", "212", "312", "512", "206", "303", "213", "617", "305", "404"]


def sms_numbers(area):
    """The SMS-capable local numbers on sale in `area` (every fifth sandbox number is voice-only)."""
    found = must("GET", f"/v1/available-numbers?country=US&type=local&area_code={area}&sms_enabled=true&limit=100")
    return [n["phone_number"] for n in found["items"]]


def organization(index, name, inventory):
    """Creates one enterprise organization and buys it an SMS-capable local number."""
    org = must("POST", "/v1/organizations", {"name": name, "plan": "enterprise", "industry": "benchmark"})
    numbers = inventory[AREA_CODES[index % len(AREA_CODES)]]
    number = must("POST", f"/v1/organizations/{org['id']}/numbers",
                  {"phone_number": numbers[index // len(AREA_CODES)]})
    return {"id": org["id"], "number": number["phone_number"]}


def main():
    count = int(env("BENCH_ORGS", "120"))
    names = [f"Spread {i}" for i in range(count)] + ["Hot", "History"]
    inventory = {area: sms_numbers(area) for area in AREA_CODES}
    with ThreadPoolExecutor(max_workers=8) as pool:
        orgs = list(pool.map(lambda pair: organization(*pair, inventory), enumerate(names)))
    state = {"spread": orgs[:count], "hot": orgs[count], "history": orgs[count + 1]}
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        json.dump(state, out)
    print(f"seeded {count} spread organizations, a hot one and a history one, one number each")


if __name__ == "__main__":
    main()
