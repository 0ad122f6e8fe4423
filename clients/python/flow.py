"""The main flow of a frontend, through the Python client generated from openapi.yaml.

create organization -> search -> provision -> simulated inbound message -> list messages ->
usage -> release -> delete. Every step goes through the generated client (typed models, parsed
responses), except the customer's message: the sandbox's simulator (`POST /sandbox/messages`) is
outside the spec, so that step is plain HTTP.

    SWITCHBOARD_URL=http://127.0.0.1:8080 SWITCHBOARD_API_KEY=dev-key python clients/python/flow.py

The client must have been generated into `clients/python/switchboard_client` (scripts/test does
it). Exits non-zero, naming the step, at the first answer that is not the expected one.
"""

from __future__ import annotations

import os
import sys
import time
from http import HTTPStatus
from typing import Any, TypeVar

import httpx

from switchboard_client import AuthenticatedClient
from switchboard_client.api.messages import list_messages
from switchboard_client.api.numbers import (
    list_numbers,
    provision_number,
    release_number,
    search_available_numbers,
)
from switchboard_client.api.organizations import (
    create_organization,
    delete_organization,
    get_organization,
    get_usage,
)
from switchboard_client.models import (
    AvailableNumberList,
    CreateOrganization,
    CreatedOrganizationView,
    MessagePage,
    NumberList,
    NumberView,
    Problem,
    ProvisionNumber,
    UsageView,
)
from switchboard_client.types import Response, Unset

T = TypeVar("T")
REPORTED: set[str] = set()


class FlowFailed(Exception):
    """A step got an answer the flow did not expect."""


def expect(step: str, response: Response[Any], status: HTTPStatus, model: type[T]) -> T:
    """The parsed body of `response`, which must have `status` and parse as `model`."""
    if response.status_code != status or not isinstance(response.parsed, model):
        raise FlowFailed(
            f"{step}: expected {status.value} {model.__name__}, got {response.status_code.value} "
            f"{response.content.decode(errors='replace')[:500]}"
        )
    if step not in REPORTED:
        REPORTED.add(step)
        print(f"ok  {step}")
    return response.parsed


def check(step: str, condition: bool, detail: str) -> None:
    if not condition:
        raise FlowFailed(f"{step}: {detail}")


def main() -> None:
    base_url = os.environ["SWITCHBOARD_URL"].rstrip("/")
    client = AuthenticatedClient(base_url=base_url, token=os.environ["SWITCHBOARD_API_KEY"])

    with client:
        org = expect(
            "create organization",
            create_organization.sync_detailed(
                client=client,
                body=CreateOrganization(name="Acme Shoes", industry="retail", plan="starter"),
            ),
            HTTPStatus.CREATED,
            CreatedOrganizationView,
        )
        # The first call a new frontend makes: settings it never set are absent, not null.
        check("create organization", org.plan == "starter", f"plan {org.plan!r}")
        check(
            "create organization",
            isinstance(org.settings.business_hours, Unset) and isinstance(org.description, Unset),
            "unset settings and description should be absent",
        )

        available = expect(
            "search available numbers",
            search_available_numbers.sync_detailed(
                client=client, country="US", type_="local", area_code="415", limit=3
            ),
            HTTPStatus.OK,
            AvailableNumberList,
        )
        check("search available numbers", len(available.items) > 0, "no number offered in 415")
        wanted = available.items[0].phone_number

        number = expect(
            "provision number",
            provision_number.sync_detailed(
                id=org.id, client=client, body=ProvisionNumber(phone_number=wanted)
            ),
            HTTPStatus.CREATED,
            NumberView,
        )
        check("provision number", number.phone_number == wanted, f"got {number.phone_number}")
        check("provision number", number.status == "active", f"status {number.status!r}")
        held = expect(
            "list numbers",
            list_numbers.sync_detailed(id=org.id, client=client),
            HTTPStatus.OK,
            NumberList,
        )
        check("list numbers", [n.phone_number for n in held.items] == [wanted], "not held")

        # The customer writes: the sandbox posts a signed Twilio webhook to the number's SmsUrl.
        inbound = httpx.post(
            f"{base_url}/sandbox/messages",
            json={"from": "+15551230000", "to": wanted, "body": "Do you have size 42?"},
            timeout=30,
        )
        check("simulated inbound message", inbound.status_code == 200, inbound.text[:500])
        print("ok  simulated inbound message")

        # The read models follow the event log within moments: poll briefly for the outcome.
        for _ in range(50):
            page = expect(
                "list messages",
                list_messages.sync_detailed(id=org.id, client=client),
                HTTPStatus.OK,
                MessagePage,
            )
            if page.items and not isinstance(page.items[0].outcome, Unset):
                break
            time.sleep(0.1)
        check("list messages", len(page.items) == 1, f"{len(page.items)} messages")
        message = page.items[0]
        check(
            "list messages",
            (message.direction, message.body, message.outcome)
            == ("inbound", "Do you have size 42?", "accepted"),
            f"message {message.to_dict()}",
        )
        check("list messages", isinstance(page.next_cursor, Unset), "a last page has no cursor")

        usage = expect(
            "usage",
            get_usage.sync_detailed(id=org.id, client=client),
            HTTPStatus.OK,
            UsageView,
        )
        check("usage", (usage.used, usage.limit) == (1, 500), f"used {usage.used}/{usage.limit}")

        released = release_number.sync_detailed(id=org.id, phone_number=wanted, client=client)
        check("release number", released.status_code == HTTPStatus.NO_CONTENT, released.content[:500].decode())
        print("ok  release number")

        deleted = delete_organization.sync_detailed(id=org.id, client=client)
        check("delete organization", deleted.status_code == HTTPStatus.NO_CONTENT, deleted.content[:500].decode())
        print("ok  delete organization")

        gone = expect(
            "deleted organization is gone",
            get_organization.sync_detailed(id=org.id, client=client),
            HTTPStatus.NOT_FOUND,
            Problem,
        )
        check("deleted organization is gone", gone.code == "organization_not_found", gone.code)


if __name__ == "__main__":
    try:
        main()
    except FlowFailed as failure:
        print(f"python client flow: FAILED at {failure}", file=sys.stderr)
        sys.exit(1)
    print("python client flow: passed (create, search, provision, inbound, messages, usage, release, delete)")
