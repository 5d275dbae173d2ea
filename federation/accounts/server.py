"""An example CRM subgraph: what the CRM knows about viax's accounts.

It owns nothing viax owns: it adds `crmOwner` and `healthScore` to each
`Account` and `accountHealth` to each `Motion` (reading the motion's account
id from viax through `@requires`), and lists at-risk accounts. The figures
are fixed example data keyed by viax's account ids.

    python federation/accounts/server.py --port 4001
    python federation/accounts/server.py --sdl > federation/accounts.graphql
"""

from __future__ import annotations

import argparse
import base64
import sys
from dataclasses import dataclass
from typing import Self

import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL


@dataclass(frozen=True, slots=True)
class CrmRecord:
    """The CRM's record of one account."""

    owner: str
    health: int


# Keyed by the integer behind viax's global Account id (the demo seed's ids).
CRM = {
    1: CrmRecord("ines@crm", 82),
    2: CrmRecord("omar@crm", 35),
    3: CrmRecord("ines@crm", 64),
    4: CrmRecord("li@crm", 18),
    5: CrmRecord("omar@crm", 91),
    6: CrmRecord("li@crm", 47),
}


def account_key(global_id: str) -> int | None:
    """The integer key inside a viax `Account` global id, or None."""
    try:
        type_name, _, key = base64.b64decode(global_id).decode().partition(":")
    except ValueError:
        return None
    return int(key) if type_name == "Account" and key.isdigit() else None


def account_id(key: int) -> strawberry.ID:
    """The viax global id of account `key`."""
    return strawberry.ID(base64.b64encode(f"Account:{key}".encode()).decode())


@strawberry.federation.type(keys=["id"])
class Account:
    id: strawberry.ID
    crm_owner: str | None = strawberry.field(
        description="Login of the account's owner in the CRM."
    )
    health_score: int | None = strawberry.field(
        description="Health of the relationship, 0 (churning) to 100 (thriving)."
    )

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Self:
        """The CRM's view of one account; empty if the CRM does not know it."""
        key = account_key(id)
        record = CRM.get(key) if key is not None else None
        if record is None:
            return cls(id=id, crm_owner=None, health_score=None)
        return cls(id=id, crm_owner=record.owner, health_score=record.health)


@strawberry.federation.type(keys=["id"])
class Motion:
    id: strawberry.ID
    account: Account = strawberry.federation.field(external=True)

    @strawberry.federation.field(
        requires=["account { id }"],
        description="Health score of the motion's account when the CRM last scored it.",
    )
    def account_health(self) -> int | None:
        return self.account.health_score

    @classmethod
    def resolve_reference(
        cls, id: strawberry.ID, account: dict[str, strawberry.ID]
    ) -> Self:
        """The motion with the account id the router fetched from viax."""
        return cls(id=id, account=Account.resolve_reference(account["id"]))


@strawberry.type
class Query:
    @strawberry.field(
        description="Accounts whose health score is at or below the threshold, "
        "worst first."
    )
    def at_risk_accounts(self, max_health_score: int = 40) -> list[Account]:
        risky = sorted(
            (record.health, key)
            for key, record in CRM.items()
            if record.health <= max_health_score
        )
        return [Account.resolve_reference(account_id(key)) for _, key in risky]


schema = strawberry.federation.Schema(
    query=Query, types=[Account, Motion], federation_version="2.7"
)


def create_app() -> Starlette:
    """The subgraph's ASGI application, serving /graphql."""
    return Starlette(routes=[Route("/graphql", GraphQL(schema))])


def main(argv: list[str] | None = None) -> int:
    """Serve the subgraph, or print its SDL with --sdl."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4001)
    parser.add_argument("--sdl", action="store_true", help="print the SDL and exit")
    args = parser.parse_args(argv)
    if args.sdl:
        sys.stdout.write(schema.as_str() + "\n")
        return 0
    uvicorn.run(create_app(), host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
