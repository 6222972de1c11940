"""The store: SQLite when no MongoDB URI is configured, MongoDB otherwise."""
import os

from wildcat.store.base import MESSAGE_STATUS_RANK, DuplicateKey, MediaFile, Store, StoreError

__all__ = ["open_store", "Store", "StoreError", "DuplicateKey", "MediaFile",
           "MESSAGE_STATUS_RANK"]


def open_store(config) -> Store:
    """Open the backend `config` names (needs `data_dir`, `mongodb_uri`, `db_name`)."""
    if not config.mongodb_uri:
        from wildcat.store.sqlite import SQLiteStore
        return SQLiteStore(os.path.join(config.data_dir, "wildcat.db"))
    # Imported here so that importing wildcat.store stays cheap and needs no pymongo.
    import pymongo
    from wildcat.store.mongo import MongoStore
    client = pymongo.MongoClient(config.mongodb_uri, serverSelectionTimeoutMS=5000,
                                 tz_aware=True)
    try:
        return MongoStore(client, config.db_name)
    except Exception:
        client.close()
        raise
