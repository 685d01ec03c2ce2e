"""Where a class lives: classes, students and answers behind one small interface.

Two implementations keep the same contract (tests/test_class_store.py runs it on both):

- ``SQLiteStore`` (the default): one file in WAL mode under the app's data folder
  (``AEVIZ_DATA_DIR``, else ``~/.cache/aeviz``). It survives a server restart and is shared by
  several server processes on one host: WAL lets readers run beside the one writer, a busy timeout
  makes a writer wait for the lock instead of failing, and every write is one short transaction.
- ``RedisStore`` (``AEVIZ_CLASS_STORE=redis://host:port/db``): the same calls on Redis, for
  replicas on several hosts. An answer is written by one Lua script, so the per-student limit and
  the write are atomic there too.

An answer is one row per (class, question, student): a change replaces it, so a retried or
concurrent request can never store an answer twice. ``put_answer`` counts the writes of that row
and refuses once ``limit`` is reached (the store enforces it, so no race between replicas can get
past it). Values are plain dicts stored as JSON; the rules live in ``aeviz/classroom.py``.
"""
from __future__ import annotations

import json
import os
import queue
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol


class LimitReached(Exception):
    """The student has already written this answer ``limit`` times."""


class ClassStore(Protocol):
    name: str

    def create_class(self, code: str, record: dict, expires: float) -> bool:
        """Store a new class; False (nothing written) if the code is taken."""

    def get_class(self, code: str) -> dict | None: ...

    def update_class(self, code: str, record: dict) -> None: ...

    def add_student(self, code: str, student_id: str, record: dict) -> None: ...

    def get_student(self, code: str, student_id: str) -> dict | None: ...

    def students(self, code: str) -> dict[str, dict]: ...

    def put_answer(self, code: str, qid: str, student_id: str, answer: dict, limit: int) -> int:
        """Insert or replace one student's answer; returns how many times it has been written.
        Raises LimitReached (and writes nothing) once it has been written ``limit`` times."""

    def answers(self, code: str, qid: str) -> dict[str, dict]:
        """student id -> answer, for one question."""

    def clear_answers(self, code: str, qid: str) -> None: ...

    def close(self) -> None: ...


def data_dir() -> Path:
    """The app's data folder: ``AEVIZ_DATA_DIR``, else ``~/.cache/aeviz``."""
    root = os.environ.get("AEVIZ_DATA_DIR")
    return Path(root) if root else Path.home() / ".cache" / "aeviz"


_SCHEMA = """
CREATE TABLE IF NOT EXISTS classes (code TEXT PRIMARY KEY, record TEXT NOT NULL, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS students (code TEXT NOT NULL, student TEXT NOT NULL, record TEXT NOT NULL,
    PRIMARY KEY (code, student));
CREATE TABLE IF NOT EXISTS answers (code TEXT NOT NULL, qid TEXT NOT NULL, student TEXT NOT NULL,
    answer TEXT NOT NULL, writes INTEGER NOT NULL, PRIMARY KEY (code, qid, student));
"""


