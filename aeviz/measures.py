"""Scale-free measures of a 2-D latent map: what really separates an AE's map from a VAE's.

An AE's codes may spread over +-30 and a VAE's over +-3, so every measure here is judged in the
map's own units: the region is the box holding the central 98 % of the test codes, distances are
counted in multiples of the codes' own median nearest-neighbour spacing, and the decoder's stretch
is a ratio of two of its own values. The same numbers then mean the same thing on both maps.

- **empty area**: share of a 64 x 64 grid over the region that lies more than 5 spacings from every
  test code (where no image was encoded);
- **jumps**: along straight paths between random pairs of test codes, the largest step's share of the
  path's total pixel change (1/19 with 20 points = perfectly even; 1 = all change in one step);
- **steep steps**: the 95th percentile of the pixel change between neighbouring cells of that grid;
- **decoder stretch**: sqrt(det(J^T J)), J = d decoder / d z per unit code std, over the grid; its
  99th percentile over its median says how unevenly the decoder stretches the plane;
- **realism**: share of decoded images inside some real test image's 3-NN ball in the reference
  classifier's feature space (Kynkaanniemi et al. 2019), for uniform samples over the region and
  for samples from a distribution (the VAE's prior N(0, I); for a model with no prior, a Gaussian
  fitted to its codes).

Arrays in, numbers out; ``measure_model`` runs them all on one model. No UI here.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable

import numpy as np
import torch

from .i18n import translate

GRID_N = 64
EMPTY_FACTOR = 5.0
COVERAGE = 0.98
PATH_PAIRS = 200
PATH_STEPS = 20
REALISM_K = 3
REALISM_SAMPLES = 1000


# ---------------------------------------------------------------- geometry of the codes

def central_box(codes: np.ndarray, coverage: float = COVERAGE) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1): per axis, the range holding the central ``coverage`` of the codes."""
    lo, hi = np.quantile(np.asarray(codes, dtype=np.float64)[:, :2], [(1 - coverage) / 2, (1 + coverage) / 2], axis=0)
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def box_grid(box: tuple[float, float, float, float], n: int = GRID_N) -> np.ndarray:
    """Cell centres of an n x n grid over the box, (n, n, 2), row 0 at the top (largest z2)."""
    x0, x1, y0, y1 = box
    xs = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n
    ys = y1 - (np.arange(n) + 0.5) * (y1 - y0) / n
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx, gy], -1).astype(np.float32)


def _nearest(query: np.ndarray, ref: np.ndarray, exclude_self: bool = False, chunk: int = 4096) -> np.ndarray:
    q = torch.as_tensor(np.asarray(query, dtype=np.float32))
    r = torch.as_tensor(np.asarray(ref, dtype=np.float32))
    out = []
    for i in range(0, len(q), chunk):
        d = torch.cdist(q[i:i + chunk], r)
        if exclude_self:
            d[torch.arange(len(d)), torch.arange(i, i + len(d))] = float("inf")
        out.append(d.min(1).values)
    return torch.cat(out).numpy()


def code_spacing(codes: np.ndarray) -> float:
    """Median distance from a code to its nearest other code: the map's own unit of length."""
    return float(np.median(_nearest(codes[:, :2], codes[:, :2], exclude_self=True)))


def emptiness(points: np.ndarray, codes: np.ndarray, spacing: float | None = None) -> np.ndarray:
    """Distance from each point (..., 2) to the nearest code, in code spacings: > 5 is empty."""
    spacing = code_spacing(codes) if spacing is None else spacing
    flat = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    return (_nearest(flat, codes[:, :2]) / max(spacing, 1e-12)).reshape(np.shape(points)[:-1])


def empty_area(codes: np.ndarray, box=None, n: int = GRID_N, factor: float = EMPTY_FACTOR) -> float:
    """Share of an n x n grid over the box (default: the central 98 % box) lying more than
    ``factor`` spacings from every code."""
    box = central_box(codes) if box is None else box
    return float((emptiness(box_grid(box, n), codes) > factor).mean())


# ---------------------------------------------------------------- how the decoder changes

