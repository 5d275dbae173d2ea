"""Money, the catalog and the parties: products, accounts, partners."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Self

import strawberry
from strawberry import relay

from viax.api.audience import Audience, restricted
from viax.api.context import Info
from viax.api.ids import decode_int, encode_id, int_keys
from viax.motion import snapshot as domain
from viax.motion.scope import is_internal

MINOR_EXPONENT = -2

strawberry.enum(domain.ProductKind, name="ProductKind")


@strawberry.type(description="An amount of money in one currency.")
class Money:
    amount: Decimal = strawberry.field(
        description="Decimal string with two places, e.g. 1234.50."
    )
    currency: str = strawberry.field(description="ISO 4217 currency code.")

    @classmethod
    def of(cls, minor: int, currency: str) -> Money:
        return cls(amount=Decimal(minor).scaleb(MINOR_EXPONENT), currency=currency)


@strawberry.federation.type(
    keys=["id"], name="Product", description="A sellable product of the catalog."
)
class Product(relay.Node):
    key: relay.NodeID[int]
    sku: str = strawberry.field(description="Stock keeping unit, unique.")
    name: str = strawberry.field(description="Display name.")
    family: str = strawberry.field(description="Product family.")
    kind: domain.ProductKind = strawberry.field(
        description="subscription (per unit per month) or one_time (per unit)."
    )
    active: bool = strawberry.field(description="Whether it can be quoted.")
    prerequisite_sku: str | None = strawberry.field(
        description="The base product an add-on needs, if any."
    )
    prices: strawberry.Private[dict[str, int]]
    cost: strawberry.Private[int]
    unit_cost: int | None = restricted(
        Audience.INTERNAL,
        "Internal cost per unit (per month for subscriptions), in minor units.",
        "cost",
    )

    @classmethod
    def of(cls, product: domain.Product) -> Self:
        return cls(
            key=product.id,
            sku=product.sku,
            name=product.name,
            family=product.family,
            kind=product.kind,
            active=product.active,
            prerequisite_sku=product.prerequisite_sku,
            prices=product.list_prices,
            cost=product.unit_cost,
        )

    @strawberry.field(description="Unit list price in a currency, if offered.")
    def list_price(self, currency: str) -> Money | None:
        amount = self.prices.get(currency.upper())
        return None if amount is None else Money.of(amount, currency.upper())

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        keys = int_keys(node_ids)
        found = await info.context.loaders.product.load_many(keys)
        return [None if p is None else cls.of(p) for p in found]

    @classmethod
    async def resolve_reference(cls, id: strawberry.ID, info: Info) -> Self | None:
        key = decode_int(id, "Product")
        product = None if key is None else await info.context.loaders.product.load(key)
        return None if product is None else cls.of(product)


@strawberry.federation.type(
    keys=["id"], name="Account", description="A customer account."
)
class Account(relay.Node):
    key: relay.NodeID[int]
    name: str = strawberry.field(description="Legal or display name.")
    segment: str = strawberry.field(description="smb, mid or enterprise.")
    region: str = strawberry.field(description="emea, amer or apac.")
    currency: str = strawberry.field(description="Currency the account buys in.")

    @classmethod
    def of(cls, account: domain.Account) -> Self:
        return cls(
            key=account.id,
            name=account.name,
            segment=account.segment,
            region=account.region,
            currency=account.currency,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        principal = info.context.principal
        keys = int_keys(node_ids)
        found = await info.context.loaders.account.load_many(keys)
        return [
            cls.of(a) if a is not None and may_see_account(principal, a.id) else None
            for a in found
        ]

    @classmethod
    async def resolve_reference(cls, id: strawberry.ID, info: Info) -> Self | None:
        key = decode_int(id, "Account")
        if key is None or not may_see_account(info.context.principal, key):
            return None
        account = await info.context.loaders.account.load(key)
        return None if account is None else cls.of(account)


def may_see_account(principal: domain.Principal, account_id: int) -> bool:
    """Internal roles see every account; a customer only its own."""
    return is_internal(principal) or principal.account_id == account_id


@strawberry.type(name="Partner", description="A reselling partner organisation.")
class Partner(relay.Node):
    key: relay.NodeID[int]
    name: str = strawberry.field(description="Partner name.")
    tier: str = strawberry.field(description="silver, gold or platinum.")

    @classmethod
    def of(cls, partner: domain.Partner) -> Self:
        return cls(key=partner.id, name=partner.name, tier=partner.tier)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        principal = info.context.principal
        keys = int_keys(node_ids)
        found = await info.context.loaders.partner.load_many(keys)
        return [
            cls.of(p) if p is not None and may_see_partner(principal, p.id) else None
            for p in found
        ]


def may_see_partner(principal: domain.Principal, partner_id: int) -> bool:
    """Internal roles see every partner; a partner user only its own."""
    return is_internal(principal) or principal.partner_id == partner_id


@strawberry.type(name="Principal", description="Who acts: a user or a service.")
class PrincipalType:
    id: str = strawberry.field(description="The token subject.")
    roles: list[str] = strawberry.field(description="Roles the token grants.")
    partner_id: strawberry.ID | None = strawberry.field(
        description="Partner the principal acts for, if any."
    )
    account_id: strawberry.ID | None = strawberry.field(
        description="Customer account the principal acts for, if any."
    )

    @classmethod
    def of(cls, principal: domain.Principal) -> PrincipalType:
        partner, account = principal.partner_id, principal.account_id
        return cls(
            id=principal.subject,
            roles=sorted(principal.roles),
            partner_id=None if partner is None else encode_id("Partner", partner),
            account_id=None if account is None else encode_id("Account", account),
        )
