"""Save the studio's trained models as checkpoint folders the Explorer lists at once."""
from __future__ import annotations

import time

import streamlit as st

from aeviz.jobs import ORIGIN, Job, checkpoint_name_error, existing_checkpoint_origin
from aeviz.ui.state import checkpoint_root


def folder_names(name: str, kinds: list[str]) -> dict[str, str]:
    """One model keeps the name; a pair gets ``<name>-ae`` and ``<name>-vae``."""
    return {kinds[0]: name} if len(kinds) == 1 else {k: f"{name}-{k}" for k in kinds}


def save_section(job: Job) -> None:
    kinds = [k for k in job.spec.kinds if k in job.models]
    st.subheader("Save")
    if not kinds:
        st.info("There is nothing to save from this run.")
        return
    saved_key = f"studio_saved_{job.id}"
    root = checkpoint_root()
    name = st.text_input(
        "Checkpoint name", value=f"studio-{job.spec.dataset}-{time.strftime('%Y%m%d-%H%M%S')}",
        key=f"studio_save_name_{job.id}", max_chars=56,
        help="Letters, digits, '-', '_' and '.'. The folder is written in the checkpoints folder, where the "
             "Latent explorer finds it.").strip()
    folders = folder_names(name, kinds)
    errors = [e for e in (checkpoint_name_error(f) for f in folders.values()) if e]
    origins = {f: existing_checkpoint_origin(root / f) for f in folders.values()} if not errors else {}
    taken = [f for f, o in origins.items() if o is not None and o != ORIGIN]
    earlier = [f for f, o in origins.items() if o == ORIGIN]
    if errors:
        st.error(errors[0])
    elif taken:
        st.error(f"`{'`, `'.join(taken)}` already exists and was not made here (a shipped checkpoint?): "
                 "choose another name.")
    overwrite = False
    if earlier and not errors and not taken:
        overwrite = st.checkbox(f"Replace the earlier studio checkpoint `{'`, `'.join(earlier)}`",
                                key=f"studio_overwrite_{job.id}")
    blocked = bool(errors or taken or (earlier and not overwrite))
    st.caption("Writes " + ", ".join(f"`{f}`" for f in folders.values()) + f" in `{root}`.")
    if st.button("Save", key="studio_save", type="primary", disabled=blocked):
        written = []
        try:
            with st.spinner("Measuring the test metrics and saving…"):
                for kind, folder in folders.items():
                    written.append(job.save(kind, root, folder, overwrite=overwrite).name)
        except (ValueError, OSError) as e:
            st.error(f"Could not save: {e}")
        st.session_state[saved_key] = written
    if st.session_state.get(saved_key):
        st.success("Saved " + ", ".join(f"`{f}`" for f in st.session_state[saved_key])
                   + ". The Latent explorer lists it now.", icon="💾")