def path_jumps(decode: Callable[[np.ndarray], np.ndarray], codes: np.ndarray, pairs: int = PATH_PAIRS,
               steps: int = PATH_STEPS, seed: int = 0) -> float:
    """Mean over ``pairs`` random pairs of codes of (largest step change / total change) along the
    straight path between them, decoded at ``steps`` points. ``decode``: (N, 2) -> (N, h, w)."""
    rng = np.random.default_rng(seed)
    i, j = rng.choice(len(codes), size=(2, pairs))
    t = np.linspace(0, 1, steps, dtype=np.float32)[None, :, None]
    z = (1 - t) * codes[i, None, :2] + t * codes[j, None, :2]  # (pairs, steps, 2)
    images = np.asarray(decode(z.reshape(-1, 2)), dtype=np.float32).reshape(pairs, steps, -1)
    change = np.abs(np.diff(images, axis=1)).mean(2)  # (pairs, steps - 1)
    total = change.sum(1)
    keep = total > 1e-9  # a pair whose images are identical has no jump to speak of
    return float((change[keep].max(1) / total[keep]).mean()) if keep.any() else float("nan")


def steep_steps(grid_images: np.ndarray, worst: float = 0.05) -> float:
    """The (1 - worst) quantile of mean |pixel change| between neighbouring cells of an (n, n, h, w) grid."""
    g = np.asarray(grid_images, dtype=np.float32)
    d = np.concatenate([np.abs(g[:, 1:] - g[:, :-1]).mean((2, 3)).ravel(),
                        np.abs(g[1:] - g[:-1]).mean((2, 3)).ravel()])
    return float(np.quantile(d, 1 - worst))


def decoder_stretch(decode_t: Callable[[torch.Tensor], torch.Tensor], z: np.ndarray,
                    scale=(1.0, 1.0), h: float = 1e-2, chunk: int = 4096) -> np.ndarray:
    """sqrt(det(J^T J)) at each z (..., 2), J = d decode / d z with z measured in units of
    ``scale`` (the codes' std per axis), so a map's size does not enter. ``decode_t`` maps a
    (N, 2) tensor to (N, ...) pixels. J's two columns are central differences over +-h std: four
    decodes per point (torch.func's forward mode gives the same numbers but spends ~13 s on its
    first call in a process, which a page cannot afford)."""
    s = torch.as_tensor(np.asarray(scale, dtype=np.float32))
    flat = torch.as_tensor(np.asarray(z, dtype=np.float32).reshape(-1, 2))
    out = []
    with torch.no_grad():
        for zz in flat.split(chunk):
            cols = []
            for axis in range(2):
                step = torch.zeros(2)
                step[axis] = h * s[axis]
                diff = decode_t(zz + step).reshape(len(zz), -1) - decode_t(zz - step).reshape(len(zz), -1)
                cols.append(diff.double() / (2 * h))
            j1, j2 = cols
            det = (j1 * j1).sum(1) * (j2 * j2).sum(1) - (j1 * j2).sum(1) ** 2  # det of the 2x2 Gram matrix
            out.append(det.clamp_min(0).sqrt().float())
    return torch.cat(out).numpy().reshape(np.shape(z)[:-1])


def stretch_ratio(stretch: np.ndarray) -> float:
    """99th percentile over median of the decoder stretch: 1 = even; large = ridges."""
    med = float(np.median(stretch))
    return float(np.quantile(stretch, 0.99) / med) if med > 0 else float("inf")


# ---------------------------------------------------------------- does it look like data?

def realism(sample_features: np.ndarray, real_features: np.ndarray, k: int = REALISM_K) -> float:
    """Kynkaanniemi et al.'s precision: share of samples inside at least one real point's ball,
    whose radius is that real point's distance to its k-th nearest real neighbour."""
    real = torch.as_tensor(np.asarray(real_features, dtype=np.float32))
    radii = torch.cdist(real, real).topk(k + 1, largest=False).values[:, k]  # k+1: the point itself
    hits = []
    for chunk in torch.as_tensor(np.asarray(sample_features, dtype=np.float32)).split(1024):
        hits.append((torch.cdist(chunk, real) <= radii[None]).any(1))
    return float(torch.cat(hits).float().mean())


# ---------------------------------------------------------------- one model, all measures

