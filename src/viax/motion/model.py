"""Motion models: the states, actions, guards and numbers of one motion kind.

A model is data. It is read from a TOML file and validated as a whole at
load, so a broken file is refused with every problem named, before any
motion runs under it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator
from decimal import Decimal
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from viax.errors import ConfigurationError
from viax.motion.guards import GUARDS, ROLE_EXPRESSIONS
from viax.motion.snapshot import Action, Channel, MotionKind, MotionState


class ModelError(ConfigurationError):
    """A motion model is invalid, or the one asked for is not loaded."""


def _decimal_text(value: object) -> object:
    # Floats cannot hold rates exactly, so the file must spell them out.
    if not isinstance(value, str):
        raise ValueError('write exact decimals as strings, e.g. "0.05"')
    return value


Exact = Annotated[Decimal, BeforeValidator(_decimal_text)]
Rate = Annotated[Decimal, BeforeValidator(_decimal_text), Field(ge=0, lt=1)]
Percent = Annotated[Decimal, BeforeValidator(_decimal_text), Field(ge=0, le=100)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Terms(_Frozen):
    """Term and validity defaults of quotes."""

    default_months: int = Field(ge=1)
    max_months: int = Field(ge=1)
    quote_validity_days: int = Field(ge=1)


class VolumeTier(_Frozen):
    """A volume discount that applies from a quantity on."""

    min_quantity: int = Field(ge=1)
    rate: Rate


class PricingRules(_Frozen):
    """The rates of the waterfall."""

    volume_tiers: tuple[VolumeTier, ...] = ()
    partner_rates: dict[str, Rate] = Field(default_factory=dict)

    def volume_rate(self, quantity: int) -> Decimal:
        """The rate of the highest volume tier the quantity reaches."""
        rate = Decimal(0)
        for tier in self.volume_tiers:
            if quantity >= tier.min_quantity:
                rate = tier.rate
        return rate


class ApprovalBand(_Frozen):
    """The approver roles, in tier order, up to a discount percent."""

    up_to: Percent
    roles: tuple[str, ...] = ()


class ApprovalRules(_Frozen):
    """Approval bands, discount ceilings and the large-deal threshold."""

    bands: tuple[ApprovalBand, ...] = Field(min_length=1)
    ceilings: dict[str, Percent]
    large_deal_above: int = Field(ge=0)
    large_deal_role: str


class LineLimits(_Frozen):
    """How many lines a motion may have, and the range of each line."""

    min_lines: int = Field(ge=1)
    max_lines: int = Field(ge=1)
    min_quantity: int = Field(ge=1)
    max_quantity: int = Field(ge=1)
    min_discount: Percent
    max_discount: Percent


class AgreementTerms(_Frozen):
    """The commercial terms every agreement carries."""

    payment_days: int = Field(ge=0)
    uplift_cap_percent: Percent


class ActionSpec(_Frozen):
    """One action: where it may start, where it may end, who, and guards."""

    sources: tuple[str, ...] = Field(alias="from")
    targets: tuple[str, ...] = Field(alias="to", min_length=1)
    roles: tuple[str, ...] = Field(min_length=1)
    guards: tuple[str, ...]

    def allows_from(self, state: MotionState) -> bool:
        """Whether a motion in `state` may take this action."""
        return state in self.sources

    def leads_to(self, state: MotionState) -> bool:
        """Whether `state` is one of the destinations of this action."""
        return state in self.targets


class MotionModel(_Frozen):
    """A validated motion model; every motion is pinned to one."""

    name: str = Field(min_length=1)
    version: int = Field(ge=1)
    kind: str
    initial: str
    states: tuple[str, ...] = Field(min_length=1)
    terminal: tuple[str, ...] = ()
    roles: tuple[str, ...]
    terms: Terms
    pricing: PricingRules
    approval: ApprovalRules
    limits: LineLimits
    agreement: AgreementTerms
    actions: dict[str, ActionSpec]

    @property
    def motion_kind(self) -> MotionKind:
        """The kind of motion this model governs."""
        return MotionKind(self.kind)

    def action(self, action: Action) -> ActionSpec | None:
        """The spec of an action, or None if this model has no such action."""
        return self.actions.get(action.value)

    def action_names(self) -> tuple[Action, ...]:
        """The actions of this model, in file order."""
        return tuple(Action(name) for name in self.actions)

    @model_validator(mode="after")
    def _consistent(self) -> MotionModel:
        problems = [*_state_problems(self), *_action_problems(self)]
        problems += [*_number_problems(self), *_reachability_problems(self)]
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _state_problems(model: MotionModel) -> Iterator[str]:
    known = set(MotionState)
    if model.kind not in set(MotionKind):
        yield f"unknown kind {model.kind!r}"
    for state in model.states:
        if state not in known:
            yield f"unknown state {state!r} in states"
    declared = set(model.states)
    if model.initial not in declared:
        yield f"initial state {model.initial!r} is not declared"
    for state in model.terminal:
        if state not in declared:
            yield f"terminal state {state!r} is not declared"


def _action_problems(model: MotionModel) -> Iterator[str]:
    declared = set(model.states)
    roles = set(model.roles) | ROLE_EXPRESSIONS
    for name, spec in model.actions.items():
        if name not in set(Action):
            yield f"unknown action {name!r}"
        elif name == Action.APPLY_CHANGE.value:
            yield f"action {name}: only the store applies a change motion's change"
        for state in (*spec.sources, *spec.targets):
            if state not in declared:
                yield f"action {name}: unknown state {state!r}"
        for state in spec.sources:
            if state in model.terminal:
                yield f"action {name}: leaves terminal state {state!r}"
        for role in spec.roles:
            if role not in roles:
                yield f"action {name}: unknown role {role!r}"
        if not spec.guards:
            yield f"action {name}: no guards"
        for guard in spec.guards:
            if guard not in GUARDS:
                yield f"action {name}: unknown guard {guard!r}"
    if Action.START.value not in model.actions:
        yield "no start action"


def _number_problems(model: MotionModel) -> Iterator[str]:
    yield from _ascending(
        (tier.min_quantity for tier in model.pricing.volume_tiers),
        "volume tiers must rise in quantity",
    )
    yield from _ascending(
        (band.up_to for band in model.approval.bands),
        "approval bands must rise in discount",
    )
    yield from _approval_role_problems(model)
    highest = model.approval.bands[-1].up_to
    for channel in Channel:
        ceiling = model.approval.ceilings.get(channel.value)
        if ceiling is None:
            yield f"no discount ceiling for channel {channel.value}"
        elif ceiling > highest:
            yield f"ceiling of {channel.value} is above the last approval band"
    limits = model.limits
    if limits.min_lines > limits.max_lines:
        yield "limits: min_lines is above max_lines"
    if limits.min_quantity > limits.max_quantity:
        yield "limits: min_quantity is above max_quantity"
    if limits.min_discount > limits.max_discount:
        yield "limits: min_discount is above max_discount"
    if model.terms.default_months > model.terms.max_months:
        yield "terms: default_months is above max_months"


def _approval_role_problems(model: MotionModel) -> Iterator[str]:
    declared = set(model.roles)
    roles = [model.approval.large_deal_role]
    roles += [role for band in model.approval.bands for role in band.roles]
    for role in roles:
        if role not in declared:
            yield f"approval: unknown role {role!r}"


def _ascending(values: Iterable[Any], problem: str) -> Iterator[str]:
    items = list(values)
    if any(a >= b for a, b in pairwise(items)):
        yield problem


def _reachability_problems(model: MotionModel) -> Iterator[str]:
    edges = [(spec.sources, spec.targets) for spec in model.actions.values()]
    reached = {model.initial}
    frontier = [model.initial]
    while frontier:
        state = frontier.pop()
        for sources, targets in edges:
            if state in sources:
                fresh = [t for t in targets if t not in reached]
                reached.update(fresh)
                frontier.extend(fresh)
    for state in model.states:
        if state not in reached:
            yield f"state {state!r} is unreachable from {model.initial!r}"


def parse_model(text: str, *, origin: str = "<text>") -> MotionModel:
    """Validate a model from TOML text; `origin` names it in errors."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ModelError(f"{origin}: not valid TOML: {error}") from error
    try:
        return MotionModel.model_validate(raw)
    except ValidationError as error:
        raise ModelError(f"{origin}: {'; '.join(_problems(error))}") from error


