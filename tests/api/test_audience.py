"""Restricted fields read as null outside their audience, on every path."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from gql import GraphQLRequest

from tests.api.conftest import SEED_TIME, LiveServer, serving
from tests.api.live import subscriber
from tests.api.permissions import MATRIX, READERS, ROLES, Permission
from viax.api.audience import declared_audiences
from viax.api.ids import encode_id
from viax.api.schema import build_schema, schema_sdl
from viax.motion.decision import TransitionRequest
from viax.motion.inputs import DecisionInput, IssueQuoteInput, LineInput, StartInput
from viax.motion.snapshot import Action, Channel, Principal
from viax.seed import DEAL_DESK, partner_user, seed
from viax.store.outcome import Applied
from viax.store.transitions import Store

PARTNER, ACCOUNT = 1, 1
PRODUCT = encode_id("Product", 1)

# Each field of the matrix, as the path that reads it in QUERY's answer.
READ = """
query($id: ID!, $product: ID!) {
  motion(id: $id) {
    quote { lines { steps { step } margin { amount } product { unitCost } } }
    approval { decisions { actor comment } }
  }
  federated: _entities(representations: [
    {__typename: "Motion", id: $id}, {__typename: "Product", id: $product}
  ]) {
    ... on Motion {
      quote { lines { steps { step } margin { amount } } }
      approval { decisions { actor comment } }
    }
    ... on Product { unitCost }
  }
}
"""


# The same fields on the motion of every event a subscriber receives.
STREAMED = """
subscription {
  motionEvents(afterSequence: 0) {
    action
    motion {
      lines { product { unitCost } }
      quote { lines { steps { step } margin { amount } product { unitCost } } }
      approval { decisions { actor comment } }
    }
  }
}
"""


def _motion_of(answer: dict[str, Any], action: str) -> dict[str, Any]:
    motion: dict[str, Any]
    if action == "subscribed":
        motion = answer["motionEvents"]["motion"]
    elif action == "read":
        motion = answer["data"]["motion"]
    else:
        motion = answer["data"]["federated"][0]
    return motion


def _seen(answer: dict[str, Any], permission: Permission) -> Any:
    motion = _motion_of(answer, permission.action)
    line = motion["quote"]["lines"][0]
    decision = motion["approval"]["decisions"][0]
    match permission.field:
        case "Product.unitCost" if permission.action == "read":
            return line["product"]["unitCost"]
        case "Product.unitCost" if permission.action == "subscribed":
            assert line["product"] == motion["lines"][0]["product"]
            return line["product"]["unitCost"]
        case "Product.unitCost":
            return answer["data"]["federated"][1]["unitCost"]
        case "QuoteLine.margin":
            return line["margin"]
        case "ApprovalDecision.actor":
            return decision["actor"]
        case "ApprovalDecision.comment":
            return decision["comment"]
    raise AssertionError(f"no path for {permission.field}")


async def approved_partner_motion(store: Store) -> int:
    """A partner's motion quoted at 15 %, approved by the deal desk."""
    actor: Principal = partner_user(PARTNER)
    start = StartInput(
        ACCOUNT, Channel.PARTNER, PARTNER, (LineInput(1, 20, Decimal(15)),)
    )
    steps = [
        TransitionRequest(Action.START, start, actor),
        TransitionRequest(Action.ISSUE_QUOTE, IssueQuoteInput(12), actor),
        TransitionRequest(Action.APPROVE, DecisionInput("within policy"), DEAL_DESK),
    ]
    motion_id = None
    for minute, request in enumerate(steps):
        if motion_id is not None:
            request = TransitionRequest(
                request.action, request.input, request.actor, motion_id=motion_id
            )
        outcome = await store.transition(request, SEED_TIME + timedelta(minutes=minute))
        assert isinstance(outcome, Applied), outcome
        motion_id = outcome.motion.id
    assert motion_id is not None
    return motion_id


@pytest.fixture
async def approved(store: Store, store_url: str) -> tuple[str, int]:
    await seed(store, motions=0, now=SEED_TIME)
    return store_url, await approved_partner_motion(store)


@pytest.fixture
def audience_gateway(approved: tuple[str, int]) -> Iterator[tuple[LiveServer, str]]:
    url, motion_id = approved
    for server in serving(url):
        yield server, encode_id("Motion", motion_id)


