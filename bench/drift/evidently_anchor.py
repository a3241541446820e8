"""Evidently's DataDriftPreset on the bench's reference and current CSVs, with the monitor's methods.

Usage: evidently_anchor.py DIR NUMERIC_COLUMNS CATEGORICAL_COLUMNS REPETITIONS; prints JSON with the
median time of Report.run in ms and the columns Evidently calls drifted.
"""
import json
import statistics
import sys
import time

import pandas as pd
from evidently import DataDefinition, Dataset, Report
from evidently.presets import DataDriftPreset

directory, numeric, categorical, repetitions = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(","), int(sys.argv[4])
dtypes = {c: "string" for c in categorical}
reference_df = pd.read_csv(f"{directory}/reference.csv", dtype=dtypes)
current_df = pd.read_csv(f"{directory}/current.csv", dtype=dtypes)
definition = DataDefinition(numerical_columns=numeric, categorical_columns=categorical)
reference = Dataset.from_pandas(reference_df, data_definition=definition)
current = Dataset.from_pandas(current_df, data_definition=definition)


def run():
    report = Report([DataDriftPreset(num_method="wasserstein", cat_method="jensenshannon", threshold=0.1)])
    return report.run(current, reference)


snapshot = run()
times = []
for _ in range(repetitions):
    t0 = time.perf_counter()
    run()
    times.append((time.perf_counter() - t0) * 1000)

drifted = []
for metric in snapshot.dict()["metrics"]:
    name = metric.get("metric_name", "") or ""
    config = metric.get("config", {})
    column = config.get("column")
    value = metric.get("value")
    if column and "ValueDrift" in name and isinstance(value, (int, float)) and value > 0.1:
        drifted.append(column)
print(json.dumps({"median_ms": statistics.median(times), "drifted": sorted(set(drifted))}))
