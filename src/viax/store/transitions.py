"""The unit of work: one transition, decided and written in one transaction."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from viax.errors import StoreError
from viax.motion.codec import encode
from viax.motion.decision import (
    Decision,
    DecisionContext,
    MotionChange,
    TransitionRequest,
)
from viax.motion.engine import decide, input_digest
from viax.motion.inputs import ChangeInput, MigrateInput, StartInput
from viax.motion.model import ModelError, ModelRegistry, MotionModel
from viax.motion.snapshot import Action, MotionKind, MotionSnapshot
from viax.store.columns import principal_document
from viax.store.database import writer
from viax.store.effects import Target, write_effects
from viax.store.events import EventRecord, append_event
from viax.store.facts import decision_context, visible_snapshot
from viax.store.idempotency import remember, replay
from viax.store.outcome import (
    Applied,
    Conflict,
    NotFound,
    Outcome,
    Previewed,
    rejected,
)
from viax.store.tables import motions

logger = logging.getLogger(__name__)

# A unique violation means a concurrent writer won a race the guards check
# (an idempotency key, an invoice number); one more run lets them see it.
_ATTEMPTS = 2


class _ParentMovedError(StoreError):
    """The parent a change motion changes moved on after it was read."""


class Store:
    """The store handle: the engine, the models, and the transition."""

    def __init__(self, engine: AsyncEngine, registry: ModelRegistry) -> None:
        self.engine = engine
        self.registry = registry
        self._writer = writer(engine)
        # Called after each transition that committed an event.
        self.on_commit: list[Callable[[], None]] = []

    async def transition(self, request: TransitionRequest, now: datetime) -> Outcome:
        """Decide the request and, unless refused or a dry run, write it."""
        if now.tzinfo is None:
            raise ValueError("the transition time must be timezone-aware")
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                outcome = await self._attempt(request, now)
            except (IntegrityError, _ParentMovedError) as error:
                if attempt == _ATTEMPTS:
                    raise StoreError(
                        "the transition lost a race twice: a constraint broke or "
                        "the parent motion moved on"
                    ) from error
                logger.info(
                    "transition %s retried after a concurrent write", request.action
                )
            except DBAPIError as error:
                raise StoreError("the database failed during a transition") from error
            else:
                if isinstance(outcome, Applied) and not outcome.replayed:
                    for hook in self.on_commit:
                        hook()
                return outcome
        raise AssertionError("unreachable")

    async def _attempt(self, request: TransitionRequest, now: datetime) -> Outcome:
        async with self._writer.connect() as connection:
            async with connection.begin() as transaction:
                outcome = await _Transition(
                    connection, self.registry, request, now
                ).run()
                if not isinstance(outcome, Applied) or outcome.replayed:
                    await transaction.rollback()
            return outcome


class _Transition:
    """One run of one request on an open write transaction."""

    def __init__(
        self,
        connection: AsyncConnection,
        registry: ModelRegistry,
        request: TransitionRequest,
        now: datetime,
    ) -> None:
        self.connection = connection
        self.registry = registry
        self.request = request
        self.now = now
        self.digest = input_digest(request)

    async def run(self) -> Outcome:
        """Check the key, load, decide, then write."""
        replayed = await replay(self.connection, self.request, self.digest)
        if replayed is not None:
            return replayed

        snapshot = None
        if self.request.action is not Action.START:
            snapshot = await visible_snapshot(self.connection, self.request)
            refusal = self._missing_or_stale(snapshot)
            if refusal is not None:
                return refusal

        context = self._with_target(
            await decision_context(self.connection, self.request, snapshot, self.now)
        )
        decision = decide(self._model(snapshot), self.request, context)
        if not decision.allowed:
            return rejected(decision.verdicts)
        assert decision.after is not None, "an allowed decision has a motion"
        if self.request.dry_run:
            return Previewed(decision, decision.after)
        return await self._write(snapshot, decision, decision.after, context.parent)

    def _missing_or_stale(
        self, snapshot: MotionSnapshot | None
    ) -> NotFound | Conflict | None:
        if snapshot is None:
            return NotFound(self.request.motion_id or 0)
        # Without an expected version the check is against the version just
        # read; the guarded UPDATE still makes a concurrent writer lose.
        expected = self.request.expected_version
        if expected is not None and expected != snapshot.version:
            return Conflict(expected, snapshot.version)
        return None

    def _model(self, snapshot: MotionSnapshot | None) -> MotionModel:
        if snapshot is None:
            asked = self.request.input
            kind = (
                asked.kind if isinstance(asked, StartInput) else MotionKind.NEW_BUSINESS
            )
            return self.registry.latest(kind)
        return self.registry.get(snapshot.model_name, snapshot.model_version)

    def _with_target(self, context: DecisionContext) -> DecisionContext:
        asked, snapshot = self.request.input, context.snapshot
        if not isinstance(asked, MigrateInput) or snapshot is None:
            return context
        try:
            target = self.registry.get(snapshot.model_name, asked.to_version)
        except ModelError:
            return context  # the engine's guard names the version as unknown
        return replace(context, target_model=target)

    async def _write(
        self,
        before: MotionSnapshot | None,
        decision: Decision,
        after: MotionSnapshot,
        parent: MotionSnapshot | None,
    ) -> Outcome:
        if before is None:
            after = await self._insert_motion(after)
        elif not await self._bump(before, after):
            return await self._lost_race(before)
        await write_effects(
            Target(self.connection, after.id, after.account_id), decision.effects
        )
        event = await self._append(before, decision, after)
        if decision.parent_effects:
            assert parent is not None, "parent effects come with their parent"
            assert decision.parent_after is not None
            await self._change(
                MotionChange(parent, decision.parent_effects, decision.parent_after),
                event,
            )
        for change in decision.changes:
            await self._change(change, event)
        await remember(self.connection, event, self.request.actor.subject, self.now)
        logger.info(
            "motion %s %s applied: version %s -> %s",
            after.id,
            decision.action,
            0 if before is None else before.version,
            after.version,
        )
        return Applied(after, event, replayed=False)

    async def _insert_motion(self, after: MotionSnapshot) -> MotionSnapshot:
        # The number is made of the id, which exists only once the row does;
        # a unique placeholder holds its place for the one statement between.
        motion_id = await self.connection.scalar(
            insert(motions)
            .values(
                number=f"new-{uuid.uuid4().hex[:24]}",
                kind=after.kind,
                state=after.state,
                version=after.version,
                model_name=after.model_name,
                model_version=after.model_version,
                channel=after.channel,
                currency=after.currency,
                account_id=after.account_id,
                partner_id=after.partner_id,
                parent_id=after.parent_id,
                effective_date=after.effective_date,
                owner=principal_document(after.owner),
                owner_subject=after.owner.subject,
                quote_revisions=after.quote_revisions,
                created_at=after.created_at,
                updated_at=after.updated_at,
            )
            .returning(motions.c.id)
        )
        assert motion_id is not None
        number = f"M-{motion_id:06d}"
        await self.connection.execute(
            update(motions).where(motions.c.id == motion_id).values(number=number)
        )
        return replace(after, id=motion_id, number=number)

    async def _bump(self, before: MotionSnapshot, after: MotionSnapshot) -> bool:
        result = await self.connection.execute(
            update(motions)
            .where(motions.c.id == before.id, motions.c.version == before.version)
            .values(
                state=after.state,
                version=motions.c.version + 1,
                quote_revisions=after.quote_revisions,
                updated_at=after.updated_at,
            )
        )
        return result.rowcount == 1

    async def _change(self, change: MotionChange, by: EventRecord) -> EventRecord:
        # The parent and its change motions were read under the parent's row
        # lock (see facts), so the version the engine decided on is current;
        # should it not be, the whole transition runs again on what is there.
        before, after = change.before, change.after
        if not await self._bump(before, after):
            raise _ParentMovedError(f"motion {before.id} moved on")
        await write_effects(
            Target(self.connection, before.id, before.account_id), change.effects
        )
        applied = ChangeInput(by.motion_id, by.sequence)
        event = await append_event(
            self.connection,
            EventRecord(
                sequence=0,
                motion_id=before.id,
                version=after.version,
                action=Action.APPLY_CHANGE,
                from_state=before.state,
                to_state=after.state,
                actor=self.request.actor,
                at=self.now,
                idempotency_key=None,
                input_digest=self._change_digest(before, applied),
                payload={
                    "input": encode(applied),
                    "effects": encode(change.effects),
                },
            ),
        )
        logger.info(
            "motion %s change of motion %s applied: version %s -> %s",
            before.id,
            by.motion_id,
            before.version,
            after.version,
        )
        return event

    def _change_digest(self, parent: MotionSnapshot, applied: ChangeInput) -> str:
        return input_digest(
            TransitionRequest(
                Action.APPLY_CHANGE, applied, self.request.actor, motion_id=parent.id
            )
        )

    async def _lost_race(self, before: MotionSnapshot) -> Outcome:
        # The winner may have been this very request sent twice at once.
        replayed = await replay(self.connection, self.request, self.digest)
        if replayed is not None:
            return replayed
        current = await self.connection.scalar(
            select(motions.c.version).where(motions.c.id == before.id)
        )
        return Conflict(before.version, int(current or before.version))

    async def _append(
        self, before: MotionSnapshot | None, decision: Decision, after: MotionSnapshot
    ) -> EventRecord:
        assert decision.to_state is not None
        return await append_event(
            self.connection,
            EventRecord(
                sequence=0,
                motion_id=after.id,
                version=after.version,
                action=decision.action,
                from_state=None if before is None else before.state,
                to_state=decision.to_state,
                actor=self.request.actor,
                at=self.now,
                idempotency_key=self.request.idempotency_key,
                input_digest=decision.input_digest,
                payload={
                    "input": encode(self.request.input),
                    "effects": encode(decision.effects),
                },
            ),
        )
