"""A shared event's `next` frame: its data encoded once, its id spliced in."""

from __future__ import annotations

import orjson

from viax.api.fanout import SharedData, next_frame


def test_a_spliced_frame_reads_as_the_frame_encoded_whole() -> None:
    data = SharedData({"motionChanged": {"sequence": 7, "motion": {"state": "QUOTED"}}})
    payload = {"data": data, "extensions": {"cost": {"requested": 3}}}

    frames = [
        next_frame({"id": key, "type": "next", "payload": payload}) for key in "12"
    ]

    assert [orjson.loads(f or "") for f in frames] == [
        {"id": key, "type": "next", "payload": orjson.loads(orjson.dumps(payload))}
        for key in "12"
    ]


def test_the_data_is_encoded_once_for_every_frame() -> None:
    data = SharedData({"value": "1.5"})
    first = next_frame({"id": "1", "type": "next", "payload": {"data": data}})
    # Shared data is never changed; if it were, the first encoding stands.
    data["value"] = "2"

    second = next_frame({"id": "2", "type": "next", "payload": {"data": data}})

    assert first == '{"id":"1","type":"next","payload":{"data":{"value":"1.5"}}}'
    assert second == '{"id":"2","type":"next","payload":{"data":{"value":"1.5"}}}'


def test_a_frame_without_shared_data_is_left_to_the_plain_encoder() -> None:
    message = {"id": "1", "type": "next", "payload": {"data": {"a": 1}}}

    assert next_frame(message) is None
    assert next_frame({"id": "1", "type": "complete"}) is None
