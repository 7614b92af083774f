"""SQLite storage: the schema, its migrations and every SQL statement of the bot."""
from storage.db import DuplicateUpdate, Store, Tx

__all__ = ["DuplicateUpdate", "Store", "Tx"]
