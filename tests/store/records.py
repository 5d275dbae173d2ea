"""Rows for store tests that need a motion without going through the engine."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from viax.motion.snapshot import Channel, MotionKind, MotionState, Principal
from viax.seed import load_catalog
from viax.store.columns import principal_document
from viax.store.tables import metadata, motions

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SALES = Principal("sales@demo", frozenset({"sales"}))


async def insert_motion(
    connection: AsyncConnection,
    *,
    account_id: int = 1,
    partner_id: int | None = None,
    channel: Channel = Channel.DIRECT,
    state: MotionState = MotionState.DRAFT,
    owner: Principal = SALES,
) -> int:
    """A bare motion row; returns its id."""
    motion_id = await connection.scalar(
        insert(motions)
        .values(
            number=f"T-{secrets.token_hex(6)}",
            kind=MotionKind.NEW_BUSINESS,
            state=state,
            version=1,
            model_name="new_business",
            model_version=1,
            channel=channel,
            currency="EUR",
            account_id=account_id,
            partner_id=partner_id,
            owner=principal_document(owner),
            owner_subject=owner.subject,
            quote_revisions=0,
            created_at=NOW,
            updated_at=NOW,
        )
        .returning(motions.c.id)
    )
    assert motion_id is not None
    return motion_id


async def catalog_loaded(engine: AsyncEngine) -> None:
    """The demo catalog, accounts and partners, without any motion."""
    async with engine.begin() as connection:
        await load_catalog(connection)


async def row_counts(engine: AsyncEngine) -> dict[str, int]:
    """How many rows every table holds."""
    async with engine.connect() as connection:
        return {
            table.name: int(
                await connection.scalar(select(func.count()).select_from(table)) or 0
            )
            for table in metadata.sorted_tables
        }
