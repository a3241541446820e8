"""The anchor of `make bench-boosting`: LightGBM on a bench dataset, one thread.

Times everything from float64 columns to a trained booster (Dataset construction, i.e. binning,
included, as on our side), writes the test raw scores to --predictions (float64) and prints one
JSON line: training seconds (wall and CPU) and the process's peak RSS.
"""

import argparse
import json
import os
import resource
import time

import lightgbm as lgb
import numpy as np


def read_columns(path: str, rows: int, features: int) -> np.ndarray:
    # Filled column by column, so the peak holds one copy of the matrix (C order, as LightGBM wants).
    x = np.empty((rows, features), dtype=np.float64)
    for f in range(features):
        x[:, f] = np.fromfile(path, dtype="<f8", count=rows, offset=f * rows * 8)
    return x


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--lambda-l2", type=float, default=0.0)
    parser.add_argument("--predictions", required=True)
    args = parser.parse_args()

    with open(os.path.join(args.data, "meta.json")) as f:
        meta = json.load(f)
    features = len(meta["featureNames"])
    x_train = read_columns(os.path.join(args.data, "x_train.f64"), meta["trainRows"], features)
    y_train = np.fromfile(os.path.join(args.data, "y_train.f64"), dtype="<f8")
    x_test = read_columns(os.path.join(args.data, "x_test.f64"), meta["testRows"], features)

    params = {
        "objective": "binary",
        "num_leaves": 31,
        "learning_rate": 0.1,
        "max_bin": 255,
        "lambda_l2": args.lambda_l2,
        "num_threads": 1,
        "seed": 1,
        "verbose": -1,
    }
    started = time.perf_counter()
    started_cpu = time.process_time()
    dataset = lgb.Dataset(
        x_train,
        y_train,
        categorical_feature=meta["categoricalFeatures"] or "auto",
        params={"max_bin": 255, "verbose": -1},
    )
    booster = lgb.train(params, dataset, num_boost_round=args.rounds)
    train_seconds = time.perf_counter() - started
    train_cpu_seconds = time.process_time() - started_cpu

    # Raw scores (log-odds): a sigmoid saturates to exactly 0 or 1 for confident rows, and the
    # ties it creates would decide the ranking metrics instead of the models.
    booster.predict(x_test, raw_score=True, num_threads=1).astype("<f8").tofile(args.predictions)
    print(
        json.dumps(
            {
                "trainSeconds": train_seconds,
                "trainCpuSeconds": train_cpu_seconds,
                "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "trees": booster.num_trees(),
                "version": lgb.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
