"""Dataset (a) of `make bench-boosting`: scikit-learn's make_classification, about 1 % positives.

Writes the bench's dataset format into --out: meta.json plus x_train.f64, y_train.f64,
x_test.f64, y_test.f64 (little-endian float64; x column-major, one feature after another).
"""

import argparse
import json
import os

import numpy as np
from sklearn.datasets import make_classification


def write_columns(path: str, x: np.ndarray) -> None:
    with open(path, "wb") as out:
        for f in range(x.shape[1]):
            np.ascontiguousarray(x[:, f], dtype="<f8").tofile(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    features = 30
    x, y = make_classification(
        n_samples=args.rows,
        n_features=features,
        n_informative=12,
        n_redundant=6,
        n_clusters_per_class=2,
        weights=[0.99],
        flip_y=0.005,
        class_sep=1.0,
        random_state=args.seed,
    )
    # make_classification shuffles its rows: the last 20 % are a random test set.
    split = int(args.rows * 0.8)
    os.makedirs(args.out, exist_ok=True)
    write_columns(os.path.join(args.out, "x_train.f64"), x[:split])
    write_columns(os.path.join(args.out, "x_test.f64"), x[split:])
    y[:split].astype("<f8").tofile(os.path.join(args.out, "y_train.f64"))
    y[split:].astype("<f8").tofile(os.path.join(args.out, "y_test.f64"))
    meta = {
        "name": "make_classification",
        "source": f"sklearn.datasets.make_classification(n_samples={args.rows}, n_features={features}, "
        f"n_informative=12, n_redundant=6, weights=[0.99], flip_y=0.005, random_state={args.seed})",
        "featureNames": [f"x{f}" for f in range(features)],
        "categoricalFeatures": [],
        "trainRows": split,
        "testRows": args.rows - split,
        "positiveRate": float(y.mean()),
    }
    with open(os.path.join(args.out, "meta.json"), "w") as out:
        json.dump(meta, out, indent=1)


if __name__ == "__main__":
    main()