def model_problems(text: str) -> tuple[str, ...]:
    """Every problem of a model's TOML text; empty when it is valid."""
    try:
        MotionModel.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as error:
        return (f"not valid TOML: {error}",)
    except ValidationError as error:
        return tuple(_problems(error))
    return ()


def load_model(path: Path | str) -> MotionModel:
    """Read and validate one model file."""
    path = Path(path)
    return parse_model(path.read_text(encoding="utf-8"), origin=path.name)


def _problems(error: ValidationError) -> Iterator[str]:
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        if where:
            yield f"{where}: {message}"
        else:
            # The whole-model check names its problems joined in one message.
            yield from message.split("; ")


class ModelRegistry:
    """The loaded models, by name and version."""

    def __init__(self, models: Iterable[MotionModel] = ()) -> None:
        self._models: dict[tuple[str, int], MotionModel] = {}
        for model in models:
            self.add(model)

    def add(self, model: MotionModel) -> None:
        """Register a model; a name and version may be loaded only once."""
        key = (model.name, model.version)
        if key in self._models:
            raise ModelError(f"model {model.name} v{model.version} is loaded")
        self._models[key] = model

    def get(self, name: str, version: int) -> MotionModel:
        """The model of that name and version."""
        try:
            return self._models[(name, version)]
        except KeyError:
            raise ModelError(f"no model {name} v{version}") from None

    def latest(self, kind: MotionKind) -> MotionModel:
        """The highest version of the models of a kind."""
        found = [m for m in self._models.values() if m.kind == kind.value]
        if not found:
            raise ModelError(f"no model of kind {kind.value}")
        return max(found, key=lambda model: (model.version, model.name))

    def __iter__(self) -> Iterator[MotionModel]:
        return iter(self._models.values())


