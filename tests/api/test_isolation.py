"""Two partners with 50 motions each: neither reaches the other's, any way."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.api.conftest import SEED_TIME, LiveServer, operations, serving
from viax.api.ids import encode_id
from viax.motion.decision import TransitionRequest
from viax.motion.inputs import IssueQuoteInput, LineInput, StartInput
from viax.motion.snapshot import Action, Channel, MotionSnapshot
from viax.seed import partner_user, seed
from viax.store.outcome import Applied
from viax.store.transitions import Store

PARTNER_A, PARTNER_B = 1, 2
NORTHWIND, INITECH = 1, 4  # both in emea, where both partners sell
MISSING = encode_id("Motion", 987_654)
PER_PARTNER = 50
TRANSITIONS = operations("transitions")


@dataclass
class Estate:
    """What the two partners own, as GraphQL ids and versions."""

    gateway: LiveServer
    mine: dict[str, int]
    theirs: dict[str, int]


async def _drive(store: Store, request: TransitionRequest, step: int) -> MotionSnapshot:
    outcome = await store.transition(request, SEED_TIME + timedelta(minutes=step))
    assert isinstance(outcome, Applied), outcome
    return outcome.motion


async def _motions_of(store: Store, partner_id: int) -> dict[str, int]:
    actor = partner_user(partner_id)
    owned: dict[str, int] = {}
    for index in range(PER_PARTNER):
        account = NORTHWIND if index % 2 else INITECH
        lines = (LineInput(1, 5 + index, Decimal(15 if index % 5 == 0 else 0)),)
        start = StartInput(account, Channel.PARTNER, partner_id, lines)
        motion = await _drive(store, TransitionRequest(Action.START, start, actor), 0)
        if index % 5 == 0:
            quote = TransitionRequest(
                Action.ISSUE_QUOTE, IssueQuoteInput(12), actor, motion_id=motion.id
            )
            motion = await _drive(store, quote, 1)
        owned[encode_id("Motion", motion.id)] = motion.version
    return owned


@pytest.fixture
async def two_partners_url(store: Store, store_url: str) -> str:
    await seed(store, motions=0, now=SEED_TIME)
    return store_url


@pytest.fixture
async def estate(store: Store, two_partners_url: str) -> Any:
    mine = await _motions_of(store, PARTNER_A)
    theirs = await _motions_of(store, PARTNER_B)
    return mine, theirs


@pytest.fixture
def partners(two_partners_url: str, estate: Any) -> Iterator[Estate]:
    for server in serving(two_partners_url):
        yield Estate(server, *estate)


class Caller:
    """Posts GraphQL as one principal and returns the whole response body."""

    def __init__(self, gateway: LiveServer, role: str, **ids: int) -> None:
        self.url = f"{gateway.url}/graphql"
        token = gateway.token(role, f"{role}@isolation", **ids)
        self.headers = {"Authorization": f"Bearer {token}"}

    async def post(self, query: str, **variables: Any) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=60) as client:
            response = await client.post(
                self.url,
                json={"query": query, "variables": variables},
                headers=self.headers,
            )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        # The cost report differs from one request to the next by design.
        body.pop("extensions", None)
        return body


def partner_a(estate: Estate) -> Caller:
    return Caller(estate.gateway, "partner", partner_id=PARTNER_A)


READ_ONE = """
query($id: ID!) {
  motion(id: $id) { id }
  node(id: $id) { id }
  nodes(ids: [$id]) { id }
  _entities(representations: [{__typename: "Motion", id: $id}]) {
    ... on Motion { id }
  }
}
"""


async def test_foreign_ids_read_exactly_like_missing_ones(partners: Estate) -> None:
    caller = partner_a(partners)
    missing = await caller.post(READ_ONE, id=MISSING)

    for motion_id in [*partners.theirs, encode_id("Motion", "9" * 30)]:
        seen = await caller.post(READ_ONE, id=motion_id)
        assert seen == missing

    assert missing == {
        "data": {"motion": None, "node": None, "nodes": [None], "_entities": [None]}
    }


async def test_hundred_foreign_ids_at_once_read_nothing(partners: Estate) -> None:
    ids = (list(partners.theirs) * 2)[:100]
    fields = " ".join(
        f'm{i}: motion(id: "{gid}") {{ id number }}' for i, gid in enumerate(ids)
    )
    caller = partner_a(partners)

    aliased = await caller.post(f"{{ {fields} }}")
    nodes = await caller.post(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", ids=ids
    )

    assert aliased == {"data": {f"m{i}": None for i in range(100)}}
    assert nodes == {"data": {"nodes": [None] * 100}}


LIST = """
query($filter: MotionFilter, $after: String) {
  motions(filter: $filter, first: 100, after: $after) {
    edges { node {
      id partner { id }
      parent { id }
      history(first: 100) { edges { node { motion { id } actor { partnerId } } } }
    } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def _listed(body: dict[str, Any]) -> list[dict[str, Any]]:
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["motions"]["edges"]]


FILTERS = (
    None,
    {"partnerId": encode_id("Partner", PARTNER_A)},
    {"accountId": encode_id("Account", NORTHWIND)},
    {"channel": "PARTNER"},
    {"state": "DRAFT"},
    {"state": "PENDING_APPROVAL"},
    {"kind": "NEW_BUSINESS"},
    {"updatedAfter": "2000-01-01T00:00:00Z"},
)


async def test_every_listing_holds_only_the_partners_own_motions(
    partners: Estate,
) -> None:
    caller = partner_a(partners)
    for filter in FILTERS:
        listed = _listed(await caller.post(LIST, filter=filter))
        assert listed, f"{filter} matches some of the partner's own motions"
        _assert_own(partners, listed)


def _assert_own(partners: Estate, listed: list[dict[str, Any]]) -> None:
    own = encode_id("Partner", PARTNER_A)
    assert {m["id"] for m in listed} <= set(partners.mine)
    assert {m["partner"]["id"] for m in listed} == {own}
    for motion in listed:
        assert motion["parent"] is None
        events = [edge["node"] for edge in motion["history"]["edges"]]
        assert {e["motion"]["id"] for e in events} == {motion["id"]}
        assert {e["actor"]["partnerId"] for e in events} == {own}


async def test_listing_the_other_partner_finds_nothing(partners: Estate) -> None:
    caller = partner_a(partners)
    filter = {"partnerId": encode_id("Partner", PARTNER_B)}

    foreign = _listed(await caller.post(LIST, filter=filter))
    everything = await caller.post(LIST)

    assert foreign == []
    assert {m["id"] for m in _listed(everything)} == set(partners.mine)
    assert everything["data"]["motions"]["pageInfo"]["hasNextPage"] is False


def _mutations() -> Iterator[tuple[str, dict[str, Any]]]:
    product = encode_id("Product", 1)
    order_line = encode_id("OrderLine", "1.0")
    yield "ConfigureMotion", {"lines": [{"productId": product, "quantity": 3}]}
    yield "IssueQuote", {"termMonths": 12}
    yield "ApproveMotion", {"comment": "fine"}
    yield "RejectMotion", {"comment": "no"}
    yield "AcceptQuote", {}
    yield "SignAgreement", {"startDate": "2027-01-01", "signedBy": "Eve"}
    yield "PlaceOrder", {}
    yield "RecordFulfilment", {"lines": [{"orderLineId": order_line, "quantity": 1}]}
    yield "RecordInvoice", {"invoiceNumber": "INV-X", "amount": "1.00"}
    yield "RecordPayment", {"paymentReference": "PAY-X", "amount": "1.00"}
    yield "CancelMotion", {"reason": "gone"}


async def _attempt(
    caller: Caller, motion_id: str, version: int, dry_run: bool
) -> list[dict[str, Any]]:
    results = []
    for operation, extra in _mutations():
        body = {
            "motionId": motion_id,
            "expectedVersion": version,
            "dryRun": dry_run,
            **extra,
        }
        async with httpx.AsyncClient(timeout=60) as client:
            response = await client.post(
                caller.url,
                json={
                    "query": TRANSITIONS,
                    "operationName": operation,
                    "variables": {"input": body},
                },
                headers=caller.headers,
            )
        assert response.status_code == 200, response.text
        (result,) = response.json()["data"].values()
        results.append(result)
    return results


async def test_every_mutation_on_a_foreign_motion_is_not_found(
    partners: Estate,
) -> None:
    caller = partner_a(partners)
    gid, version = next(iter(partners.theirs.items()))
    for dry_run in (True, False):
        foreign = await _attempt(caller, gid, version, dry_run)
        missing = await _attempt(caller, MISSING, version, dry_run)

        assert foreign == [{"__typename": "MotionNotFound", "motionId": gid}] * 11
        assert missing == [{"__typename": "MotionNotFound", "motionId": MISSING}] * 11

    sales = Caller(partners.gateway, "sales")
    filter = {"partnerId": encode_id("Partner", PARTNER_B)}
    body = await sales.post(
        "query($f: MotionFilter) { motions(filter: $f, first: 100) "
        "{ edges { node { id version } } } }",
        f=filter,
    )
    versions = {motion["id"]: motion["version"] for motion in _listed(body)}
    assert versions == partners.theirs


async def test_customer_reads_only_its_own_accounts_motions(partners: Estate) -> None:
    customer = Caller(partners.gateway, "customer", account_id=NORTHWIND)

    listed = _listed(
        await customer.post("{ motions(first: 100) { edges { node { id } } } }")
    )

    assert len(listed) == PER_PARTNER  # half of each partner's, on Northwind
    assert all(m["id"] in partners.mine or m["id"] in partners.theirs for m in listed)