def _token(gateway: LiveServer, role: str) -> str:
    ids = {"partner": {"partner_id": PARTNER}, "customer": {"account_id": ACCOUNT}}
    return gateway.token(role, f"{role}@audience", **ids.get(role, {}))


async def _read_as(gateway: LiveServer, role: str, motion: str) -> dict[str, Any]:
    token = _token(gateway, role)
    async with httpx.AsyncClient(base_url=gateway.url, timeout=60) as client:
        response = await client.post(
            "/graphql",
            json={"query": READ, "variables": {"id": motion, "product": PRODUCT}},
            headers={"Authorization": f"Bearer {token}"},
        )
    answer: dict[str, Any] = response.json()
    assert "errors" not in answer, answer
    return answer


async def _subscribed_as(gateway: LiveServer, role: str) -> dict[str, Any]:
    """The approval event of the motion, delivered to `role` over a WebSocket.

    An event shows the motion as that event left it, so the approval is the
    first event whose motion holds the quote and the decision.
    """
    async with subscriber(gateway, _token(gateway, role)) as live:
        async for event in live.subscribe(GraphQLRequest(STREAMED)):
            answer: dict[str, Any] = event
            if answer["motionEvents"]["action"] == "APPROVE":
                return answer
    raise AssertionError("the subscription ended without an event")


async def test_every_row_of_the_permissions_matrix_holds(
    audience_gateway: tuple[LiveServer, str],
) -> None:
    gateway, motion = audience_gateway
    answers = {role: await _read_as(gateway, role, motion) for role in ROLES}
    streamed = {role: await _subscribed_as(gateway, role) for role in ROLES}

    for permission in MATRIX:
        by = streamed if permission.action == "subscribed" else answers
        seen = _seen(by[permission.role], permission)
        assert (seen is not None) is permission.visible, permission


def test_the_matrix_names_every_restricted_field_of_the_schema() -> None:
    declared = declared_audiences(build_schema()._schema)

    assert set(declared) == set(READERS)


def test_restricted_fields_say_their_audience_in_the_schema() -> None:
    sdl = schema_sdl()

    assert sdl.count("null for anyone else") == len(READERS)


async def test_customers_see_list_and_net_and_partners_every_step(
    audience_gateway: tuple[LiveServer, str],
) -> None:
    gateway, motion = audience_gateway

    def steps(answer: dict[str, Any]) -> list[str]:
        line = answer["data"]["motion"]["quote"]["lines"][0]
        return [step["step"] for step in line["steps"]]

    customer = await _read_as(gateway, "customer", motion)
    partner = await _read_as(gateway, "partner", motion)
    sales = await _read_as(gateway, "sales", motion)

    assert steps(customer) == ["LIST", "NET"]
    assert steps(partner) == ["LIST", "VOLUME", "PARTNER", "DISCOUNT", "NET"]
    assert steps(sales) == steps(partner)


async def test_a_customer_subscribed_to_events_sees_only_list_and_net(
    audience_gateway: tuple[LiveServer, str],
) -> None:
    gateway, _ = audience_gateway

    async def steps(role: str) -> list[str]:
        event = await _subscribed_as(gateway, role)
        line = event["motionEvents"]["motion"]["quote"]["lines"][0]
        return [step["step"] for step in line["steps"]]

    assert await steps("customer") == ["LIST", "NET"]
    assert await steps("partner") == ["LIST", "VOLUME", "PARTNER", "DISCOUNT", "NET"]


DIFF = """
query($id: ID!) {
  motion(id: $id) { quote { waterfallDiff(against: $id) { steps { step } } } }
}
"""


async def test_a_customer_compares_waterfalls_by_list_and_net_only(
    audience_gateway: tuple[LiveServer, str],
) -> None:
    gateway, motion = audience_gateway

    async def steps(role: str) -> list[str]:
        async with httpx.AsyncClient(base_url=gateway.url, timeout=60) as client:
            response = await client.post(
                "/graphql",
                json={"query": DIFF, "variables": {"id": motion}},
                headers={"Authorization": f"Bearer {_token(gateway, role)}"},
            )
        (line,) = response.json()["data"]["motion"]["quote"]["waterfallDiff"]
        return [step["step"] for step in line["steps"]]

    assert await steps("customer") == ["LIST", "NET"]
    assert await steps("partner") == ["LIST", "VOLUME", "PARTNER", "DISCOUNT", "NET"]
