"""Schemathesis over the GraphQL schema: no generated request breaks the server."""

from __future__ import annotations

from typing import Any

import graphql
import schemathesis
from graphql import introspection_from_schema
from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st

from tests.api.conftest import LiveServer
from viax.api.ids import encode_id
from viax.api.schema import build_schema

nodes = schemathesis.graphql.nodes
ids = st.sampled_from(
    [
        encode_id(kind, key)
        for kind in ("Motion", "Product", "Account")
        for key in (1, 9)
    ]
)


def _representation(type_name: str, gid: str) -> graphql.ObjectValueNode:
    return nodes.Object(
        [
            graphql.ObjectFieldNode(
                name=graphql.NameNode(value="__typename"), value=nodes.String(type_name)
            ),
            graphql.ObjectFieldNode(
                name=graphql.NameNode(value="id"), value=nodes.String(gid)
            ),
        ]
    )


schemathesis.graphql.scalar(
    "Decimal",
    st.one_of(
        st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
        st.text(max_size=12),
    ).map(nodes.String),
)
schemathesis.graphql.scalar(
    "_Any",
    st.one_of(
        st.builds(
            _representation,
            st.sampled_from(["Motion", "Product", "Account", "Nope"]),
            ids,
        ),
        st.text(max_size=8).map(nodes.String),
    ),
)
schema = schemathesis.graphql.from_dict(
    {"data": introspection_from_schema(build_schema()._schema)}
)


@schema.parametrize()
@seed(2026)
@settings(
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests_never_fail_on_the_server(
    case: Any, gateway: LiveServer
) -> None:
    token = gateway.token("admin", "fuzz@test")

    response = case.call(
        base_url=f"{gateway.url}/graphql",
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code < 500, response.text
    body = response.json()
    codes = {e.get("extensions", {}).get("code") for e in body.get("errors") or ()}
    assert "INTERNAL" not in codes, body
