"""Class mode's rules, one test per rule, on the default (SQLite) store, plus the judges."""
from __future__ import annotations

import csv
import io
import time

import numpy as np
import pytest

from aeviz import classroom as cr
from aeviz.class_store import SQLiteStore

MAPS = {"ae": (-10.0, 10.0, -10.0, 10.0), "vae": (-3.0, 3.0, -3.0, 3.0)}


class Clock:
    def __init__(self):
        self.now = time.time()

    def __call__(self):
        return self.now


@pytest.fixture
def room(tmp_path):
    clock = Clock()
    store = SQLiteStore(tmp_path / "class.sqlite3")
    yield cr.Classroom(store, clock=clock)
    store.close()


@pytest.fixture
def started(room):
    code, token = room.start(MAPS)
    qid = room.add_question(code, token, "where", "ae", target=7)
    return room, code, token, qid


def _refused(key, fn, *args, **kw):
    with pytest.raises(cr.ClassError) as e:
        fn(*args, **kw)
    assert e.value.key == key
    return e.value


def test_start_gives_a_short_code_and_a_secret_token(room):
    code, token = room.start(MAPS)
    assert len(code) == cr.CODE_LENGTH and set(code) <= set(cr.CODE_ALPHABET)
    assert len(token) >= 30
    record = room.get(code)
    assert token not in str(record)  # only its hash is stored
    assert room.is_teacher(code, token) and not room.is_teacher(code, "guess")
    assert room.get(code.lower()) == record  # typed in lower case on a phone


@pytest.mark.parametrize("action", ["open", "close", "reveal", "clear", "export", "add"])
def test_only_the_token_holder_controls_the_class(started, action):
    room, code, token, qid = started
    calls = {"open": lambda tk: room.set_status(code, tk, qid, "open"),
             "close": lambda tk: room.set_status(code, tk, qid, "closed"),
             "reveal": lambda tk: room.set_status(code, tk, qid, "revealed"),
             "clear": lambda tk: room.clear(code, tk, qid),
             "export": lambda tk: room.export_csv(code, tk),
             "add": lambda tk: room.add_question(code, tk, "hole", "vae")}
    before = room.get(code)
    for wrong in ("", "x" * 32, token[:-1] + ("A" if token[-1] != "A" else "B")):
        _refused("not_teacher", calls[action], wrong)
    assert room.get(code) == before
    calls[action](token)  # the holder may


def test_nicknames_only_for_the_teacher(started):
    room, code, token, qid = started
    room.set_status(code, token, qid, "open")
    s = room.join(code, "Lan")
    room.answer(s, qid, z=(1, 2))
    assert room.teacher_answers(code, token, qid)[0]["nickname"] == "Lan"
    _refused("not_teacher", room.teacher_answers, code, s.secret, qid)
    assert "Lan" not in str(room.current(code)) and "nickname" not in str(room.my_answer(s, qid))


def test_no_answer_to_a_question_not_open(started):
    room, code, token, qid = started
    s = room.join(code)
    _refused("closed", room.answer, s, qid, z=(0, 0))  # not opened yet
    room.set_status(code, token, qid, "open")
    room.answer(s, qid, z=(0, 0))
    room.set_status(code, token, qid, "closed")
    _refused("closed", room.answer, s, qid, z=(1, 1))  # after close
    assert room.my_answer(s, qid)["z"] == [0, 0]


def test_student_changes_the_answer_until_close(started):
    room, code, token, qid = started
    room.set_status(code, token, qid, "open")
    s = room.join(code)
    room.answer(s, qid, z=(0, 0))
    room.answer(s, qid, z=(2, 3))
    answers = room.teacher_answers(code, token, qid)
    assert len(answers) == 1 and answers[0]["z"] == [2, 3]


def test_no_answering_as_someone_else(started):
    room, code, token, qid = started
    room.set_status(code, token, qid, "open")
    a, b = room.join(code, "A"), room.join(code, "B")
    room.answer(a, qid, z=(1, 1))
    # a replayed request: b's id with a's secret (or no secret, or a made-up id)
    for forged in (cr.Student(code, b.id, a.secret), cr.Student(code, b.id, ""),
                   cr.Student(code, "0" * 16, a.secret)):
        _refused("not_you", room.answer, forged, qid, z=(5, 5))
    assert [x["student"] for x in room.teacher_answers(code, token, qid)] == [a.id]


def test_answers_per_student_per_question_are_limited(started):
    room, code, token, qid = started
    room.set_status(code, token, qid, "open")
    s = room.join(code)
    for i in range(cr.MAX_WRITES):
        room.answer(s, qid, z=(i % 5, 0))
    _refused("too_many", room.answer, s, qid, z=(9, 9))
    assert room.my_answer(s, qid)["z"] == [(cr.MAX_WRITES - 1) % 5, 0]


@pytest.mark.parametrize("z,key", [((float("nan"), 0), "bad_z"), ((0, float("inf")), "bad_z"),
                                   ((-float("inf"), 1), "bad_z"), (("a", 1), "bad_z"), ((1,), "bad_z"),
                                   (None, "bad_z"), ((1e9, 0), "far_z"), ((0, -21), "far_z")])