def default_registry() -> ModelRegistry:
    """A registry of every model file shipped with the package."""
    folder = resources.files("viax.motion") / "models"
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".toml")),
        key=lambda entry: entry.name,
    )
    return ModelRegistry(
        parse_model(entry.read_text(encoding="utf-8"), origin=entry.name)
        for entry in files
    )


def deployment_registry(folder: Path | None = None) -> ModelRegistry:
    """The shipped models and every `*.toml` model file of `folder` beside them.

    Every problem of every file, and every name and version loaded twice, is
    named in one `ModelError`, so a deployment is fixed in one round.
    """
    registry = default_registry()
    if folder is None:
        return registry
    found, problems = _folder_models(folder)
    origins = {(model.name, model.version): "the package" for model in registry}
    for name, model in found:
        key = (model.name, model.version)
        if key in origins:
            problems.append(
                f"{name}: model {model.name} v{model.version} is already loaded "
                f"from {origins[key]}"
            )
            continue
        origins[key] = name
        registry.add(model)
    if problems:
        listed = "".join(f"\n  {problem}" for problem in problems)
        raise ModelError(f"the models of {folder} are refused:{listed}")
    return registry


def _folder_models(folder: Path) -> tuple[list[tuple[str, MotionModel]], list[str]]:
    files = sorted(folder.glob("*.toml"))
    problems = [] if files else [f"{folder}: no *.toml model file"]
    found: list[tuple[str, MotionModel]] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            problems.append(f"{path.name}: cannot be read: {error}")
            continue
        named = [f"{path.name}: {problem}" for problem in model_problems(text)]
        problems.extend(named)
        if not named:
            found.append((path.name, parse_model(text, origin=path.name)))
    return found, problems
