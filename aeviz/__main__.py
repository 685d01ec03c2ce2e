"""Command line over the same functions the app uses.

    python -m aeviz train --model vae --dataset mnist --epochs 50 --out checkpoints/mnist-vae
    python -m aeviz evaluate checkpoints/mnist-vae
    python -m aeviz anomaly --dataset mnist

Progress goes to stderr (a tqdm bar); the last line of stdout is one JSON object. Bad input gives
one line on stderr starting with ``error:`` and exit status 2.
"""
from __future__ import annotations

import argparse
import json
import sys

from .config import ARCHS, DATASETS, DEFAULT_PENALTY, MODEL_KINDS, RECON_LOSSES

DEFAULT_NOISE = 0.3  # input-noise std for a denoising AE when --noise is not given


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m aeviz", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train a model and save it as a checkpoint folder")
    t.add_argument("--model", default="ae", help=f"one of {', '.join(MODEL_KINDS)}")
    t.add_argument("--arch", default="mlp", help=f"one of {', '.join(ARCHS)}")
    t.add_argument("--dataset", default="mnist", help=f"one of {', '.join(DATASETS)}")
    t.add_argument("--epochs", type=int, default=10)
    t.add_argument("--batch-size", type=int, default=128)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--weight-decay", type=float, default=0.0)
    t.add_argument("--beta", type=float, default=1.0, help="weight of the KL term (vae)")
    t.add_argument("--recon", default=None, help=f"one of {', '.join(RECON_LOSSES)} (default bce; mse for linear-ae)")
    t.add_argument("--noise", type=float, default=None, help=f"input noise std (default {DEFAULT_NOISE} for denoising-ae, else 0)")
    t.add_argument("--penalty", type=float, default=None,
                   help="weight of the sparse-ae's L1 on the codes or the contractive-ae's squared Jacobian norm "
                        "(default: config.DEFAULT_PENALTY)")
    t.add_argument("--latent-dim", type=int, default=2)
    t.add_argument("--hidden", default="128,64,12", help="MLP widths from the image side inwards (the tutorial's)")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--device", default="auto", help="auto (cuda, then mps, then cpu), cpu, cuda, mps")
    t.add_argument("--no-download", action="store_true", help="never try the network for data")
    t.add_argument("--out", required=True, help="checkpoint folder to write")
    w = sub.add_parser("sweep", help="train the AE | VAE pair with several seeds, ship the median-seed pair")
    w.add_argument("--dataset", default="mnist", help=f"one of {', '.join(DATASETS)}")
    w.add_argument("--seeds", type=int, default=5, help="how many seeds (0 .. N-1)")
    w.add_argument("--epochs", type=int, default=100)
    w.add_argument("--workdir", required=True, help="where each seed's models are kept (a rerun resumes)")
    w.add_argument("--out", default="checkpoints", help="checkpoint root that receives <dataset>-ae / -vae")
    w.add_argument("--no-download", action="store_true")
    e = sub.add_parser("evaluate", help="print a checkpoint's test metrics as one JSON line")
    e.add_argument("folder")
    e.add_argument("--no-download", action="store_true")
    a = sub.add_parser("anomaly", help="error AUC of held-out test images against out-of-distribution sets, as one JSON line")
    a.add_argument("--dataset", default="mnist", help=f"one of {', '.join(DATASETS)}")
    a.add_argument("--ae", default=None, help="AE checkpoint folder (default checkpoints/<dataset>-ae)")
    a.add_argument("--vae", default=None, help="VAE checkpoint folder (default checkpoints/<dataset>-vae)")
    a.add_argument("--no-download", action="store_true")
    return p


