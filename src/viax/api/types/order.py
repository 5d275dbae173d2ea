"""What follows the quote: agreement, order, entitlements, invoice, payment."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from viax.api.context import Info
from viax.api.ids import encode_id
from viax.api.types.catalog import Money, Product
from viax.api.types.quote import load_product
from viax.motion import snapshot as domain

if TYPE_CHECKING:
    from viax.api.types.motion import Motion

strawberry.enum(domain.OrderStatus, name="OrderStatus")
strawberry.enum(domain.EntitlementStatus, name="EntitlementStatus")


def facet_id(type_name: str, motion_id: int, position: int) -> strawberry.ID:
    """Facet rows are keyed by their motion and position."""
    return encode_id(type_name, f"{motion_id}.{position}")


@strawberry.type(description="The signed agreement of a motion.")
class Agreement:
    number: str = strawberry.field(description="Agreement reference.")
    start_date: date = strawberry.field(description="First day in force.")
    end_date: date = strawberry.field(description="Last day in force.")
    signed_by: str = strawberry.field(description="Who signed for the customer.")
    signed_at: datetime = strawberry.field(description="When it was signed.")
    payment_days: int = strawberry.field(description="Payment terms in days.")
    renewal_uplift_cap_percent: Decimal = strawberry.field(
        description="Highest renewal uplift without tier-2 approval."
    )
    motion_id: strawberry.Private[int]

    @strawberry.field(description="The renewal motions of this agreement.")
    async def renewals(
        self, info: Info
    ) -> list[Annotated[Motion, strawberry.lazy("viax.api.types.motion")]]:
        # The motion module builds agreements, so it is imported when used.
        from viax.api.types.motion import load_children

        return await load_children(info, self.motion_id, domain.MotionKind.RENEWAL)

    @strawberry.field(description="The amendment motions of this agreement.")
    async def amendments(
        self, info: Info
    ) -> list[Annotated[Motion, strawberry.lazy("viax.api.types.motion")]]:
        from viax.api.types.motion import load_children

        return await load_children(info, self.motion_id, domain.MotionKind.AMENDMENT)

    @classmethod
    def of(cls, agreement: domain.Agreement, motion_id: int) -> Agreement:
        return cls(
            motion_id=motion_id,
            number=agreement.number,
            start_date=agreement.start_date,
            end_date=agreement.end_date,
            signed_by=agreement.signed_by,
            signed_at=agreement.signed_at,
            payment_days=agreement.payment_days,
            renewal_uplift_cap_percent=agreement.uplift_cap_percent,
        )


@strawberry.type(description="A line of an order, at the quote's price.")
class OrderLine:
    id: strawberry.ID = strawberry.field(description="Use it to record fulfilment.")
    quantity: int = strawberry.field(description="Units ordered.")
    fulfilled_quantity: int = strawberry.field(description="Units fulfilled.")
    returned_quantity: int = strawberry.field(
        description="Units that came back through completed returns."
    )
    unit_net: Money = strawberry.field(description="Net per unit, from the quote.")
    net: Money = strawberry.field(description="Net of the line, from the quote.")
    product_id: strawberry.Private[int]

    @strawberry.field(description="The ordered product.")
    async def product(self, info: Info) -> Product:
        return await load_product(info, self.product_id)


@strawberry.type(description="The order built from the accepted quote.")
class Order:
    number: str = strawberry.field(description="Order reference.")
    status: domain.OrderStatus = strawberry.field(description="Fulfilment status.")
    placed_at: datetime = strawberry.field(description="When it was placed.")
    total: Money = strawberry.field(description="Equals the accepted quote total.")
    price_hash: str = strawberry.field(description="Equals the quote's hash.")
    lines: list[OrderLine] = strawberry.field(description="Order lines.")
    motion_id: strawberry.Private[int]

    @strawberry.field(
        description="The return motions of this order's units, oldest first."
    )
    async def returns(
        self, info: Info
    ) -> list[Annotated[Motion, strawberry.lazy("viax.api.types.motion")]]:
        from viax.api.types.motion import load_children

        return await load_children(info, self.motion_id, domain.MotionKind.RETURN)

    @classmethod
    def of(cls, order: domain.Order, motion_id: int, currency: str) -> Order:
        return cls(
            motion_id=motion_id,
            number=order.number,
            status=order.status,
            placed_at=order.placed_at,
            total=Money.of(order.total, currency),
            price_hash=order.price_hash,
            lines=[
                OrderLine(
                    id=facet_id("OrderLine", motion_id, line.position),
                    quantity=line.quantity,
                    fulfilled_quantity=line.fulfilled_quantity,
                    returned_quantity=line.returned_quantity,
                    unit_net=Money.of(line.unit_net, currency),
                    net=Money.of(line.net, currency),
                    product_id=line.product_id,
                )
                for line in order.lines
            ],
        )


@strawberry.type(description="What the customer may use, from fulfilment.")
class Entitlement:
    id: strawberry.ID = strawberry.field(description="Entitlement id.")
    quantity: int = strawberry.field(description="Units entitled.")
    starts_on: date = strawberry.field(description="First day of use.")
    ends_on: date | None = strawberry.field(
        description="Last day of use; null for one-time products."
    )
    status: domain.EntitlementStatus = strawberry.field(
        description="ACTIVE or REVOKED."
    )
    product_id: strawberry.Private[int]

    @strawberry.field(description="The entitled product.")
    async def product(self, info: Info) -> Product:
        return await load_product(info, self.product_id)

    @classmethod
    def of(cls, entitlement: domain.Entitlement, motion_id: int) -> Entitlement:
        return cls(
            id=facet_id("Entitlement", motion_id, entitlement.position),
            quantity=entitlement.quantity,
            starts_on=entitlement.starts_on,
            ends_on=entitlement.ends_on,
            status=entitlement.status,
            product_id=entitlement.product_id,
        )


@strawberry.type(description="The invoice the system of record issued.")
class Invoice:
    number: str = strawberry.field(description="Invoice number, unique.")
    amount: Money = strawberry.field(description="Equals the order total.")
    issued_on: date = strawberry.field(description="Invoice date.")


@strawberry.type(description="The payment that closed the motion.")
class Payment:
    reference: str = strawberry.field(description="Payment reference.")
    amount: Money = strawberry.field(description="Equals the invoice amount.")
    paid_on: date = strawberry.field(description="Payment date.")
