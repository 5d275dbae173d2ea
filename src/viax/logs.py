"""The one logging configuration: plain text in development, JSON in production."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import orjson

from viax.settings import LogFormat, Settings


class JSONFormatter(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return orjson.dumps(entry).decode()


def configure_logging(settings: Settings) -> None:
    """Route every logger, uvicorn's included, through one handler."""
    handler = logging.StreamHandler()
    if settings.log_format is LogFormat.JSON:
        handler.setFormatter(JSONFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Readiness probes inspect the migration state; that is not news.
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
    # Each GraphQL operation already logs one access line of its own.
    logging.getLogger("uvicorn.access").disabled = True