def test_bad_z_is_refused_and_nothing_stored(started, z, key):
    room, code, token, qid = started
    room.set_status(code, token, qid, "open")
    s = room.join(code)
    _refused(key, room.answer, s, qid, z=z)
    assert room.teacher_answers(code, token, qid) == []
    room.answer(s, qid, z=(14.9, -14.9))  # within half a span of the axes: still on the map


@pytest.mark.parametrize("nick,key", [("x" * (cr.MAX_NICKNAME + 1), "nickname_long"), ("a\nb", "nickname_control"),
                                      ("a\x00", "nickname_control"), ("\u202eevil", "nickname_control")])
def test_bad_nickname_is_refused(room, nick, key):
    code, token = room.start(MAPS)
    _refused(key, room.join, code, nick)
    assert room.store.students(code) == {}
    assert room.join(code, "  Trâm ").code == code  # trimmed; Vietnamese letters are fine


def test_unknown_or_expired_class(room):
    _refused("unknown_class", room.join, "ZZZZZZ")
    code, token = room.start(MAPS, ttl_s=60)
    s = room.join(code)
    room.clock.now += 61
    _refused("unknown_class", room.join, code)
    _refused("unknown_class", room.answer, s, "q1", z=(0, 0))
    _refused("unknown_class", room.set_status, code, token, "q1", "open")


def test_bad_choice(room):
    code, token = room.start(MAPS)
    qid = room.add_question(code, token, "which", "ae", model="vae", answer=1,
                            choices=[{"slot": "ae", "z": [0, 0]}, {"slot": "vae", "z": [0, 0]}])
    room.set_status(code, token, qid, "open")
    s = room.join(code)
    for bad in (2, -1, "1", None, True, 0.5):
        _refused("bad_choice", room.answer, s, qid, choice=bad)
    room.answer(s, qid, choice=1)
    public = room.current(code)
    assert "answer" not in public and all(c["slot"] is None for c in public["choices"])
    room.set_status(code, token, qid, "revealed")
    assert room.current(code)["answer"] == 1


def test_export_csv(started):
    room, code, token, qid = started
    room.set_status(code, token, qid, "open")
    room.answer(room.join(code, "=HYPERLINK(1)"), qid, z=(1.5, -2))
    rows = list(csv.DictReader(io.StringIO(room.export_csv(code, token))))
    assert len(rows) == 1 and rows[0]["question"] == qid and float(rows[0]["z1"]) == 1.5
    assert rows[0]["nickname"].startswith("'")  # no formula in a spreadsheet


def test_clear(started):
    room, code, token, qid = started
    room.set_status(code, token, qid, "open")
    s = room.join(code)
    room.answer(s, qid, z=(1, 1))
    room.clear(code, token, qid)
    assert room.teacher_answers(code, token, qid) == []
    room.answer(s, qid, z=(1, 1))  # the limit starts again


def test_judge_where_majority_of_15_nearest():
    codes = np.concatenate([np.random.default_rng(0).normal(0, 1, (50, 2)),
                            np.random.default_rng(1).normal(10, 1, (50, 2))])
    labels = np.array([3] * 50 + [7] * 50)
    assert cr.judge_where([[10, 10], [0, 0]], codes, labels, 7).tolist() == [True, False]
    assert cr.judge_where(np.zeros((0, 2)), codes, labels, 7).shape == (0,)


def test_judge_hole_needs_empty_and_unsure():
    assert cr.judge_hole([6, 6, 4, 4], [0.5, 0.95, 0.5, 0.95]).tolist() == [True, False, False, False]


def test_choice_counts():
    assert cr.choice_counts([{"choice": 1}, {"choice": 1}, {"choice": 0}, {"z": [0, 0]}], 3).tolist() == [1, 2, 0]


def test_a_class_survives_a_server_restart(tmp_path):
    """A new process opens the same file: the class, its students and answers, and the teacher's
    and the student's secrets still work."""
    store = SQLiteStore(tmp_path / "class.sqlite3")
    room = cr.Classroom(store)
    code, token = room.start(MAPS)
    qid = room.add_question(code, token, "where", "vae", target=3)
    room.set_status(code, token, qid, "open")
    s = room.join(code, "Minh")
    room.answer(s, qid, z=(0.5, 0.5))
    store.close()
    again = cr.Classroom(SQLiteStore(tmp_path / "class.sqlite3"))
    assert [a["nickname"] for a in again.teacher_answers(code, token, qid)] == ["Minh"]
    again.answer(s, qid, z=(1.0, 1.0))
    assert again.my_answer(s, qid)["z"] == [1.0, 1.0]
    again.store.close()


def test_joins_per_class_are_limited(room, monkeypatch):
    monkeypatch.setattr(cr, "MAX_STUDENTS", 2)
    code, _ = room.start(MAPS)
    room.join(code), room.join(code)
    _refused("class_full", room.join, code)
    assert len(room.store.students(code)) == 2
