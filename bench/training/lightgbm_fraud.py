"""The anchor of `make bench-training`: LightGBM on the fraud model's own snapshot and time split.

Reads the columns bench.ts wrote (float64, column-major, the inputs as the trainer encoded them),
trains with the fraud config's parameters and early stopping on the validation period, one thread,
and prints one JSON line with the test period's ROC AUC and PR AUC.
"""

import argparse
import json
import os
import time

import lightgbm as lgb
import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score


def read_columns(path: str, rows: int, features: int) -> np.ndarray:
    x = np.empty((rows, features), dtype=np.float64)
    for f in range(features):
        x[:, f] = np.fromfile(path, dtype="<f8", count=rows, offset=f * rows * 8)
    return x


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    args = parser.parse_args()
    with open(os.path.join(args.data, "meta.json")) as f:
        meta = json.load(f)
    features = len(meta["featureNames"])
    split = {}
    for name in ("train", "valid", "test"):
        rows = meta[f"{name}Rows"]
        split[name] = (
            read_columns(os.path.join(args.data, f"x_{name}.f64"), rows, features),
            np.fromfile(os.path.join(args.data, f"y_{name}.f64"), dtype="<f8"),
            # Sampled negatives weigh the inverse of their sampling rate.
            np.fromfile(os.path.join(args.data, f"w_{name}.f64"), dtype="<f8"),
        )
    p = meta["params"]
    params = {
        "objective": "binary",
        "learning_rate": p["learningRate"],
        "num_leaves": p["numLeaves"],
        "min_data_in_leaf": p["minDataInLeaf"],
        "lambda_l2": p.get("lambdaL2", 0.0),
        "feature_fraction": p.get("featureFraction", 1.0),
        "max_bin": 255,
        "metric": "average_precision",
        "num_threads": 1,
        "seed": p["seed"],
        "verbose": -1,
    }
    started = time.perf_counter()
    categorical = meta["categoricalFeatures"] or "auto"
    train = lgb.Dataset(split["train"][0], split["train"][1], weight=split["train"][2], categorical_feature=categorical, params={"max_bin": 255, "verbose": -1})
    valid = lgb.Dataset(split["valid"][0], split["valid"][1], weight=split["valid"][2], reference=train, categorical_feature=categorical)
    booster = lgb.train(
        params,
        train,
        num_boost_round=p["numRounds"],
        valid_sets=[valid],
        callbacks=[lgb.early_stopping(p["earlyStoppingRounds"], verbose=False)],
    )
    seconds = time.perf_counter() - started
    x_test, y_test, w_test = split["test"]
    scores = booster.predict(x_test, raw_score=True, num_iteration=booster.best_iteration, num_threads=1)
    print(
        json.dumps(
            {
                "roc_auc": roc_auc_score(y_test, scores, sample_weight=w_test),
                "pr_auc": average_precision_score(y_test, scores, sample_weight=w_test),
                "best_iteration": booster.best_iteration,
                "train_seconds": seconds,
                "version": lgb.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
