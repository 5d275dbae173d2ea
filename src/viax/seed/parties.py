"""The demo catalog, parties and principals, inserted as reference rows."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from viax.motion.snapshot import Account, Partner, Principal, Product, ProductKind
from viax.store.tables import accounts, partners, product_prices, products


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


SALES = Principal("sales@demo", frozenset({"sales"}))
DEAL_DESK = Principal("deal-desk@demo", frozenset({"deal_desk"}))
FINANCE = Principal("finance@demo", frozenset({"finance"}))
FULFILMENT = Principal("fulfilment@demo", frozenset({"fulfilment"}))
ERP = Principal("erp@demo", frozenset({"erp"}))
ADMIN = Principal("admin@demo", frozenset({"admin"}))


def partner_user(partner_id: int) -> Principal:
    """The demo user of one partner organisation."""
    return Principal(
        f"partner-{partner_id}@demo", frozenset({"partner"}), partner_id=partner_id
    )


def customer_user(account_id: int) -> Principal:
    """The demo user of one customer account."""
    return Principal(
        f"customer-{account_id}@demo", frozenset({"customer"}), account_id=account_id
    )


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
    await connection.execute(insert(accounts), [asdict(a) for a in ACCOUNTS])
    await connection.execute(
        insert(partners),
        [asdict(p) | {"regions": sorted(p.regions)} for p in PARTNERS],
    )


def _product_row(product: Product) -> dict[str, Any]:
    row = asdict(product)
    del row["list_prices"]  # they have a table of their own
    return row | {name: sorted(row[name]) for name in _SETS}


_SETS = ("regions", "segments", "partner_tiers")