def _train(args) -> dict:
    from tqdm import tqdm

    from .analysis import evaluate
    from .checkpoints import save_checkpoint
    from .config import ModelConfig, TrainConfig
    from .data import load_dataset
    from .models import build_model
    from .training import train

    recon = args.recon or ("mse" if args.model == "linear-ae" else "bce")
    noise = args.noise if args.noise is not None else (DEFAULT_NOISE if args.model == "denoising-ae" else 0.0)
    try:
        hidden = tuple(int(w) for w in args.hidden.split(","))
    except ValueError:
        raise ValueError(f"--hidden takes comma-separated widths such as 128,64,12, got {args.hidden!r}") from None
    if args.penalty is not None and args.model not in DEFAULT_PENALTY:
        raise ValueError(f"--penalty applies to {' and '.join(DEFAULT_PENALTY)} only, not {args.model}")
    spec = ModelConfig(kind=args.model, arch=args.arch, latent_dim=args.latent_dim, hidden=hidden, dataset=args.dataset,
                       penalty=args.penalty)
    cfg = TrainConfig(epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, weight_decay=args.weight_decay,
                      beta=args.beta, recon_loss=recon, noise_std=noise, seed=args.seed, device=args.device)
    if spec.kind == "linear-ae" and recon == "bce":
        raise ValueError("linear-ae has a linear output: use --recon mse or l1")
    dataset = load_dataset(args.dataset, allow_download=not args.no_download)
    if dataset.notice:
        print(f"notice: {dataset.notice}", file=sys.stderr)
    print(f"data: {dataset.describe()}", file=sys.stderr)

    model = build_model(spec, seed=args.seed)
    bar = tqdm(total=cfg.epochs * -(-len(dataset.train_labels) // cfg.batch_size), unit="step", file=sys.stderr)

    def on_step(info):
        bar.update(info.step - bar.n)
        bar.set_postfix(epoch=info.epoch, loss=f"{info.loss:.4g}", refresh=False)

    result = train(model, dataset, cfg, on_step=on_step)
    bar.close()
    if result.status != "finished":
        print(f"warning: {result.message}", file=sys.stderr)
    metrics = evaluate(model, dataset)
    summary = {
        "status": result.status, "message": result.message,
        "epochs": result.epochs_done, "seconds": round(result.seconds, 3),
        "samples_per_second": round(result.samples_per_second, 1), "device": result.device,
        "train_loss": result.train_loss, "test_loss": result.test_loss,
    }
    save_checkpoint(model, args.out, {
        "training": cfg.to_dict(), "data": dataset.to_dict(),
        "result": {**summary, "history": result.history}, "metrics": metrics,
    })
    return {**summary, **metrics, "out": args.out}


def _sweep(args) -> dict:
    from pathlib import Path

    from .checkpoints import load_model
    from .data import load_dataset
    from .sweep import run_sweep

    if args.seeds < 1:
        raise ValueError("--seeds must be at least 1")
    dataset = load_dataset(args.dataset, allow_download=not args.no_download)
    print(f"data: {dataset.describe()}", file=sys.stderr)
    classifier_dir = Path(args.out) / f"{args.dataset}-classifier"
    classifier = load_model(classifier_dir).eval() if classifier_dir.is_dir() else None

    def train_one(kind: str, seed: int, folder: Path) -> None:
        # The pair is trained alike: same loss, optimiser, epochs, batch, data and seed.
        out = _train(_parser().parse_args([
            "train", "--model", kind, "--dataset", args.dataset, "--epochs", str(args.epochs),
            "--seed", str(seed), "--out", str(folder), *(["--no-download"] if args.no_download else [])]))
        print(json.dumps(out), file=sys.stderr)

    record = run_sweep(dataset, list(range(args.seeds)), args.workdir, args.out, train_one, classifier)
    return {"chosen_seed": record["chosen_seed"], "spread": record["spread"]}


def _evaluate(args) -> dict:
    from .analysis import evaluate
    from .checkpoints import load_model
    from .data import load_dataset

    from pathlib import Path

    from .analysis import encode_all
    from .measures import measure_model

    model = load_model(args.folder).eval()
    dataset = load_dataset(model.config["dataset"], allow_download=not args.no_download)
    if dataset.notice:
        print(f"notice: {dataset.notice}", file=sys.stderr)
    print(f"data: {dataset.describe()}", file=sys.stderr)
    out = {"checkpoint": args.folder, "kind": model.config["kind"], "dataset": dataset.name,
           "data_source": dataset.source, **evaluate(model, dataset)}
    if model.config["kind"] != "classifier" and model.config.get("latent_dim") == 2:
        # The map measures the explorer shows; realism needs the dataset's reference classifier.
        sibling = Path(args.folder).resolve().parent / f"{dataset.name}-classifier"
        classifier = load_model(sibling).eval() if sibling.is_dir() else None
        images = dataset.images("test")
        m = measure_model(model, encode_all(model, images), images[:, 0].numpy(), classifier)
        out["measures"] = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in m.to_dict().items()
                           if k != "box"}
    return out


def _anomaly(args) -> dict:
    from .anomaly_report import anomaly_report

    return anomaly_report(args.dataset, args.ae, args.vae, allow_download=not args.no_download)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        out = {"train": _train, "sweep": _sweep, "evaluate": _evaluate, "anomaly": _anomaly}[args.command](args)
    except (ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
