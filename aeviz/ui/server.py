"""What the app's server adds to Streamlit's own (``app.py`` builds it with ``st.App``): the decoded
panel's route, and a shutdown that stops the trainings still running."""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

from aeviz.ui import decode_route


def routes() -> list:
    return decode_route.routes()


@asynccontextmanager
async def lifespan(_app):
    yield
    # A server stopped by SIGTERM ends by raising the signal again once it has shut down (uvicorn's
    # way), so atexit hooks never run: the trainings are stopped here, with time to end their step.
    from aeviz.ui.studio_state import stop_trainings

    stopped = await asyncio.to_thread(stop_trainings)
    if stopped:
        print(f"aeviz: stopped {stopped} training(s): the server is shutting down", flush=True)