class SQLiteStore:
    """The default store: one SQLite file in WAL mode. Connections come from a small pool, one per
    concurrent call (an sqlite3 connection must not be used by two threads at once; a connection
    per thread would leak, since Streamlit runs each script run on a new thread), each with a busy
    timeout."""

    name = "sqlite"

    def __init__(self, path: str | Path, busy_timeout_s: float = 10.0):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._timeout = busy_timeout_s
        self._pool: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        with self._conn() as db:
            db.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: we open transactions ourselves (BEGIN IMMEDIATE takes the write
        # lock up front, so two writers queue on the busy timeout instead of deadlocking).
        db = sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False)
        db.execute(f"PRAGMA busy_timeout={int(self._timeout * 1000)}")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        with self._lock:
            self._all.append(db)
        return db

    @contextmanager
    def _conn(self):
        try:
            db = self._pool.get_nowait()
        except queue.Empty:
            db = self._connect()
        try:
            yield db
        finally:
            self._pool.put(db)

    @contextmanager
    def _transaction(self):
        with self._conn() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _read(self, sql: str, args: tuple) -> list[tuple]:
        with self._conn() as db:
            return db.execute(sql, args).fetchall()

    def create_class(self, code: str, record: dict, expires: float) -> bool:
        with self._transaction() as db:
            # An expired class's code may be reused: drop what is left of it first.
            old = db.execute("SELECT expires FROM classes WHERE code=?", (code,)).fetchone()
            if old is not None and old[0] > time.time():
                return False
            for table in ("classes", "students", "answers"):
                db.execute(f"DELETE FROM {table} WHERE code=?", (code,))
            db.execute("INSERT INTO classes VALUES (?, ?, ?)", (code, json.dumps(record), expires))
            return True

    def get_class(self, code: str) -> dict | None:
        rows = self._read("SELECT record, expires FROM classes WHERE code=?", (code,))
        if not rows or rows[0][1] <= time.time():
            return None
        return json.loads(rows[0][0])

    def update_class(self, code: str, record: dict) -> None:
        with self._transaction() as db:
            db.execute("UPDATE classes SET record=? WHERE code=?", (json.dumps(record), code))

    def add_student(self, code: str, student_id: str, record: dict) -> None:
        with self._transaction() as db:
            db.execute("INSERT INTO students VALUES (?, ?, ?)", (code, student_id, json.dumps(record)))

    def get_student(self, code: str, student_id: str) -> dict | None:
        rows = self._read("SELECT record FROM students WHERE code=? AND student=?", (code, student_id))
        return json.loads(rows[0][0]) if rows else None

    def students(self, code: str) -> dict[str, dict]:
        return {s: json.loads(r) for s, r in self._read("SELECT student, record FROM students WHERE code=?", (code,))}

    def put_answer(self, code: str, qid: str, student_id: str, answer: dict, limit: int) -> int:
        with self._transaction() as db:
            row = db.execute("SELECT writes FROM answers WHERE code=? AND qid=? AND student=?",
                             (code, qid, student_id)).fetchone()
            writes = 0 if row is None else row[0]
            if writes >= limit:
                raise LimitReached(writes)
            db.execute("INSERT INTO answers VALUES (?, ?, ?, ?, 1) ON CONFLICT (code, qid, student) "
                       "DO UPDATE SET answer=excluded.answer, writes=writes+1",
                       (code, qid, student_id, json.dumps(answer)))
            return writes + 1

    def answers(self, code: str, qid: str) -> dict[str, dict]:
        rows = self._read("SELECT student, answer FROM answers WHERE code=? AND qid=?", (code, qid))
        return {s: json.loads(a) for s, a in rows}

    def clear_answers(self, code: str, qid: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM answers WHERE code=? AND qid=?", (code, qid))

    def close(self) -> None:
        with self._lock:
            for db in self._all:
                db.close()
            self._all.clear()
        self._pool = queue.SimpleQueue()


# KEYS: answers hash, writes hash. ARGV: student, answer JSON, limit, ttl seconds.
_PUT_ANSWER = """
local n = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if n >= tonumber(ARGV[3]) then return -1 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
n = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return n
"""


class RedisStore:
    """The same contract on Redis. Keys: ``<prefix>class:<code>`` (the class record, expiring with
    the class), ``students:<code>`` (hash), ``answers:<code>:<qid>`` and ``writes:<code>:<qid>``
    (hashes by student id); every key of a class expires when the class does."""

    name = "redis"

    def __init__(self, url: str, prefix: str = "aeviz:"):
        import redis

        self.r = redis.Redis.from_url(url, decode_responses=True, socket_timeout=10)
        self.p = prefix
        self._put = self.r.register_script(_PUT_ANSWER)

    def _ttl(self, code: str) -> int:
        ttl = self.r.ttl(f"{self.p}class:{code}")
        return max(int(ttl), 1) if ttl and ttl > 0 else 3600

    def create_class(self, code: str, record: dict, expires: float) -> bool:
        ttl = max(1, int(expires - time.time()))
        if not self.r.set(f"{self.p}class:{code}", json.dumps(record), nx=True, ex=ttl):
            return False
        self.r.delete(f"{self.p}students:{code}")
        return True

    def get_class(self, code: str) -> dict | None:
        raw = self.r.get(f"{self.p}class:{code}")
        return None if raw is None else json.loads(raw)

    def update_class(self, code: str, record: dict) -> None:
        self.r.set(f"{self.p}class:{code}", json.dumps(record), xx=True, keepttl=True)

    def add_student(self, code: str, student_id: str, record: dict) -> None:
        key = f"{self.p}students:{code}"
        self.r.hset(key, student_id, json.dumps(record))
        self.r.expire(key, self._ttl(code))

    def get_student(self, code: str, student_id: str) -> dict | None:
        raw = self.r.hget(f"{self.p}students:{code}", student_id)
        return None if raw is None else json.loads(raw)

    def students(self, code: str) -> dict[str, dict]:
        return {s: json.loads(r) for s, r in self.r.hgetall(f"{self.p}students:{code}").items()}

    def put_answer(self, code: str, qid: str, student_id: str, answer: dict, limit: int) -> int:
        n = int(self._put(keys=[f"{self.p}answers:{code}:{qid}", f"{self.p}writes:{code}:{qid}"],
                          args=[student_id, json.dumps(answer), limit, self._ttl(code)]))
        if n < 0:
            raise LimitReached(limit)
        return n

    def answers(self, code: str, qid: str) -> dict[str, dict]:
        return {s: json.loads(a) for s, a in self.r.hgetall(f"{self.p}answers:{code}:{qid}").items()}

    def clear_answers(self, code: str, qid: str) -> None:
        self.r.delete(f"{self.p}answers:{code}:{qid}", f"{self.p}writes:{code}:{qid}")

    def close(self) -> None:
        self.r.close()


def open_store(url: str | None = None) -> ClassStore:
    """The store ``url`` names (default: ``AEVIZ_CLASS_STORE``, else SQLite under the data folder):
    ``redis://…`` or ``rediss://…`` for Redis, ``sqlite:///path`` or a plain path for SQLite."""
    url = url if url is not None else os.environ.get("AEVIZ_CLASS_STORE", "")
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(url)
    if url.startswith("sqlite:///"):
        return SQLiteStore(url[len("sqlite:///") - 1:])
    return SQLiteStore(url or data_dir() / "class.sqlite3")
