"""One execution and one encoded frame per event for subscribers alike.

Subscribers whose document, operation, variables and viewer are the same
form a group. For each event the group decides once whether the viewer may
see it, executes the selection once with loaders of its own, and encodes
the result's data once; each subscriber's frame adds only its operation id
and its own extensions.
What each subscriber keeps to itself: its replay from `afterSequence`, its
token's expiry and its `complete`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import ExecutionResult, FieldNode, VariableNode, Visitor, visit
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from viax.api.context import Info, RequestContext
from viax.api.types.motion import MotionEvent
from viax.motion.snapshot import Principal
from viax.store.events import EventRecord

# Events of a group kept for subscribers still on their way to them; one
# that arrives later than this executes again, with the same outcome.
KEPT_EVENTS = 64
RESUME_ARGUMENT = "afterSequence"
CANONICAL = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS

Visibility = Callable[[RequestContext, EventRecord], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class GroupKey:
    """Everything an event's result can depend on, the event aside."""

    document: str
    operation: str | None
    variables: bytes
    viewer: Principal
    trusted_gateway: bool


class SharedData(dict[str, Any]):
    """A result's data, encoded once for every subscriber of the group."""

    __slots__ = ("_text",)

    def text(self) -> str:
        """The JSON of the data, encoded on first use."""
        try:
            return self._text
        except AttributeError:
            self._text: str = orjson.dumps(self).decode()
            return self._text


class SharedEvent:
    """One event of one group: its visibility and its result, each once."""

    def __init__(
        self, fanout: Fanout, event: EventRecord, context: RequestContext
    ) -> None:
        self.fanout = fanout
        self.event = event
        # Dropped once the outcome is known: the loaders' reads are not kept
        # for every event a group remembers.
        self._context: RequestContext | None = context
        self._visible: asyncio.Future[bool] | None = None
        self._result: asyncio.Future[ExecutionResult] | None = None

    async def visible(self, check: Visibility) -> bool:
        """Whether the group's viewer may see the event, decided once."""
        if self._visible is None:
            self._visible = asyncio.ensure_future(check(self._own(), self.event))
        # A subscriber leaving must not cancel the others' answer.
        visible = await asyncio.shield(self._visible)
        if not visible:
            self._context = None
        return visible

    async def result(self, executor: FanoutExecutor) -> ExecutionResult:
        """The group's result for the event, executed by the first to ask."""
        if self._result is None:
            self._result = asyncio.ensure_future(self._execute(executor))
        shared = await asyncio.shield(self._result)
        # Error extensions may rewrite the list; the data stays shared.
        errors = None if shared.errors is None else list(shared.errors)
        return ExecutionResult(shared.data, errors)

    async def _execute(self, executor: FanoutExecutor) -> ExecutionResult:
        own = executor.build_per_event_executor(MotionEvent.of(self.event))
        own.context_value = self._own()
        # The first subscriber's operation ending must not cut the others'.
        own.abort_signal = None
        outcome: Any = own.execute_operation(False)
        if own.is_awaitable(outcome):
            outcome = await outcome
        assert isinstance(outcome, ExecutionResult)
        data = None if outcome.data is None else SharedData(outcome.data)
        self.fanout.executions += 1
        self._context = None
        return ExecutionResult(data, outcome.errors)

    def _own(self) -> RequestContext:
        if self._context is None:
            raise RuntimeError("the event's outcome is known; its context is gone")
        return self._context


@dataclass(eq=False, slots=True)
class Group:
    """The subscribers of one key, and the events they are being sent."""

    fanout: Fanout
    key: GroupKey
    members: int = 0
    events: OrderedDict[int, SharedEvent] = field(default_factory=OrderedDict)

    def event(self, event: EventRecord, context: RequestContext) -> SharedEvent:
        """The shared state of this event, created by the first to reach it."""
        shared = self.events.get(event.sequence)
        if shared is None:
            shared = SharedEvent(self.fanout, event, context.for_event())
            self.events[event.sequence] = shared
            while len(self.events) > KEPT_EVENTS:
                self.events.popitem(last=False)
        return shared


class Fanout:
    """The groups of one process's live subscriptions."""

    def __init__(self) -> None:
        self._groups: dict[GroupKey, Group] = {}
        # Executions of shared events so far: what sharing saves is visible.
        self.executions = 0

    @contextlib.contextmanager
    def join(self, key: GroupKey) -> Iterator[Group]:
        """Belong to the group of `key` while the subscription lasts."""
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = Group(self, key)
        group.members += 1
        try:
            yield group
        finally:
            group.members -= 1
            if group.members == 0 and self._groups.get(key) is group:
                del self._groups[key]

    @property
    def groups(self) -> int:
        """How many groups have members."""
        return len(self._groups)


class FanoutExecutor(StrawberryGraphQLCoreExecutionContext):
    """Executes a shared event once per group; anything else as usual."""

    def execute_operation(self, serially: bool | None = None) -> Any:
        """The group's result for a shared event, else a normal execution."""
        shared = getattr(self.root_value, "shared", None)
        if isinstance(shared, SharedEvent):
            return shared.result(self)
        return super().execute_operation(serially)


def group_key(info: Info) -> GroupKey:
    """The group of the subscription `info` belongs to."""
    context = info.context
    variables = dict(info.variable_values)
    resume = _resume_variable(info)
    if resume is not None:
        # Only the replay depends on it; the live events are the same.
        variables.pop(resume, None)
    return GroupKey(
        document=_document_text(info),
        operation=None if info.operation.name is None else info.operation.name.value,
        variables=orjson.dumps(variables, option=CANONICAL, default=repr),
        viewer=context.principal,
        trusted_gateway=context.trusted_gateway,
    )


def _document_text(info: Info) -> str:
    location = info.operation.loc
    if location is None:
        # Without its source the fragments are out of sight: share nothing.
        return f"unshared operation {id(info.operation)}"
    return location.source.body


class _VariableUses(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.uses: dict[str, int] = {}
        self.spreads = 0

    def enter_variable_definition(self, *_: object) -> object:
        return self.SKIP

    def enter_variable(self, node: VariableNode, *_: object) -> None:
        self.uses[node.name.value] = self.uses.get(node.name.value, 0) + 1

    def enter_fragment_spread(self, *_: object) -> None:
        self.spreads += 1


def _resume_variable(info: Info) -> str | None:
    """The variable given to `afterSequence` when nothing else reads it.

    A fragment might read it too, unseen from here: with fragments, none.
    """
    named = [
        argument.value.name.value
        for selection in info.operation.selection_set.selections
        if isinstance(selection, FieldNode) and selection.name.value == info.field_name
        for argument in selection.arguments or ()
        if argument.name.value == RESUME_ARGUMENT
        and isinstance(argument.value, VariableNode)
    ]
    if len(named) != 1:
        return None
    counter = _VariableUses()
    visit(info.operation, counter)
    if counter.spreads or counter.uses.get(named[0]) != 1:
        return None
    return named[0]


def next_frame(message: dict[str, Any]) -> str | None:
    """A `next` frame spliced around its shared data; None if not shared."""
    payload = message.get("payload")
    if message.get("type") != "next" or not isinstance(payload, dict):
        return None
    data = payload.get("data")
    if not isinstance(data, SharedData):
        return None
    rest = {name: value for name, value in payload.items() if name != "data"}
    tail = "," + orjson.dumps(rest).decode()[1:-1] if rest else ""
    head = '{"id":' + orjson.dumps(message["id"]).decode()
    return head + ',"type":"next","payload":{"data":' + data.text() + tail + "}}"
