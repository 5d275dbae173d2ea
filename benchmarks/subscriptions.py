"""Commit-to-client latency of subscriptions, and deliveries per second.

Serves the gateway in a child process on a fresh SQLite file, opens many
graphql-transport-ws subscribers from this process and drives transitions
over HTTP. Latency runs from the event's `at` (the transition's clock,
read just before its transaction) to the frame's arrival here.

Subscribers with one token share one execution per event; the baseline
gives each subscriber a principal of its own, so nothing is shared.

    .venv/bin/python benchmarks/subscriptions.py --subscribers 1000 --events 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import websockets

from viax.api.auth import mint_token
from viax.api.ids import encode_id
from viax.motion.decision import TransitionRequest
from viax.motion.inputs import LineInput, StartInput
from viax.motion.model import default_registry
from viax.motion.snapshot import Action, Channel, Principal
from viax.seed import seed
from viax.settings import Settings
from viax.store.database import create_engine
from viax.store.events import last_sequence
from viax.store.outcome import Applied
from viax.store.schema import migrate
from viax.store.transitions import Store

SECRET = "a-benchmark-secret-of-32-bytes-or-more"
SALES = Principal("bench@sales", frozenset({"sales"}))
WATCH = (
    "subscription($id: ID!, $after: Int) { motionChanged(id: $id, "
    "afterSequence: $after) "
    "{ sequence at motion { version } } }"
)
CONFIGURE = (
    "mutation($input: ConfigureMotionInput!) { configureMotion(input: $input) "
    "{ __typename } }"
)


async def prepare(url: str, motions: int) -> list[int]:
    """A migrated, seeded database with `motions` fresh drafts."""
    await migrate(url)
    engine = create_engine(url)
    store = Store(engine, default_registry())
    now = datetime.now(UTC)
    await seed(store, motions=0, now=now)
    ids = []
    for _ in range(motions):
        start = StartInput(5, Channel.DIRECT, None, (LineInput(1, 2),))
        outcome = await store.transition(
            TransitionRequest(Action.START, start, SALES), now
        )
        assert isinstance(outcome, Applied)
        ids.append(outcome.motion.id)
    await engine.dispose()
    return ids


def serve(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "VIAX_DATABASE_URL": url,
        "VIAX_JWT_SECRET": SECRET,
        "VIAX_PORT": str(port),
        "VIAX_LOG_LEVEL": "WARNING",
        "VIAX_WS_MAX_SUBSCRIPTIONS": "10",
    }
    viax = Path(sys.executable).with_name("viax")
    return subprocess.Popen([str(viax), "serve"], env=env)


async def ready(base: str) -> None:
    async with httpx.AsyncClient(base_url=base) as client:
        for _ in range(300):
            try:
                if (await client.get("/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the gateway did not become ready")


class Subscriber:
    """One WebSocket with one motionChanged subscription."""

    def __init__(self, url: str, token: str, motion: str, after: int) -> None:
        self.url, self.token, self.motion, self.after = url, token, motion, after
        self.latencies: list[float] = []
        self.socket: Any = None

    async def open(self) -> None:
        self.socket = await websockets.connect(
            self.url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]
        )
        init = {"Authorization": f"Bearer {self.token}"}
        await self.socket.send(json.dumps({"type": "connection_init", "payload": init}))
        assert json.loads(await self.socket.recv())["type"] == "connection_ack"
        variables = {"id": self.motion, "after": self.after}
        payload = {"query": WATCH, "variables": variables}
        await self.socket.send(
            json.dumps({"type": "subscribe", "id": "1", "payload": payload})
        )

    async def receive(self, count: int) -> None:
        for _ in range(count):
            message = json.loads(await self.socket.recv())
            arrived = datetime.now(UTC)
            at = datetime.fromisoformat(
                message["payload"]["data"]["motionChanged"]["at"]
            )
            self.latencies.append((arrived - at).total_seconds() * 1000)


async def configure(client: httpx.AsyncClient, motion: str, version: int) -> None:
    line = {"productId": encode_id("Product", 1), "quantity": 3 + version}
    data = {"motionId": motion, "expectedVersion": version, "lines": [line]}
    response = await client.post(
        "/graphql", json={"query": CONFIGURE, "variables": {"input": data}}
    )
    result = response.json()["data"]["configureMotion"]["__typename"]
    assert result == "TransitionApplied", response.text


async def newest(url: str) -> int:
    engine = create_engine(url)
    async with engine.connect() as connection:
        sequence = await last_sequence(connection)
    await engine.dispose()
    return sequence


async def scenario(
    url: str,
    base: str,
    tokens: list[str],
    watched: list[str],
    driven: list[str],
    events: int,
) -> dict[str, float]:
    """Subscribe to `watched`, then transition each `driven` motion `events` times.

    Subscriber `i` uses `tokens[i % len(tokens)]`.
    """
    ws = base.replace("http://", "ws://") + "/graphql"
    token = tokens[0]
    # From the newest event on: a subscription still registering when the
    # first transition commits misses nothing.
    after = await newest(url)
    subscribers = [
        Subscriber(ws, tokens[i % len(tokens)], motion, after)
        for i, motion in enumerate(watched)
    ]
    for batch in range(0, len(subscribers), 50):
        await asyncio.gather(*(s.open() for s in subscribers[batch : batch + 50]))
    await asyncio.sleep(2)  # most subscriptions are live before the first commit
    per_motion = {m: watched.count(m) for m in set(watched)}
    receiving = [
        asyncio.create_task(s.receive(events if s.motion in driven else 0))
        for s in subscribers
    ]
    headers = {"Authorization": f"Bearer {token}"}
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120) as client:
        # Ten writers at once: more would only queue for SQLite's write lock.
        gate = asyncio.Semaphore(10)

        async def drive(motion: str, version: int) -> None:
            async with gate:
                await configure(client, motion, version)

        for version in range(1, events + 1):
            await asyncio.gather(*(drive(m, version) for m in driven))
    await asyncio.gather(*receiving)
    elapsed = time.perf_counter() - started
    for s in subscribers:
        await s.socket.close()
    latencies = sorted(x for s in subscribers for x in s.latencies)
    assert len(latencies) == events * sum(per_motion[m] for m in driven)
    return {
        "deliveries": len(latencies),
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1],
        "deliveries_per_s": len(latencies) / elapsed,
    }


def tokens(count: int) -> list[str]:
    """Development tokens of `count` sales principals."""
    settings = Settings(jwt_secret=SECRET)
    return [
        mint_token(settings, roles=["sales"], subject=f"watcher-{i}@bench")
        for i in range(count)
    ]


async def main(subscribers: int, events: int, port: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'bench.db'}"
        ids = await prepare(url, subscribers + 3)
        motions = [encode_id("Motion", key) for key in ids]
        server = serve(url, port)
        try:
            base = f"http://127.0.0.1:{port}"
            await ready(base)
            one = tokens(1)
            runs = {
                "one motion, a principal each (baseline)": (
                    tokens(subscribers),
                    [motions[-1]] * subscribers,
                    [motions[-1]],
                ),
                "one motion, one principal": (
                    one,
                    [motions[-2]] * subscribers,
                    [motions[-2]],
                ),
                "one motion, 10 principals": (
                    tokens(10),
                    [motions[-3]] * subscribers,
                    [motions[-3]],
                ),
                "distinct motions, one principal": (
                    one,
                    motions[:subscribers],
                    motions[: min(100, subscribers)],
                ),
            }
            for name, (keys, watched, driven) in runs.items():
                result = await scenario(url, base, keys, watched, driven, events)
                print(f"{name:40}", json.dumps(result), flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--events", type=int, default=10)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    asyncio.run(main(args.subscribers, args.events, args.port))
