"""AppTest (no browser) of class mode: the teacher starts a class, asks and opens a question; a
student joins by the link's code and sees the map and no teacher control; an answer reaches the
teacher's projector; bad input says one clear sentence. AppTest does not run ``run_every``
(streamlit-notes §5): the teacher's page is rerun by hand."""
from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from aeviz.classroom import Student
from aeviz.i18n import catalogue

from conftest import latent_maps

TIMEOUT = 90
TEACHER = "from aeviz.ui.pages import class_teacher\nclass_teacher.page()\n"
STUDENT = "from aeviz.ui.pages import class_student\nclass_student.page()\n"


@pytest.fixture
def env(tmp_path, monkeypatch, checkpoint_copy):
    monkeypatch.setenv("AEVIZ_CHECKPOINTS", str(checkpoint_copy))
    monkeypatch.setenv("AEVIZ_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("AEVIZ_CLASS_STORE", raising=False)
    from aeviz.ui import class_data

    class_data.get_room.clear()  # a fresh store under this test's data folder
    yield class_data
    class_data.get_room.clear()


def _html(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def _keys(at) -> set[str]:
    return {b.key for b in at.button} | {b.proto.id for b in at.get("download_button")}


def test_teacher_starts_asks_and_sees_an_answer_student_sees_no_control(env):
    teacher = AppTest.from_string(TEACHER, default_timeout=TIMEOUT).run()
    assert not teacher.exception
    teacher.button(key="class_start").click().run()
    code = re.search(r'class="aeviz-class-code"[^>]*>(\w+)<', _html(teacher)).group(1)
    assert f"/join?code={code}" in _html(teacher) and "data:image/svg+xml" in _html(teacher)  # link + QR
    teacher.button(key="class_ask").click().run()
    teacher.button(key="class_open").click().run()
    assert 'data-answers="0"' in _html(teacher)

    student = AppTest.from_string(STUDENT, default_timeout=TIMEOUT)
    student.query_params["code"] = code
    student.run()
    assert student.text_input(key="join_code").value == code
    student.text_input(key="join_nick").input("Lan")
    student.button[0].click().run()
    assert not student.exception
    assert any("7" in m.value for m in student.markdown)  # the question
    assert latent_maps(student)  # the map to click on
    assert not {k for k in (b.key for b in student.button) if k and k.startswith("class_")} - {"class_leave"}
    assert not student.get("download_button") and "Lan" not in _html(student)

    me = Student(**student.session_state["class_me"])
    env.get_room().answer(me, "q1", z=(1.0, 2.0))
    teacher.run()
    assert 'data-answers="1"' in _html(teacher)
    csv_text = env.get_room().export_csv(code, teacher.session_state["class_token"])
    assert "Lan" in csv_text


def test_student_bad_input_gets_one_sentence(env):
    student = AppTest.from_string(STUDENT, default_timeout=TIMEOUT).run()
    student.text_input(key="join_code").input("NOPE99")
    student.button[0].click().run()
    assert not student.exception
    assert [e.value for e in student.error] == ["No class with this code is running (it may have ended). "
                                                "Check the code on the board."]
    code, _ = env.get_room().start({"ae": (-1, 1, -1, 1), "vae": (-1, 1, -1, 1)})
    student.text_input(key="join_code").input(code)
    student.text_input(key="join_nick").input("a\u0007b")
    student.button[0].click().run()
    assert "control characters" in student.error[0].value and "class_me" not in student.session_state


def test_resume_needs_the_token(env):
    code, token = env.get_room().start({"ae": (-1, 1, -1, 1), "vae": (-1, 1, -1, 1)})
    teacher = AppTest.from_string(TEACHER, default_timeout=TIMEOUT).run()
    teacher.text_input(key="class_resume_code").input(code)
    teacher.text_input(key="class_resume_token").input("wrong")
    teacher.button(key="class_resume").click().run()
    assert teacher.error and "class_token" not in teacher.session_state
    teacher.text_input(key="class_resume_token").input(token)
    teacher.button(key="class_resume").click().run()
    assert teacher.session_state["class_code"] == code


@pytest.mark.parametrize("kind", ["hole", "which", "where"])
def test_reveal_draws_the_truth_and_the_share(env, kind):
    teacher = AppTest.from_string(TEACHER, default_timeout=TIMEOUT).run()
    teacher.button(key="class_start").click().run()
    code = teacher.session_state["class_code"]
    teacher.segmented_control(key="class_kind").set_value(kind).run()
    teacher.segmented_control(key="class_slot").set_value("vae").run()
    teacher.button(key="class_ask").click().run()
    teacher.button(key="class_open").click().run()
    room = env.get_room()
    students = [room.join(code) for _ in range(3)]
    q = next(q for q in room.get(code)["questions"] if q["id"] == "q1")
    for i, s in enumerate(students):
        if kind == "which":
            # The right image's place is drawn at random: the first student picks it, the others not.
            room.answer(s, "q1", choice=(q["answer"] + i) % len(q["choices"]))
        else:
            room.answer(s, "q1", z=(0.5 * i, 2.5 - i))
    teacher.run()
    assert not teacher.exception
    if kind == "hole":
        assert _html(teacher).count("<img") >= 3  # the decoded thumbnails
    teacher.button(key="class_reveal").click().run()
    assert not teacher.exception
    share = re.search(r"(\d) of 3 right", _html(teacher))
    assert share is not None
    if kind == "which":
        assert share.group(1) == "1"  # one student picked the right image, two picked others


def test_student_answers_which_model_and_changes_until_close(env):
    room = env.get_room()
    code, token = room.start({"ae": (-50, 50, -50, 50), "vae": (-4, 4, -4, 4)})
    from aeviz.ui import class_data

    qid = room.add_question(code, token, "which", "ae", **class_data.which_question(class_data.panes(), seed=3))
    room.set_status(code, token, qid, "open")
    student = AppTest.from_string(STUDENT, default_timeout=TIMEOUT)
    student.query_params["code"] = code
    student.query_params["lang"] = "vi"
    student.run()
    student.button[0].click().run()
    assert _html(student).count("<img") == 4
    assert any("Ảnh nào" in m.value for m in student.markdown)  # the question, in Vietnamese
    # What to do: press a letter (there is no map to click on this question).
    assert [i.value for i in student.info] == [catalogue("vi")["classroom.student_prompt_which"]]
    student.button(key="class_choice_1").click().run()
    student.button(key="class_choice_3").click().run()
    me = Student(**student.session_state["class_me"])
    assert room.my_answer(me, qid)["choice"] == 3
    room.set_status(code, token, qid, "closed")
    student.run()
    assert student.button(key="class_choice_0").disabled
    assert any("đã đóng" in w.value for w in student.warning)
