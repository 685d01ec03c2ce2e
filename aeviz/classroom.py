"""Class mode's rules: who may do what, what an answer may be, and how answers are judged.

The teacher starts a class and gets a join ``code`` (short, for the board) and a secret
``teacher token`` (kept in the teacher's browser session); only the token's holder opens, closes,
reveals, clears or exports a question and sees nicknames. A student joins with the code and gets
an id and a secret of their own: an answer must carry both, so a request replayed with another
student's id is refused. Answers are limited per student per question (the store enforces it).

Every refusal is a ``ClassError`` whose ``key`` names a sentence in the ``classroom.error`` table
of the catalogues, so the page says it in the reader's language. Tokens and secrets are stored as
SHA-256 hashes and compared in constant time. No Streamlit here; the page
(``aeviz/ui/pages/class_teacher.py``, ``class_student.py``) and ``benchmarks/class_poll.py`` call
the same functions.
"""
from __future__ import annotations

import csv
import hashlib
import hmac
import io
import math
import secrets
import time
import unicodedata
from dataclasses import dataclass

import numpy as np

from .class_store import ClassStore, LimitReached

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed on phones
CODE_LENGTH = 6
CLASS_TTL_S = 12 * 3600  # a class lasts a school day
MAX_NICKNAME = 24
MAX_WRITES = 20  # answers per student per question (changes included)
MAX_STUDENTS = 500
FAR = 0.5  # an answer may lie at most this share of the map's span outside the map's axes
KINDS = ("where", "hole", "which")
STATUSES = ("ready", "open", "closed", "revealed")
NEAREST = 15  # "where does class k live?": the 15 nearest test codes vote
HOLE_FACTOR = 5.0  # a hole is more than 5 code spacings from every test code (measures.EMPTY_FACTOR)
HOLE_CONFIDENCE = 0.9  # ... and its decoded image is no digit the classifier is sure of


class ClassError(Exception):
    """A refused request; ``key`` is ``classroom.error.<key>`` in the catalogues."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Student:
    code: str
    id: str
    secret: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _same(secret: str, digest: str) -> bool:
    return hmac.compare_digest(_hash(secret or ""), digest or "")


def normalise_code(code: str) -> str:
    return "".join(ch for ch in str(code or "").upper() if not ch.isspace() and ch != "-")


def check_nickname(nickname: str | None) -> str:
    """The nickname, trimmed; '' when none. Refuses an overlong one and control characters."""
    nick = (nickname or "").strip()
    if len(nick) > MAX_NICKNAME:
        raise ClassError("nickname_long", limit=MAX_NICKNAME)
    if any(unicodedata.category(ch)[0] == "C" for ch in nick):
        raise ClassError("nickname_control")
    return nick


def check_z(z, bounds) -> tuple[float, float]:
    """z as two finite floats within the map's axes widened by FAR of their span on each side."""
    try:
        x, y = (float(v) for v in z)
    except (TypeError, ValueError):
        raise ClassError("bad_z") from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ClassError("bad_z")
    x0, x1, y0, y1 = bounds
    dx, dy = FAR * (x1 - x0), FAR * (y1 - y0)
    if not (x0 - dx <= x <= x1 + dx and y0 - dy <= y <= y1 + dy):
        raise ClassError("far_z")
    return x, y