@dataclass(frozen=True)
class MapMeasures:
    empty_area: float  # share of the central region farther than 5 spacings from every code
    jumps: float  # mean largest-step share along paths between codes (1/19 = even)
    steep_steps: float  # 95th percentile of neighbouring cells' mean pixel change
    stretch_ratio: float  # decoder stretch p99 / median
    realism_uniform: float | None  # realistic share of uniform samples over the region
    realism_sampled: float | None  # realistic share of samples from the prior (or a fitted Gaussian)
    sampled_from: str  # "prior" (the VAE's N(0, I)) or "fitted" (a Gaussian fitted to the codes)
    box: tuple[float, float, float, float]
    spacing: float

    def to_dict(self) -> dict:
        return asdict(self)


@torch.inference_mode()
def _decode_np(model, z: np.ndarray, batch: int = 4096) -> np.ndarray:
    zt = torch.as_tensor(np.asarray(z, dtype=np.float32))
    return torch.cat([model.decode(zt[i:i + batch]) for i in range(0, len(zt), batch)])[:, 0].numpy()


@torch.inference_mode()
def _features(classifier, images: np.ndarray, batch: int = 2048) -> np.ndarray:
    x = torch.as_tensor(np.asarray(images, dtype=np.float32).reshape(-1, 1, 28, 28))
    return torch.cat([classifier.features(x[i:i + batch]) for i in range(0, len(x), batch)]).numpy()


def measure_model(model, codes: np.ndarray, test_images: np.ndarray | None = None, classifier=None,
                  seed: int = 0) -> MapMeasures:
    """Every measure of one 2-D model. ``codes``: its (N, 2) test codes; ``test_images`` (N, 28, 28)
    and a reference ``classifier`` (with ``features``) give the realism numbers (else None)."""
    codes = np.asarray(codes, dtype=np.float32)[:, :2]
    box, spacing = central_box(codes), code_spacing(codes)
    grid = box_grid(box)
    empty = float((emptiness(grid, codes, spacing) > EMPTY_FACTOR).mean())
    decoded_grid = _decode_np(model, grid.reshape(-1, 2))
    jumps = path_jumps(lambda z: _decode_np(model, z), codes, seed=seed)
    stretch = decoder_stretch(model.decode, grid, scale=codes.std(0))
    real_u = real_s = None
    variational = bool(getattr(model, "variational", False))
    if classifier is not None and test_images is not None:
        rng = np.random.default_rng(seed)
        real = _features(classifier, test_images)
        (x0, x1, y0, y1) = box
        uniform = np.stack([rng.uniform(x0, x1, REALISM_SAMPLES), rng.uniform(y0, y1, REALISM_SAMPLES)], 1)
        real_u = realism(_features(classifier, _decode_np(model, uniform)), real)
        z = rng.standard_normal((REALISM_SAMPLES, 2)).astype(np.float32)
        if not variational:
            z = z * codes.std(0) + codes.mean(0)
        real_s = realism(_features(classifier, _decode_np(model, z)), real)
    return MapMeasures(empty, jumps, steep_steps(decoded_grid.reshape(len(grid), len(grid), 28, 28)),
                       stretch_ratio(stretch), real_u, real_s, "prior" if variational else "fitted",
                       box, spacing)


# ---------------------------------------------------------------- words from the numbers

# Two maps differ on a measure when they differ by more than this (absolute, on shares) ...
SHARE_MARGIN = 0.08
# ... or, for the ratios, when one is this many times the other.
RATIO_MARGIN = 1.25


def _pct(v: float) -> str:
    return f"{100 * v:.0f} %"


