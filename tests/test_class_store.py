"""The class store's contract, run on SQLite and on Redis (a redis-server started here on a free
loopback port; skipped where none is installed, except in CI where AEVIZ_REQUIRE_REDIS=1)."""
from __future__ import annotations

import os
import threading
import time

import pytest

from aeviz.class_store import LimitReached, RedisStore, SQLiteStore, open_store
from redis_server import redis_server


@pytest.fixture(scope="module")
def redis_url():
    with redis_server() as url:
        if url is None:
            if os.environ.get("AEVIZ_REQUIRE_REDIS") == "1":
                pytest.fail("redis-server is required here (AEVIZ_REQUIRE_REDIS=1)")
            pytest.skip("redis-server is not installed")
        yield url


@pytest.fixture(params=["sqlite", "redis"])
def make_store(request, tmp_path):
    """A function that opens (or reopens, as after a restart) the same store."""
    opened = []
    if request.param == "sqlite":
        path = tmp_path / "class.sqlite3"

        def make():
            opened.append(SQLiteStore(path))
            return opened[-1]
    else:
        url = request.getfixturevalue("redis_url")
        prefix = f"t{time.monotonic_ns()}:"

        def make():
            opened.append(RedisStore(url, prefix=prefix))
            return opened[-1]
    yield make
    for s in opened:
        s.close()


def _class(store, code="ABC234"):
    assert store.create_class(code, {"questions": []}, time.time() + 60)
    return code


def test_class_round_trip_and_code_taken(make_store):
    store = make_store()
    code = _class(store)
    assert store.get_class(code) == {"questions": []}
    assert not store.create_class(code, {"other": 1}, time.time() + 60)
    store.update_class(code, {"questions": [1]})
    assert store.get_class(code) == {"questions": [1]}
    assert store.get_class("NOPE22") is None


def test_students_and_answers(make_store):
    store = make_store()
    code = _class(store)
    store.add_student(code, "s1", {"nickname": "An"})
    assert store.get_student(code, "s1") == {"nickname": "An"}
    assert store.get_student(code, "s2") is None
    assert store.put_answer(code, "q1", "s1", {"z": [1, 2]}, limit=3) == 1
    assert store.put_answer(code, "q1", "s1", {"z": [3, 4]}, limit=3) == 2
    assert store.answers(code, "q1") == {"s1": {"z": [3, 4]}}  # a change replaces, never adds
    assert store.answers(code, "q2") == {}
    store.clear_answers(code, "q1")
    assert store.answers(code, "q1") == {}


def test_limit_is_enforced_by_the_store(make_store):
    store = make_store()
    code = _class(store)
    for i in range(3):
        store.put_answer(code, "q1", "s1", {"i": i}, limit=3)
    with pytest.raises(LimitReached):
        store.put_answer(code, "q1", "s1", {"i": 99}, limit=3)
    assert store.answers(code, "q1") == {"s1": {"i": 2}}


def test_thirty_threads_answer_at_once_each_stored_exactly_once(make_store):
    store = make_store()
    code = _class(store)
    barrier = threading.Barrier(30)
    errors = []

    def student(i):
        try:
            barrier.wait()
            for rep in range(3):  # each changes its answer twice: still one row each
                store.put_answer(code, "q1", f"s{i}", {"i": i, "rep": rep}, limit=10)
        except Exception as e:  # noqa: BLE001 - collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=student, args=(i,)) for i in range(30)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    got = store.answers(code, "q1")
    assert sorted(got) == sorted(f"s{i}" for i in range(30))
    assert all(a == {"i": int(s[1:]), "rep": 2} for s, a in got.items())


def test_concurrent_writes_cannot_pass_the_limit(make_store):
    store = make_store()
    code = _class(store)
    ok, refused = [], []

    def spam():
        for _ in range(5):
            try:
                ok.append(store.put_answer(code, "q1", "s1", {"x": 1}, limit=7))
            except LimitReached:
                refused.append(1)

    threads = [threading.Thread(target=spam) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(ok) == 7 and len(refused) == 23 and sorted(ok) == list(range(1, 8))


def test_survives_reopen(make_store):
    store = make_store()
    code = _class(store)
    store.add_student(code, "s1", {"nickname": "An"})
    store.put_answer(code, "q1", "s1", {"z": [1, 2]}, limit=3)
    store.close()
    again = make_store()  # a new process would do the same: open the file / connect again
    assert again.get_class(code) == {"questions": []}
    assert again.students(code) == {"s1": {"nickname": "An"}}
    assert again.answers(code, "q1") == {"s1": {"z": [1, 2]}}


def test_expired_class_is_gone(make_store):
    store = make_store()
    assert store.create_class("OLD234", {"a": 1}, time.time() + 1)
    time.sleep(1.6)
    assert store.get_class("OLD234") is None
    assert store.create_class("OLD234", {"a": 2}, time.time() + 60)  # the code may be reused
    assert store.get_class("OLD234") == {"a": 2}


# A separate server process: loads the store module by path (no torch behind the package's
# import), answers 20 times for students of its own.
_CHILD = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("class_store", sys.argv[1])
cs = importlib.util.module_from_spec(spec); spec.loader.exec_module(cs)
store = cs.SQLiteStore(sys.argv[2])
for i in range(20):
    store.put_answer(sys.argv[3], "q1", f"p{sys.argv[4]}-{i}", {"i": i}, limit=5)
"""


def test_sqlite_is_wal_and_shared_between_processes(tmp_path):
    import sqlite3
    import subprocess
    import sys

    import aeviz.class_store as cs

    path = tmp_path / "class.sqlite3"
    store = SQLiteStore(path)
    code = _class(store)
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    procs = [subprocess.Popen([sys.executable, "-c", _CHILD, cs.__file__, str(path), code, str(p)]) for p in range(4)]
    assert [p.wait(60) for p in procs] == [0] * 4
    assert len(store.answers(code, "q1")) == 4 * 20


def test_open_store_picks_by_url(tmp_path, monkeypatch, redis_url):
    monkeypatch.setenv("AEVIZ_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("AEVIZ_CLASS_STORE", raising=False)
    s = open_store()
    assert s.name == "sqlite" and s.path == tmp_path / "class.sqlite3"
    s.close()
    monkeypatch.setenv("AEVIZ_CLASS_STORE", redis_url)
    r = open_store()
    assert r.name == "redis"
    r.close()


def test_sqlite_connections_are_reused_across_threads(tmp_path):
    """Streamlit runs each script run on a new thread: the store must not open a connection per
    thread forever (file descriptors would run out in a class)."""
    store = SQLiteStore(tmp_path / "class.sqlite3")
    code = _class(store)
    for i in range(200):
        th = threading.Thread(target=store.put_answer, args=(code, "q1", f"s{i}", {"i": i}, 3))
        th.start()
        th.join()
    assert len(store._all) <= 2 and len(store.answers(code, "q1")) == 200
    store.close()
