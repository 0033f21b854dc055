"""Natural keys seen in a file, kept on disk so memory stays flat for any file size.

Each key and each row's content are reduced to 8-byte hashes (BLAKE2b); a small SQLite
file (not the project database) maps key hash → (content hash, first row). A collision
needs ~4·10⁹ distinct keys to become likely, far beyond any import.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import tempfile

_CHUNK = 900  # bound parameters per query, under every SQLite build's limit


def hash64(*parts) -> int:
    digest = hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class KeyStore:
    def __init__(self):
        fd, self.path = tempfile.mkstemp(prefix="import-keys-", suffix=".sqlite3")
        os.close(fd)
        self.db = sqlite3.connect(self.path, isolation_level=None)
        for pragma in (
            "journal_mode=OFF",
            "synchronous=OFF",
            "cache_size=-8000",
            "temp_store=FILE",
            "locking_mode=EXCLUSIVE",
        ):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute(
            "CREATE TABLE k (h INTEGER PRIMARY KEY, c INTEGER NOT NULL, r INTEGER NOT NULL)"
        )

    def _lookup(self, hashes) -> dict[int, tuple[int, int]]:
        found = {}
        hashes = list(set(hashes))
        for start in range(0, len(hashes), _CHUNK):
            part = hashes[start : start + _CHUNK]
            marks = ",".join("?" * len(part))
            for h, c, r in self.db.execute(f"SELECT h, c, r FROM k WHERE h IN ({marks})", part):
                found[h] = (c, r)
        return found

    def register(self, items: list[tuple[int, int, int, object]]):
        """items: (key hash, content hash, row, tag). Yields (tag, row, first_row, same)
        for every key already seen — in this file before, or earlier in the same batch."""
        seen = self._lookup(h for h, _, _, _ in items)
        new_rows = []
        out = []
        for h, c, row, tag in items:
            prior = seen.get(h)
            if prior is None:
                seen[h] = (c, row)
                new_rows.append((h, c, row))
            elif prior[1] != row:
                out.append((tag, row, prior[1], prior[0] == c))
        if new_rows:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT INTO k (h, c, r) VALUES (?, ?, ?)", new_rows)
            self.db.execute("COMMIT")
        return out

    def first_rows(self, hashes) -> dict[int, int]:
        return {h: r for h, (c, r) in self._lookup(hashes).items()}

    def close(self):
        try:
            self.db.close()
        finally:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