def comparison_sentences(lang: str, left: str, a: MapMeasures, right: str, b: MapMeasures) -> list[str]:
    """Sentences that compare two maps, each written from the measured values: whichever way the
    numbers fall, the words follow them (an AE that is not emptier is said to be not emptier)."""
    def tr(key, **values):
        return translate(lang, f"measures.sentence.{key}", **values)

    out = []
    ea, eb = a.empty_area, b.empty_area
    if abs(ea - eb) <= SHARE_MARGIN:
        out.append(tr("empty_same", left=left, right=right, a=_pct(ea), b=_pct(eb)))
    else:
        more, less, m, l = (left, right, ea, eb) if ea > eb else (right, left, eb, ea)
        out.append(tr("empty_more", more=more, less=less, m=_pct(m), l=_pct(l)))
    ja, jb = a.jumps, b.jumps
    even = 1 / (PATH_STEPS - 1)
    if max(ja, jb) / max(min(ja, jb), 1e-9) < RATIO_MARGIN * 0.9:  # within ~12 %: call it the same
        out.append(tr("jumps_same", left=left, right=right, a=f"{ja:.3f}", b=f"{jb:.3f}", even=f"{even:.3f}"))
    else:
        more, less, m, l = (left, right, ja, jb) if ja > jb else (right, left, jb, ja)
        out.append(tr("jumps_more", more=more, less=less, m=f"{m:.3f}", l=f"{l:.3f}", even=f"{even:.3f}"))
    sa, sb = a.stretch_ratio, b.stretch_ratio
    if max(sa, sb) / max(min(sa, sb), 1e-9) < RATIO_MARGIN:
        out.append(tr("stretch_same", left=left, right=right, a=f"{sa:.0f}", b=f"{sb:.0f}"))
    else:
        more, less, m, l = (left, right, sa, sb) if sa > sb else (right, left, sb, sa)
        out.append(tr("stretch_more", more=more, less=less, m=f"{m:.0f}", l=f"{l:.0f}"))
    if a.realism_uniform is not None and b.realism_uniform is not None:
        ra, rb = a.realism_uniform, b.realism_uniform
        key = "realism_both" if min(ra, rb) >= 0.5 else "realism_differ"
        out.append(tr(key, left=left, right=right, a=_pct(ra), b=_pct(rb)))
    return out


# Training settings that must match for a pair to count as "trained alike" (beta only matters to a VAE).
ALIKE_FIELDS = ("epochs", "batch_size", "lr", "weight_decay", "recon_loss", "noise_std", "seed")


def pair_sentences(lang: str, left: str, a: dict, right: str, b: dict) -> list[str]:
    """What two checkpoints are, from their configs: trained alike or not, and how they differ."""
    def tr(key, **values):
        return translate(lang, f"measures.pair.{key}", **values)

    out = []
    ta, tb = a.get("training", {}), b.get("training", {})
    differ = [f for f in ALIKE_FIELDS if ta.get(f) != tb.get(f)]
    for f in ("arch", "hidden", "latent_dim"):
        if a.get(f) != b.get(f):
            differ.append(f)
    if a.get("data", {}).get("source") != b.get("data", {}).get("source"):
        differ.append("data")
    widths = " → ".join(str(w) for w in [784, *a.get("hidden", []), a.get("latent_dim", 2)])
    if not differ:
        out.append(tr("alike", widths=widths, epochs=ta.get("epochs"), batch=ta.get("batch_size"),
                      lr=ta.get("lr"), recon=ta.get("recon_loss", "?").upper(), seed=ta.get("seed")))
        if {a.get("kind"), b.get("kind")} == {"ae", "vae"}:
            out.append(tr("only_difference"))
    else:
        fields = ", ".join(translate(lang, f"measures.field.{f}") for f in differ)
        out.append(tr("not_alike", left=left, right=right, fields=fields))
    for name, cfg, t in ((left, a, ta), (right, b, tb)):
        if cfg.get("kind") == "ae" and (t.get("noise_std") or t.get("weight_decay")):
            out.append(tr("regularised", name=name, noise=t.get("noise_std", 0), wd=t.get("weight_decay", 0)))
    return out


def seed_sentences(lang: str, sweep: dict) -> list[str]:
    """The spread over the seeds a pair was trained with, and which seed was shipped."""
    def tr(key, **values):
        return translate(lang, f"measures.seeds.{key}", **values)

    runs = sweep.get("runs", [])
    if len(runs) < 2:
        return [tr("once")]
    ae = [r["ae"]["empty_area"] for r in runs]
    vae = [r["vae"]["empty_area"] for r in runs]
    out = [tr("spread", n=len(runs), ae_lo=_pct(min(ae)), ae_hi=_pct(max(ae)), vae_lo=_pct(min(vae)),
              vae_hi=_pct(max(vae)), seed=sweep.get("chosen_seed"))]
    ae_width, vae_width = max(ae) - min(ae), max(vae) - min(vae)
    out.append(tr("ae_varies" if ae_width > 2 * max(vae_width, 0.01) else "both_vary"))
    return out
