"""The observation store: append-only device reports in SQLite (default) or PostgreSQL."""

from netsbom.collector.store.store import Store, StoredObservation, open_store

__all__ = ["Store", "StoredObservation", "open_store"]
