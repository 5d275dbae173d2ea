"""Read entry points: nodes, motions, the catalog and the viewer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import Annotated, Protocol, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.relay import GlobalID, GlobalIDValueError

from viax.api.context import Info
from viax.api.ids import decode_int
from viax.api.pagination import encode_cursor, page_window
from viax.api.types.catalog import Account, Partner, PrincipalType, Product
from viax.api.types.model import MotionModelType, find_model
from viax.api.types.motion import Motion, MotionEvent, load_motion
from viax.motion.scope import is_internal
from viax.motion.snapshot import Channel, MotionKind, MotionState
from viax.store import queries as store


class NodeType(Protocol):
    """A node class whose batch resolver is a coroutine, as all of ours are."""

    async def resolve_nodes(
        self, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> Sequence[relay.Node | None]: ...


class Keyed(Protocol):
    """A listed store value, paginated by its integer id."""

    @property
    def id(self) -> int: ...


T = TypeVar("T", bound=Keyed)
N = TypeVar("N", bound=relay.Node)

NODE_TYPES: dict[str, NodeType] = {
    "Motion": Motion,
    "Product": Product,
    "Account": Account,
    "Partner": Partner,
}


@strawberry.input(description="Narrow the motions listed; all fields combine.")
class MotionFilter:
    state: MotionState | None = strawberry.field(default=None, description="State.")
    kind: MotionKind | None = strawberry.field(default=None, description="Kind.")
    channel: Channel | None = strawberry.field(default=None, description="Channel.")
    account_id: strawberry.ID | None = strawberry.field(
        default=None, description="Customer account."
    )
    partner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Selling partner."
    )
    updated_after: datetime | None = strawberry.field(
        default=None, description="Changed strictly after this instant."
    )

    def to_store(self) -> store.MotionFilter:
        return store.MotionFilter(
            state=self.state,
            kind=self.kind,
            channel=self.channel,
            account_id=_filter_id(self.account_id, "Account"),
            partner_id=_filter_id(self.partner_id, "Partner"),
            updated_after=self.updated_after,
        )


def _filter_id(value: str | None, type_name: str) -> int | None:
    if value is None:
        return None
    # An id that names nothing matches nothing, like an id that does not exist.
    return decode_int(value, type_name) or -1


async def _resolve_nodes(info: Info, ids: Sequence[str]) -> list[relay.Node | None]:
    wanted: dict[NodeType, list[tuple[int, str]]] = {}
    for index, value in enumerate(ids):
        try:
            gid = GlobalID.from_id(value)
        except GlobalIDValueError:
            continue
        node_type = NODE_TYPES.get(gid.type_name)
        if node_type is not None:
            wanted.setdefault(node_type, []).append((index, gid.node_id))
    found: list[relay.Node | None] = [None] * len(ids)
    for node_type, pairs in wanted.items():
        nodes = await node_type.resolve_nodes(
            info=info, node_ids=[key for _, key in pairs]
        )
        for (index, _), node in zip(pairs, nodes, strict=True):
            found[index] = node
    return found


def _require_internal(info: Info) -> None:
    if not is_internal(info.context.principal):
        raise GraphQLError(
            "only internal roles may list accounts and partners",
            extensions={"code": "FORBIDDEN_ROLE"},
        )


async def _connection(
    info: Info,
    lister: Callable[..., Awaitable[store.Page[T]]],
    kind: str,
    node: Callable[[T], N],
    pages: tuple[int | None, str | None, int | None, str | None],
    **criteria: object,
) -> relay.Connection[N]:
    window = page_window(kind, *pages)
    async with info.context.store.engine.connect() as conn:
        page = await lister(conn, window=window, **criteria)
    edges = [
        relay.Edge(cursor=encode_cursor(kind, item.id), node=node(item))
        for item in page.items
    ]
    page_info = relay.PageInfo(
        has_next_page=page.has_next,
        has_previous_page=page.has_previous,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return relay.Connection(edges=edges, page_info=page_info)


@strawberry.type
class Query:
    @strawberry.field(description="Any object by its global id; null if unseen.")
    async def node(self, info: Info, id: strawberry.ID) -> relay.Node | None:
        return (await _resolve_nodes(info, [id]))[0]

    @strawberry.field(description="Objects by global id, in order; null if unseen.")
    async def nodes(
        self, info: Info, ids: list[strawberry.ID]
    ) -> list[relay.Node | None]:
        if len(ids) > 100:
            raise GraphQLError("at most 100 ids", extensions={"code": "INVALID_INPUT"})
        return await _resolve_nodes(info, ids)

    @strawberry.field(description="A motion by id; null if it is not visible.")
    async def motion(
        self,
        info: Info,
        id: strawberry.ID,
        as_of: Annotated[
            datetime | None,
            strawberry.argument(
                description="Rebuild it from its events as it was at this instant; "
                "null before it started."
            ),
        ] = None,
    ) -> Motion | None:
        key = decode_int(id, "Motion")
        found = None if key is None else await load_motion(info, key)
        if found is None or as_of is None:
            return found
        if as_of.tzinfo is None:
            raise GraphQLError(
                "asOf needs a time zone", extensions={"code": "INVALID_INPUT"}
            )
        return await found.as_of(info, as_of)

    @strawberry.field(
        description="A motion model by kind, at a version or its latest; "
        "null when none is loaded."
    )
    def motion_model(
        self, info: Info, kind: MotionKind, version: int | None = None
    ) -> MotionModelType | None:
        found = find_model(info.context.models, kind, version)
        return None if found is None else MotionModelType.of(found)

    @strawberry.field(description="Motions visible to you, newest first.")
    async def motions(
        self,
        info: Info,
        filter: MotionFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> relay.Connection[Motion]:
        return await _connection(
            info,
            store.list_motions,
            "motion",
            Motion.of,
            (first, after, last, before),
            filter=(filter or MotionFilter()).to_store(),
            visible_to=info.context.principal,
        )

    @strawberry.field(description="The catalog, by id.")
    async def products(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> relay.Connection[Product]:
        pages = (first, after, last, before)
        return await _connection(
            info, store.list_products, "product", Product.of, pages
        )

    @strawberry.field(description="Customer accounts (internal roles only).")
    async def accounts(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> relay.Connection[Account]:
        _require_internal(info)
        pages = (first, after, last, before)
        return await _connection(
            info, store.list_accounts, "account", Account.of, pages
        )

    @strawberry.field(description="Partners (internal roles only).")
    async def partners(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> relay.Connection[Partner]:
        _require_internal(info)
        pages = (first, after, last, before)
        return await _connection(
            info, store.list_partners, "partner", Partner.of, pages
        )

    @strawberry.field(description="Who you are, as the token says.")
    def viewer(self, info: Info) -> PrincipalType:
        return PrincipalType.of(info.context.principal)


__all__ = ["MotionEvent", "Query"]
