"""Deterministic demo data: a catalog, accounts, partners and motions.

The catalog and the parties are reference data and are inserted as rows;
every motion is driven through `Store.transition`, with the real guards,
by the demo principals below.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from viax.motion.snapshot import Account, Partner, Product, ProductKind
from viax.store.tables import accounts, partners, product_prices, products

logger = logging.getLogger(__name__)


def _product(
    id: int,
    sku: str,
    name: str,
    family: str,
    kind: ProductKind,
    eur: int,
    unit_cost: int,
    **extra: Any,
) -> Product:
    # USD and GBP list prices follow EUR by fixed, rounded ratios.
    prices = {"EUR": eur, "USD": eur * 11 // 10, "GBP": eur * 85 // 100}
    return Product(id, sku, name, family, kind, prices, unit_cost, **extra)


SUBSCRIPTION, ONE_TIME = ProductKind.SUBSCRIPTION, ProductKind.ONE_TIME

PRODUCTS = (
    _product(1, "CRM-PRO", "Pipeline Pro", "crm", SUBSCRIPTION, 4_900, 900),
    _product(2, "CRM-ENT", "Pipeline Enterprise", "crm", SUBSCRIPTION, 9_900, 2_100),
    _product(
        3,
        "CRM-FORECAST",
        "Forecasting add-on",
        "crm",
        SUBSCRIPTION,
        1_900,
        400,
        prerequisite_sku="CRM-PRO",
    ),
    _product(
        4, "SUPPORT-PREM", "Premium support", "services", SUBSCRIPTION, 2_500, 800
    ),
    _product(
        5, "ONBOARD", "Onboarding package", "services", ONE_TIME, 250_000, 120_000
    ),
    _product(6, "TRAINING", "Training day", "services", ONE_TIME, 120_000, 60_000),
    _product(
        7,
        "EU-RESIDENCY",
        "EU data residency",
        "compliance",
        SUBSCRIPTION,
        1_500,
        300,
        regions=frozenset({"emea"}),
        segments=frozenset({"mid", "enterprise"}),
    ),
    _product(
        8,
        "LEGACY-SYNC",
        "Legacy connector",
        "crm",
        SUBSCRIPTION,
        900,
        200,
        active=False,
    ),
)

ACCOUNTS = (
    Account(1, "Northwind Traders", "smb", "emea", "EUR"),
    Account(2, "Contoso Retail", "mid", "amer", "USD"),
    Account(3, "Globex Corporation", "enterprise", "amer", "USD"),
    Account(4, "Initech Ltd", "mid", "emea", "GBP"),
    Account(5, "Umbrella Pharma", "enterprise", "emea", "EUR"),
    Account(6, "Soylent Foods", "smb", "apac", "USD"),
)

PARTNERS = (
    Partner(1, "Silverline Solutions", "silver", frozenset({"emea"})),
    Partner(2, "Goldcrest Partners", "gold", frozenset({"emea", "amer"})),
    Partner(3, "Platinum Peak", "platinum", frozenset({"emea", "amer", "apac"})),
)


@dataclass(frozen=True, slots=True)
class SeedReport:
    """What a seed run did."""

    seeded: bool
    products: int
    accounts: int
    partners: int
    motions: int
    message: str


async def catalog_present(connection: AsyncConnection) -> bool:
    """Whether the demo catalog was loaded before."""
    count = await connection.scalar(select(func.count()).select_from(products))
    return bool(count)


async def load_catalog(connection: AsyncConnection) -> None:
    """Insert the demo products, prices, accounts and partners."""
    await connection.execute(insert(products), [_product_row(p) for p in PRODUCTS])
    await connection.execute(
        insert(product_prices),
        [
            {"product_id": product.id, "currency": currency, "amount": amount}
            for product in PRODUCTS
            for currency, amount in sorted(product.list_prices.items())
        ],
    )
    await connection.execute(
        insert(accounts),
        [
            {
                "id": a.id,
                "name": a.name,
                "segment": a.segment,
                "region": a.region,
                "currency": a.currency,
            }
            for a in ACCOUNTS
        ],
    )
    await connection.execute(
        insert(partners),
        [
            {"id": p.id, "name": p.name, "tier": p.tier, "regions": sorted(p.regions)}
            for p in PARTNERS
        ],
    )


def _product_row(product: Product) -> dict[str, Any]:
    return {
        "id": product.id,
        "sku": product.sku,
        "name": product.name,
        "family": product.family,
        "kind": product.kind,
        "unit_cost": product.unit_cost,
        "active": product.active,
        "regions": sorted(product.regions),
        "segments": sorted(product.segments),
        "partner_tiers": sorted(product.partner_tiers),
        "prerequisite_sku": product.prerequisite_sku,
    }
