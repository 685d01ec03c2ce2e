"""aeviz: train, load and explore small autoencoders and VAEs with a 2-D latent space.

Nothing here runs at import beyond defining names; torch is imported lazily by the modules.
"""
__version__ = "0.1.0"

from .checkpoints import load_model, save_checkpoint  # noqa: E402
from .config import ModelConfig, TrainConfig  # noqa: E402
from .data import load_dataset  # noqa: E402
from .models import build_model  # noqa: E402
from .training import train  # noqa: E402

__all__ = ["__version__", "load_model", "save_checkpoint", "ModelConfig", "TrainConfig",
           "load_dataset", "build_model", "train"]