class Classroom:
    """The rules over one store. ``clock`` is injectable so expiry is testable."""

    def __init__(self, store: ClassStore, clock=time.time):
        self.store = store
        self.clock = clock

    # -- the teacher --------------------------------------------------------------------------
    def start(self, maps: dict[str, tuple[float, float, float, float]], ttl_s: float = CLASS_TTL_S) -> tuple[str, str]:
        """A new class over the maps ``{slot: (x0, x1, y0, y1)}``: returns (join code, teacher token)."""
        token = secrets.token_urlsafe(24)
        record = {"teacher": _hash(token), "created": self.clock(), "expires": self.clock() + ttl_s,
                  "maps": {s: [float(v) for v in b] for s, b in maps.items()}, "questions": [], "current": None}
        for _ in range(50):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if self.store.create_class(code, record, record["expires"]):
                return code, token
        raise ClassError("no_code")

    def get(self, code: str) -> dict:
        record = self.store.get_class(normalise_code(code))
        if record is None or record["expires"] <= self.clock():
            raise ClassError("unknown_class")
        return record

    def _teacher(self, code: str, token: str) -> dict:
        record = self.get(code)
        if not _same(token, record["teacher"]):
            raise ClassError("not_teacher")
        return record

    def is_teacher(self, code: str, token: str | None) -> bool:
        try:
            self._teacher(code, token or "")
            return True
        except ClassError:
            return False

    def add_question(self, code: str, token: str, kind: str, slot: str, **spec) -> str:
        """A question, ready to open. ``where``: ``target`` (class index); ``which``: ``choices``
        (list of {slot, z}) and ``answer`` (index of the right choice). Returns its id."""
        record = self._teacher(code, token)
        if kind not in KINDS:
            raise ClassError("bad_kind")
        if slot not in record["maps"]:
            raise ClassError("bad_map")
        qid = f"q{len(record['questions']) + 1}"
        record["questions"].append({"id": qid, "kind": kind, "slot": slot, "status": "ready", **spec})
        record["current"] = qid
        self.store.update_class(normalise_code(code), record)
        return qid

    def set_status(self, code: str, token: str, qid: str, status: str) -> None:
        """open / closed / revealed (a closed or revealed question may be reopened)."""
        record = self._teacher(code, token)
        if status not in STATUSES:
            raise ClassError("bad_status")
        question = _question(record, qid)
        question["status"] = status
        record["current"] = qid
        self.store.update_class(normalise_code(code), record)

    def clear(self, code: str, token: str, qid: str) -> None:
        record = self._teacher(code, token)
        _question(record, qid)
        self.store.clear_answers(normalise_code(code), qid)

    def teacher_answers(self, code: str, token: str, qid: str) -> list[dict]:
        """Every answer to ``qid`` with the student's nickname: the projector's poll."""
        self._teacher(code, token)
        code = normalise_code(code)
        names = self.store.students(code)
        return [{"student": s, "nickname": names.get(s, {}).get("nickname", ""), **a}
                for s, a in sorted(self.store.answers(code, qid).items(), key=lambda kv: kv[1]["t"])]

    def export_csv(self, code: str, token: str) -> str:
        """Every answer of the class: question, kind, map, student, nickname, z1, z2, choice, time."""
        record = self._teacher(code, token)
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(["question", "kind", "map", "student", "nickname", "z1", "z2", "choice", "time"])
        for q in record["questions"]:
            for a in self.teacher_answers(code, token, q["id"]):
                z = a.get("z") or ["", ""]
                w.writerow([q["id"], q["kind"], q["slot"], a["student"], _csv_safe(a["nickname"]), z[0], z[1],
                            a.get("choice", ""), f"{a['t']:.3f}"])
        return out.getvalue()

    # -- a student ----------------------------------------------------------------------------
    def join(self, code: str, nickname: str | None = None) -> Student:
        nick = check_nickname(nickname)
        code = normalise_code(code)
        self.get(code)
        if len(self.store.students(code)) >= MAX_STUDENTS:
            raise ClassError("class_full", limit=MAX_STUDENTS)
        student = Student(code, secrets.token_hex(8), secrets.token_urlsafe(18))
        self.store.add_student(code, student.id, {"nickname": nick, "secret": _hash(student.secret),
                                                   "joined": self.clock()})
        return student

    def _student(self, code: str, student_id: str, secret: str) -> dict:
        stored = self.store.get_student(normalise_code(code), str(student_id))
        if stored is None or not _same(secret, stored["secret"]):
            raise ClassError("not_you")
        return stored

    def current(self, code: str) -> dict | None:
        """The current question as a student may see it: no truth before it is revealed."""
        record = self.get(code)
        q = _question(record, record["current"]) if record["current"] else None
        if q is None:
            return None
        public = {k: v for k, v in q.items() if k != "answer"}
        if q["kind"] == "which" and q["status"] != "revealed":
            public["choices"] = [{"z": c["z"], "slot": None} for c in q["choices"]]  # which model: hidden
        if q["status"] == "revealed":
            public["answer"] = q.get("answer")
        return public

    def answer(self, student: Student, qid: str, z=None, choice=None) -> int:
        """Store (or change) a student's answer; returns how many times it has been written."""
        record = self.get(student.code)
        self._student(student.code, student.id, student.secret)
        q = _question(record, qid)
        if q["status"] != "open":
            raise ClassError("closed")
        value: dict = {"t": self.clock()}
        if q["kind"] == "which":
            if not isinstance(choice, (int, np.integer)) or isinstance(choice, bool) \
                    or not 0 <= int(choice) < len(q["choices"]):
                raise ClassError("bad_choice")
            value["choice"] = int(choice)
        else:
            value["z"] = list(check_z(z, record["maps"][q["slot"]]))
        try:
            n = self.store.put_answer(normalise_code(student.code), qid, student.id, value, MAX_WRITES)
        except LimitReached:
            raise ClassError("too_many", limit=MAX_WRITES) from None
        return n

    def my_answer(self, student: Student, qid: str) -> dict | None:
        self._student(student.code, student.id, student.secret)
        return self.store.answers(normalise_code(student.code), qid).get(student.id)


def _question(record: dict, qid: str) -> dict:
    for q in record["questions"]:
        if q["id"] == qid:
            return q
    raise ClassError("unknown_question")


def _csv_safe(text: str) -> str:
    """A nickname cannot become a spreadsheet formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# -- judging: arrays in, verdicts out ---------------------------------------------------------------
def judge_where(z: np.ndarray, codes: np.ndarray, labels: np.ndarray, target: int, k: int = NEAREST) -> np.ndarray:
    """For each answer z (n, 2): True when most (more than half) of its ``k`` nearest test codes
    are of class ``target``."""
    z = np.asarray(z, dtype=np.float64).reshape(-1, 2)
    if len(z) == 0:
        return np.zeros(0, dtype=bool)
    d = ((z[:, None, :] - np.asarray(codes, dtype=np.float64)[None]) ** 2).sum(-1)
    nearest = np.argpartition(d, min(k, d.shape[1] - 1), axis=1)[:, :k]
    votes = (np.asarray(labels)[nearest] == target).sum(1)
    return votes * 2 > k


def judge_hole(emptiness: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    """A hole: more than HOLE_FACTOR code spacings from every test code (``measures.emptiness``)
    and decoded to an image the reference classifier gives less than HOLE_CONFIDENCE to."""
    return (np.asarray(emptiness) > HOLE_FACTOR) & (np.asarray(confidence) < HOLE_CONFIDENCE)


def choice_counts(answers: list[dict], n_choices: int) -> np.ndarray:
    counts = np.zeros(n_choices, dtype=int)
    for a in answers:
        if "choice" in a and 0 <= a["choice"] < n_choices:
            counts[a["choice"]] += 1
    return counts
