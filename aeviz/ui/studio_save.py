"""Save the studio's trained models as checkpoint folders the Explorer lists at once."""
from __future__ import annotations

import time

import streamlit as st

from aeviz.job_checkpoints import ORIGIN, checkpoint_name_problem, existing_checkpoint_origin
from aeviz.jobs import Job
from aeviz.ui.lang import t
from aeviz.ui.state import checkpoint_root


def folder_names(name: str, kinds: list[str]) -> dict[str, str]:
    """One model keeps the name; a pair gets ``<name>-ae`` and ``<name>-vae``."""
    return {kinds[0]: name} if len(kinds) == 1 else {k: f"{name}-{k}" for k in kinds}


def _names(folders) -> str:
    return ", ".join(f"`{f}`" for f in folders)


def save_section(job: Job) -> None:
    kinds = [k for k in job.spec.kinds if k in job.models]
    st.subheader(t("studio.save.title"))
    if not kinds:
        st.info(t("studio.save.nothing"))
        return
    saved_key = f"studio_saved_{job.id}"
    root = checkpoint_root()
    name = st.text_input(
        t("studio.save.name"), value=f"studio-{job.spec.dataset}-{time.strftime('%Y%m%d-%H%M%S')}",
        key=f"studio_save_name_{job.id}", max_chars=56, help=t("studio.save.name_help"),
                         persist_state="session").strip()
    folders = folder_names(name, kinds)
    errors = [(p, f) for p, f in ((checkpoint_name_problem(f), f) for f in folders.values()) if p]
    origins = {f: existing_checkpoint_origin(root / f) for f in folders.values()} if not errors else {}
    taken = [f for f, o in origins.items() if o is not None and o != ORIGIN]
    earlier = [f for f, o in origins.items() if o == ORIGIN]
    if errors:
        problem, folder = errors[0]
        st.error(t(f"studio.save.name_{problem}", name=folder))
    elif taken:
        st.error(t("studio.save.taken", names=_names(taken)))
    overwrite = False
    if earlier and not errors and not taken:
        overwrite = st.checkbox(t("studio.save.replace", names=_names(earlier)), key=f"studio_overwrite_{job.id}",
                                persist_state="session")
    blocked = bool(errors or taken or (earlier and not overwrite))
    st.caption(t("studio.save.writes", names=_names(folders.values()), root=root))
    if st.button(t("studio.save.button"), key="studio_save", type="primary", disabled=blocked):
        written = []
        try:
            with st.spinner(t("studio.save.spinner")):
                for kind, folder in folders.items():
                    written.append(job.save(kind, root, folder, overwrite=overwrite).name)
        except (ValueError, OSError) as e:
            st.error(t("studio.save.failed", error=e))
        st.session_state[saved_key] = written
    if st.session_state.get(saved_key):
        st.success(t("studio.save.saved", names=_names(st.session_state[saved_key])), icon=":material/save:")
