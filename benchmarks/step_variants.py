"""What a hand-written training step would buy on this CPU: the MSE step of the tutorial's MLP AE
(784 -> 128 -> 64 -> 12 -> 2 and back, batch 128, fused Adam), three ways, by CPU time:

- ``autograd``: aeviz's step as ``aeviz.training.train`` runs it (``model.loss``, ``backward``, fused Adam);
- ``manual_fp32``: the same arithmetic written out (forward with ``addmm``, the backward pass by
  hand into one flat gradient buffer, one fused Adam over one flat parameter): no autograd graph,
  no per-parameter optimiser work. Its gradients are checked against autograd's first;
- ``manual_bf16``: the same, with the two 784-wide layers' matrix products in bfloat16 (this CPU
  has AVX512-BF16; oneDNN then runs a 128x784x128 product ~1.7x faster), everything else float32.

Neither is in aeviz (the README's figures say by how much each is faster): the first duplicates
autograd for one architecture, the second also changes the training's arithmetic, on some CPUs only.
This script is here so that choice can be checked. The last line is one JSON object.

    python benchmarks/step_variants.py [--rounds 6] [--steps 400]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aeviz.config import ModelConfig, TrainConfig  # noqa: E402
from aeviz.models import build_model  # noqa: E402
from aeviz.training import _batch_loss, make_optimizer  # noqa: E402

LATENT_LAYER = 3  # the encoder's last Linear: no ReLU after it
WIDE = (0, 7)  # the 784-wide layers


class ManualStep:
    """The AE's MSE step with the backward pass written out; parameters in one flat buffer."""

    def __init__(self, model, cfg: TrainConfig, bf16: bool):
        linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
        total = sum(m.weight.numel() + m.bias.numel() for m in linears)
        self.flat, self.grad = torch.zeros(total), torch.zeros(total)
        self.w, self.b, self.gw, self.gb = [], [], [], []
        at = 0
        for m in linears:
            out_f, in_f = m.weight.shape
            for store, grads, n, shape, src in ((self.w, self.gw, out_f * in_f, (out_f, in_f), m.weight),
                                                (self.b, self.gb, out_f, (out_f,), m.bias)):
                store.append(self.flat[at:at + n].view(shape))
                grads.append(self.grad[at:at + n].view(shape))
                store[-1].copy_(src.detach())
                at += n
        self.param = torch.nn.Parameter(self.flat)
        self.param.grad = self.grad
        self.opt = torch.optim.Adam([self.param], lr=cfg.lr, weight_decay=cfg.weight_decay, fused=True)
        self.bf16 = bf16

    def _mm(self, i: int, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        if self.bf16 and i in WIDE:
            return (a.bfloat16() @ b.bfloat16()).float()
        return a @ b

    @torch.no_grad()
    def gradients(self, x: torch.Tensor) -> torch.Tensor:
        n = x.shape[0]
        h = x.reshape(n, -1)
        target, acts = h, [h]
        for i, (w, b) in enumerate(zip(self.w, self.b)):
            h = self._mm(i, h, w.t()).add_(b)
            if i not in (LATENT_LAYER, len(self.w) - 1):
                h.clamp_min_(0)
            acts.append(h)
        s = torch.sigmoid(h)
        d = s - target
        loss = torch.dot(d.view(-1), d.view(-1)) / n
        g = d.mul_(s).mul_(1 - s).mul_(2 / n)  # d loss / d logits
        for i in range(len(self.w) - 1, -1, -1):
            self.gw[i].copy_(self._mm(i, g.t(), acts[i]))
            torch.sum(g, 0, out=self.gb[i])
            if i > 0:
                g = self._mm(i, g, self.w[i])
                if i - 1 != LATENT_LAYER:
                    g.mul_(acts[i] > 0)
        return loss

    def step(self, x: torch.Tensor) -> None:
        self.gradients(x)
        self.opt.step()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--steps", type=int, default=400)
    args = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    x = torch.rand(128, 1, 28, 28)
    cfg = TrainConfig(epochs=1, batch_size=128, lr=1e-3, weight_decay=1e-5, recon_loss="mse", device="cpu")
    model = build_model(ModelConfig(kind="ae", hidden=(128, 64, 12))).train()
    manual = {"manual_fp32": ManualStep(model, cfg, bf16=False), "manual_bf16": ManualStep(model, cfg, bf16=True)}

    loss = _batch_loss(model, x, None, cfg)["loss"]
    loss.backward()
    reference = torch.cat([q.grad.reshape(-1) for m in model.modules() if isinstance(m, torch.nn.Linear)
                           for q in (m.weight, m.bias)])
    for name, variant in manual.items():
        variant.gradients(x)
        error = float((variant.grad - reference).abs().max() / reference.abs().max())
        print(f"{name}: largest gradient difference from autograd's, relative to the largest gradient: {error:.1e}")
        if name == "manual_fp32" and error > 1e-5:
            raise SystemExit("the hand-written float32 backward does not match autograd")

    optimizer = make_optimizer(model, cfg, torch.device("cpu"))

    def autograd_step():
        step_loss = _batch_loss(model, x, None, cfg)["loss"]
        optimizer.zero_grad(set_to_none=True)
        step_loss.backward()
        optimizer.step()

    steps = {"autograd": autograd_step, **{k: (lambda v=v: v.step(x)) for k, v in manual.items()}}
    ms: dict[str, list[float]] = {k: [] for k in steps}
    for f in steps.values():
        for _ in range(50):
            f()
    for r in range(args.rounds):  # alternate the order, so drift hits every variant alike
        for name in (list(steps) if r % 2 == 0 else list(reversed(steps))):
            t = time.process_time()
            for _ in range(args.steps):
                steps[name]()
            ms[name].append((time.process_time() - t) / args.steps * 1e3)
    summary = {f"{k}_ms": round(statistics.median(v), 3) for k, v in ms.items()}
    for k in manual:
        summary[f"{k}_speedup"] = round(statistics.median(a / b for a, b in zip(ms["autograd"], ms[k])), 2)
    for k, v in ms.items():
        print(f"{k}: {statistics.median(v):.2f} ms per step ({min(v):.2f}-{max(v):.2f}), CPU time, median of {args.rounds}")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
