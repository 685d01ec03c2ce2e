"""The lesson: a guided path through the story the app tells, one step at a time. Each step is a
short text, its formulas (``st.latex``) and links that open the page showing it, already in the
right state (query parameters, see ``aeviz/ui/url_state.py``). The step is in the URL (``?step=N``)."""
from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from aeviz.ui import url_state
from aeviz.ui.lang import t, translator
from aeviz.ui.nav import link, pages

STEP_KEY = "lesson_step"


@dataclass(frozen=True)
class Step:
    id: str
    formulas: tuple[str, ...]
    # (page, label key under lesson.link, query parameters) of the views that show this step
    links: tuple[tuple[str, str, dict], ...] = field(default_factory=tuple)
    # True: the formulas name quantities by symbols that lesson.step.<id>.symbols explains in words.
    # Words stay out of the formulas: KaTeX mis-draws Vietnamese letters with two marks (ố, ữ).
    symbols: bool = False


# The formulas are the same in both languages; the words around them come from the catalogue.
# KaTeX never wraps: a formula wider than a phone's column (~358 px) scrolls sideways, so the long
# ones break at an equals sign or a plus (aligned) or are split in two.
# Sampling for the AE: a Gaussian fitted to its own codes, each dimension's mean and spread (the
# explorer draws from a diagonal one, analysis.prior_samples), the fair "prior" for a model that has
# none (Ghosh et al., 2020).
STEPS: tuple[Step, ...] = (
    Step("parts", (
        r"z = e_\phi(x) \in \mathbb{R}^2, \qquad \hat{x} = d_\theta(z) \in [0, 1]^{784}",
        r"\mathcal{L}_{\mathrm{AE}}(x) = \sum_{i=1}^{784} \mathrm{BCE}\big(x_i, \hat{x}_i\big)",
        r"\begin{aligned} & \mathrm{BCE}\big(x_i, \hat{x}_i\big) \\"
        r" & \quad = -\big[x_i \log \hat{x}_i + (1 - x_i) \log (1 - \hat{x}_i)\big] \end{aligned}",
    ), (("explorer", "explorer", {"dataset": "mnist"}),
        ("studio", "studio_pair", {"s_mode": "both", "s_epochs": 5}))),
    Step("gaps", (
        r"\min_{\phi, \theta} \; \frac{1}{N} \sum_{n=1}^{N} \mathcal{L}\big(x_n, d_\theta(e_\phi(x_n))\big)",
    ), (("explorer", "explorer_gap", {"dataset": "mnist", "overlay": "empty"}),
        ("explorer", "explorer_grid", {"dataset": "mnist", "section": "manifold"}))),
    Step("pca", (
        r"\min_{W \in \mathbb{R}^{784 \times 2},\; W^\top W = I} \; \big\| X - X W W^\top \big\|_F^2",
        r"\hat{x} = W_d W_e \, x \;\Rightarrow\; \operatorname{span}(W_d) = \operatorname{span}(W_{\mathrm{PCA}})",
    ), (("studio", "studio_linear", {"s_mode": "ae", "s_kind": "linear-ae", "s_loss": "mse", "s_epochs": 10}),
        ("digit", "digit_pca", {}))),
    Step("vae", (
        r"q_\phi(z \mid x) = \mathcal{N}\big(\mu_\phi(x), \operatorname{diag} \sigma_\phi^2(x)\big)",
        r"z = \mu + \sigma \odot \varepsilon, \qquad \varepsilon \sim \mathcal{N}(0, I)",
        r"\begin{aligned} & D_{\mathrm{KL}}\big(q_\phi(z \mid x) \,\|\, \mathcal{N}(0, I)\big) \\"
        r" & \quad = -\frac{1}{2} \sum_{j=1}^{2} \big(1 + \log \sigma_j^2 - \mu_j^2 - \sigma_j^2\big) \end{aligned}",
        r"\begin{aligned} \mathcal{L}_{\mathrm{VAE}}(x) = {} & \sum_{i=1}^{784} \mathrm{BCEWithLogits}\big(\ell_i(z), x_i\big) \\"
        r" & + \beta \, D_{\mathrm{KL}} \end{aligned}",
        r"\hat{x}_i = \sigma(\ell_i)",
    ), (("explorer", "explorer", {"dataset": "mnist"}),
        ("studio", "studio_beta", {"s_mode": "vae", "s_beta": 4.0, "s_epochs": 5}))),
    Step("measures", (
        # aeviz/measures.py: s = the codes' median nearest-neighbour spacing, G = a 64 x 64 grid over
        # the box of the central 98 % of codes, Delta_t = mean |pixel change| of step t on a 20-point
        # path, f = the reference classifier's features, r_3 = distance to the 3rd nearest real image.
        r"J = \operatorname{mean}_{p} \; \frac{\max_t \Delta_t}{\sum_{t=1}^{19} \Delta_t}",
        r"\Delta_t = \tfrac{1}{784} \big\| d(z_{t+1}) - d(z_t) \big\|_1",
        r"E = \Pr_{g \in G} \Big[ \min_i \| g - z_i \| > 5\, s \Big]",
        r"R = \Pr_{z} \Big[ \exists\, i : \big\| f(d(z)) - f(x_i) \big\| \le r_3(x_i) \Big]",
    ), (("explorer", "explorer", {"dataset": "mnist"}),), symbols=True),
    Step("sampling", (
        r"z \sim \mathcal{N}(0, I), \qquad x_{\mathrm{new}} = d_\theta(z)",
        r"\mathrm{AE}: \quad z \sim \mathcal{N}\big(\bar{z}, \operatorname{diag}(s_z^2)\big)",
    ), (("explorer", "explorer_sampling", {"dataset": "mnist", "section": "sampling"}),), symbols=True),
    Step("anomaly", (
        r"s(x) = \frac{1}{784} \big\| x - d_\theta(e_\phi(x)) \big\|_2^2",
        r"a(x) = 1 \iff s(x) > \tau",
    ), (("anomaly", "anomaly", {}),), symbols=True),
)


