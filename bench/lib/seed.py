"""Seeds the server through its API: BENCH_ORGS enterprise organizations with one number each
for the spread scenario, plus a hot organization and a history organization, and writes their ids
and numbers as JSON to the path given."""

import json
import sys
from concurrent.futures import ThreadPoolExecutor

from common import env, must

# US local area codes of the sandbox's inventory (555-0100..0199 each).
AREA_CODES = ["415", "212", "312", "512", "206", "303", "213", "617", "305", "404"]


def organization(index, name):
    """Creates one enterprise organization and buys it a local number."""
    org = must("POST", "/v1/organizations", {"name": name, "plan": "enterprise", "industry": "benchmark"})
    area = AREA_CODES[index % len(AREA_CODES)]
    number = must(
        "POST",
        f"/v1/organizations/{org['id']}/numbers",
        {"area_code": area, "country": "US", "type": "local"},
    )
    return {"id": org["id"], "number": number["phone_number"]}


def main():
    count = int(env("BENCH_ORGS", "120"))
    names = [f"Spread {i}" for i in range(count)] + ["Hot", "History"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        orgs = list(pool.map(lambda pair: organization(*pair), enumerate(names)))
    state = {"spread": orgs[:count], "hot": orgs[count], "history": orgs[count + 1]}
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        json.dump(state, out)
    print(f"seeded {count} spread organizations, a hot one and a history one, one number each")


if __name__ == "__main__":
    main()
