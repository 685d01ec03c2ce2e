"""Settings for models and training, as frozen dataclasses.

Both are saved verbatim inside every checkpoint's ``config.json`` so a checkpoint
always says how it was made.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

MODEL_KINDS = ("ae", "vae", "linear-ae", "denoising-ae", "sparse-ae", "contractive-ae", "classifier")
# The weight of a kind's own regulariser when none is given: L1 on the codes (sparse) and the squared
# Frobenius norm of the encoder's Jacobian (contractive), both next to a BCE summed over 784 pixels
# (about 140 per image for a trained 2-D AE). Other kinds have no such term.
DEFAULT_PENALTY = {"sparse-ae": 1.0, "contractive-ae": 1.0}
ARCHS = ("mlp", "conv")
RECON_LOSSES = ("bce", "mse", "l1")
DATASETS = ("mnist", "fashion-mnist")


@dataclass(frozen=True)
class ModelConfig:
    kind: str = "ae"  # one of MODEL_KINDS
    arch: str = "mlp"  # "mlp" or "conv"; encoder and decoder mirror each other
    latent_dim: int = 2  # size of the bottleneck; 2 so the latent plane can be drawn
    # MLP widths from the image side inwards: the PyTorch tutorial's 784 -> 128 -> 64 -> 12 -> 2.
    hidden: tuple[int, ...] = (128, 64, 12)
    channels: tuple[int, ...] = (32, 64)  # conv channels from the image side inwards
    num_classes: int = 10  # only used by the classifier
    dataset: str = "mnist"  # what the model was trained on (drives class names in the UI)
    # Weight of the kind's own regulariser, added to the loss inside the model (so the one training
    # loop trains every kind): L1 of the codes for "sparse-ae", squared Frobenius norm of the
    # encoder's Jacobian dz/dx for "contractive-ae". None = DEFAULT_PENALTY; always 0 for other kinds.
    penalty: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in MODEL_KINDS:
            raise ValueError(f"unknown model kind {self.kind!r}; expected one of {', '.join(MODEL_KINDS)}")
        if self.arch not in ARCHS:
            raise ValueError(f"unknown architecture {self.arch!r}; expected one of {', '.join(ARCHS)}")
        if int(self.latent_dim) < 1:
            raise ValueError(f"latent_dim must be >= 1, got {self.latent_dim}")
        # JSON gives lists; keep the dataclass hashable and comparable.
        object.__setattr__(self, "hidden", tuple(int(h) for h in self.hidden))
        object.__setattr__(self, "channels", tuple(int(c) for c in self.channels))
        object.__setattr__(self, "latent_dim", int(self.latent_dim))
        if self.kind not in DEFAULT_PENALTY:
            object.__setattr__(self, "penalty", 0.0)
        elif self.penalty is None:
            object.__setattr__(self, "penalty", DEFAULT_PENALTY[self.kind])
        else:
            penalty = float(self.penalty)
            if not penalty >= 0:
                raise ValueError(f"the {self.kind} penalty weight must be >= 0, got {self.penalty}")
            object.__setattr__(self, "penalty", penalty)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["hidden"] = list(self.hidden)
        d["channels"] = list(self.channels)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "ModelConfig":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 10
    batch_size: int = 128
    lr: float = 1e-3
    weight_decay: float = 0.0
    beta: float = 1.0  # weight of the KL term (VAE only); 0 turns a VAE into a noisy AE
    recon_loss: str = "bce"  # "bce" (on logits), "mse" or "l1", all summed over pixels
    noise_std: float = 0.0  # Gaussian input noise for denoising training (0 = off)
    seed: int = 0
    device: str = "auto"  # "auto" = cuda, then mps, then cpu
    log_every: int = 0  # steps between loss reports; 0 = 1 on CPU, 25 on a GPU (each report syncs)
    snapshot_size: int = 1000  # test images whose latent codes the epoch callback receives

    def __post_init__(self) -> None:
        if self.recon_loss not in RECON_LOSSES:
            raise ValueError(f"unknown reconstruction loss {self.recon_loss!r}; expected one of {', '.join(RECON_LOSSES)}")
        if self.epochs < 1 or self.batch_size < 1:
            raise ValueError("epochs and batch_size must be positive")
        if not self.lr > 0:
            raise ValueError(f"learning rate must be positive, got {self.lr}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})