def _go(delta: int) -> None:
    st.session_state[STEP_KEY] = min(max(st.session_state.get(STEP_KEY, 1) + delta, 1), len(STEPS))


def _links(step: Step) -> None:
    known = pages()
    shown = [(p, label, params) for p, label, params in step.links if p in known]
    if not shown:
        st.info(t("lesson.not_built"), icon=":material/construction:")
        return
    st.markdown(f"**{t('lesson.open')}**")
    for page_name, label, params in shown:
        link(page_name, t(f"lesson.link.{label}"), **params)


def show_step(index: int, extra=None) -> None:
    """Step ``index`` (1-based): its title, text, formulas, ``extra()`` if given (the reading page's
    live pictures), and links."""
    step = STEPS[index - 1]
    st.subheader(f"{index}. {t(f'lesson.step.{step.id}.title')}")
    st.markdown(t(f"lesson.step.{step.id}.text"))
    for formula in step.formulas:
        st.latex(formula)
    if step.symbols:
        st.markdown(t(f"lesson.step.{step.id}.symbols"))
    if extra is not None:
        extra()
    _links(step)


def page() -> None:
    url_state.bind("step", STEP_KEY, int, bounds=(1, len(STEPS)))
    st.session_state.setdefault(STEP_KEY, 1)
    st.title(t("lesson.title"))
    st.caption(t("lesson.intro", count=len(STEPS)))
    tr = translator()  # format_func may run outside the script run
    with url_state.settings_container("lesson_picker"):
        st.selectbox(t("lesson.picker"), range(1, len(STEPS) + 1), key=STEP_KEY,
                     format_func=lambda n: f"{n}. {tr(f'lesson.step.{STEPS[n - 1].id}.title')}",
                     persist_state="session")
    index = st.session_state[STEP_KEY]
    st.progress(index / len(STEPS), text=t("lesson.step_of", n=index, total=len(STEPS)))
    show_step(index)
    st.divider()
    back, _, nxt = st.columns([1, 3, 1])
    back.button(t("lesson.back"), key="lesson_back", icon=":material/arrow_back:", disabled=index <= 1,
                on_click=_go, args=(-1,), width="stretch")
    nxt.button(t("lesson.next"), key="lesson_next", icon=":material/arrow_forward:", disabled=index >= len(STEPS),
               on_click=_go, args=(1,), width="stretch", type="primary")
