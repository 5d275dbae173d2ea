"""Deterministic demo data: a catalog, accounts, partners and motions.

The catalog and the parties are reference data and are inserted as rows;
every motion is driven through `Store.transition`, with the real guards,
by the demo principals of `viax.seed.parties`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from viax.seed.journey import JOURNEY_MOTIONS, seed_journey
from viax.seed.motions import SeedError, seed_motions
from viax.seed.parties import (
    ACCOUNTS,
    ADMIN,
    DEAL_DESK,
    ERP,
    FINANCE,
    FULFILMENT,
    PARTNERS,
    PRODUCTS,
    SALES,
    catalog_present,
    customer_user,
    load_catalog,
    partner_user,
)
from viax.store.database import writer
from viax.store.transitions import Store

__all__ = [
    "ACCOUNTS",
    "ADMIN",
    "DEAL_DESK",
    "ERP",
    "FINANCE",
    "FULFILMENT",
    "PARTNERS",
    "PRODUCTS",
    "SALES",
    "SeedError",
    "SeedReport",
    "catalog_present",
    "customer_user",
    "load_catalog",
    "partner_user",
    "seed",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SeedReport:
    """What a seed run did."""

    seeded: bool
    products: int
    accounts: int
    partners: int
    motions: int
    message: str


async def seed(
    store: Store, *, motions: int = 40, now: datetime, journey: bool = False
) -> SeedReport:
    """Load the demo data into an empty database; a seeded one is left alone.

    With `journey`, one customer's deal and the motions that change it come
    first, before the `motions` spread over every state.
    """
    async with writer(store.engine).begin() as connection:
        if await catalog_present(connection):
            logger.info("database already seeded; nothing done")
            return SeedReport(False, 0, 0, 0, 0, "already seeded: nothing done")
        await load_catalog(connection)
    if journey:
        await seed_journey(store, now)
    await seed_motions(store, motions, now)
    message = f"seeded {len(PRODUCTS)} products and {motions} motions"
    if journey:
        message += f", and a customer journey of {JOURNEY_MOTIONS} linked motions"
    logger.info("seeded %s products and %s motions", len(PRODUCTS), motions)
    total = motions + (JOURNEY_MOTIONS if journey else 0)
    return SeedReport(True, len(PRODUCTS), len(ACCOUNTS), len(PARTNERS), total, message)
