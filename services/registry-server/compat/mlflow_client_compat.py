"""Drives a tracking server with the official MLflow client and checks every answer.

Run against MLflow's own server, it passes; run against registry-server, it must pass too. The
server is given by MLFLOW_TRACKING_URI (and MLFLOW_TRACKING_TOKEN when it needs one). Prints one
line `compat ok <json summary>` and exits 0, or prints the failed check and exits 1.
"""

import filecmp
import json
import math
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import mlflow
import pandas as pd
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag, ViewType
from mlflow.exceptions import MlflowException

SUFFIX = uuid.uuid4().hex[:8]
checks = 0


def check(condition, message):
    global checks
    checks += 1
    if not condition:
        raise AssertionError(message)


def expect_error(code, action, what):
    try:
        action()
    except MlflowException as error:
        check(error.error_code == code, f"{what}: expected {code}, got {error.error_code}: {error}")
        return
    raise AssertionError(f"{what}: expected {code}, but the call succeeded")


def write_tree(root):
    """A small artifact tree: a file at the top and a nested model directory."""
    root = Path(root)
    (root / "model" / "data").mkdir(parents=True)
    (root / "model" / "MLmodel").write_text("artifact_path: model\nflavors: {}\n")
    (root / "model" / "data" / "weights.bin").write_bytes(os.urandom(256 * 1024))
    (root / "notes.txt").write_text("trained on the compat fixture\n")
    return root


def main():
    client = MlflowClient()
    summary = {}

    # --- experiments ---------------------------------------------------------------------------
    experiment = mlflow.set_experiment(f"compat-{SUFFIX}")
    check(experiment.lifecycle_stage == "active", "set_experiment creates an active experiment")
    check(client.get_experiment_by_name(f"compat-{SUFFIX}").experiment_id == experiment.experiment_id, "get_experiment_by_name")
    check(client.get_experiment_by_name(f"absent-{SUFFIX}") is None, "get_experiment_by_name of an absent name is None")
    client.set_experiment_tag(experiment.experiment_id, "owner", "risk")
    check(client.get_experiment(experiment.experiment_id).tags["owner"] == "risk", "set_experiment_tag")
    found = client.search_experiments(filter_string=f"name = 'compat-{SUFFIX}'")
    check([e.experiment_id for e in found] == [experiment.experiment_id], "search_experiments by name")

    # --- a run: params, metrics over steps, tags, batch, inputs, artifacts -----------------------
    source_dir = write_tree(tempfile.mkdtemp())
    with mlflow.start_run(run_name="first") as run:
        run_id = run.info.run_id
        mlflow.log_params({"lr": "0.1", "depth": 6})
        for step in range(5):
            mlflow.log_metric("auc", 0.80 + 0.02 * step, step=step)
        mlflow.set_tags({"team": "risk", "mlflow.source.git.commit": "0123abcd"})
        now = int(time.time() * 1000)
        client.log_batch(
            run_id,
            metrics=[Metric("loss", 1.0 / (step + 1), now + step, step) for step in range(100)] + [Metric("nan_metric", float("nan"), now, 0)],
            params=[Param("batch_size", "64")],
            tags=[RunTag("phase", "train")],
        )
        frame = pd.DataFrame({"amount": [10.5, 20.0, 31.25], "label": [0, 1, 0]})
        dataset = mlflow.data.from_pandas(frame, source="s3://snapshots/fraud/2024-06-01", name="fraud-train")
        mlflow.log_input(dataset, context="training")
        mlflow.log_artifact(str(source_dir / "notes.txt"))
        mlflow.log_artifacts(str(source_dir / "model"), artifact_path="model")

    finished = client.get_run(run_id)
    check(finished.info.status == "FINISHED", f"end_run marks the run FINISHED, got {finished.info.status}")
    check(finished.info.end_time is not None and finished.info.end_time >= finished.info.start_time, "end_time is set")
    check(finished.info.run_name == "first", "run name")
    check(finished.data.params == {"lr": "0.1", "depth": "6", "batch_size": "64"}, f"params: {finished.data.params}")
    check(math.isclose(finished.data.metrics["auc"], 0.88), f"latest auc is the last step's: {finished.data.metrics}")
    check(math.isclose(finished.data.metrics["loss"], 0.01), "latest loss is the highest step's")
    check(math.isnan(finished.data.metrics["nan_metric"]), "NaN metrics round-trip")
    check(finished.data.tags["team"] == "risk" and finished.data.tags["phase"] == "train", "tags")
    check(finished.data.tags["mlflow.runName"] == "first", "the run name tag")
    inputs = finished.inputs.dataset_inputs
    check(len(inputs) == 1 and inputs[0].dataset.name == "fraud-train" and inputs[0].dataset.digest == dataset.digest, "log_input")
    check(any(tag.key == "mlflow.data.context" and tag.value == "training" for tag in inputs[0].tags), "input context tag")

    history = client.get_metric_history(run_id, "auc")
    check([m.step for m in history] == [0, 1, 2, 3, 4], f"metric history steps: {[m.step for m in history]}")
    check(math.isclose(history[2].value, 0.84), "metric history values")
    check(len(client.get_metric_history(run_id, "loss")) == 100, "log_batch history")

    expect_error("INVALID_PARAMETER_VALUE", lambda: client.log_param(run_id, "lr", "0.2"), "changing a logged param")

    # --- artifacts ------------------------------------------------------------------------------
    top = sorted((f.path, f.is_dir) for f in client.list_artifacts(run_id))
    check(top == [("model", True), ("notes.txt", False)], f"list_artifacts at the root: {top}")
    nested = sorted(f.path for f in client.list_artifacts(run_id, "model"))
    check(nested == ["model/MLmodel", "model/data"], f"list_artifacts of a directory: {nested}")
    downloaded = Path(mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="model", dst_path=tempfile.mkdtemp()))
    comparison = filecmp.dircmp(source_dir / "model", downloaded)
    check(not comparison.diff_files and not comparison.left_only and not comparison.right_only, "downloaded model equals the upload")
    check(filecmp.cmp(source_dir / "model" / "data" / "weights.bin", downloaded / "data" / "weights.bin", shallow=False), "nested binary artifact")

    # --- a second, worse run, and search_runs as a DataFrame ----------------------------------------
    with mlflow.start_run(run_name="second") as second:
        mlflow.log_param("lr", "0.3")
        mlflow.log_metric("auc", 0.75)
        mlflow.set_tag("team", "growth")
    runs = mlflow.search_runs([experiment.experiment_id], order_by=["metrics.auc DESC"])
    check(list(runs["run_id"]) == [run_id, second.info.run_id], f"order_by metrics.auc DESC: {list(runs['run_id'])}")
    check({"metrics.auc", "params.lr", "tags.team"} <= set(runs.columns), f"DataFrame columns: {sorted(runs.columns)}")
    filtered = mlflow.search_runs(
        [experiment.experiment_id],
        filter_string="metrics.auc > 0.8 AND params.lr = '0.1' AND tags.`team` LIKE 'ri%'",
    )
    check(list(filtered["run_id"]) == [run_id], "filter on metric, param and backticked tag")
    check(len(mlflow.search_runs([experiment.experiment_id], filter_string="attributes.run_name = 'second'")) == 1, "filter on run_name")
    check(len(mlflow.search_runs([experiment.experiment_id], filter_string=f"attributes.run_id IN ('{run_id}')")) == 1, "run_id IN")
    page = client.search_runs([experiment.experiment_id], max_results=1, order_by=["attributes.start_time ASC"])
    check(len(page) == 1 and page.token, "a first page of one run carries a page token")
    rest = client.search_runs([experiment.experiment_id], max_results=1, order_by=["attributes.start_time ASC"], page_token=page.token)
    check([r.info.run_id for r in rest] == [second.info.run_id], "the page token leads to the next run")
    expect_error("INVALID_PARAMETER_VALUE", lambda: client.search_runs([experiment.experiment_id], filter_string="metrics.auc >> 1"), "a malformed filter")

    # --- model registry -------------------------------------------------------------------------
    model_name = f"compat-model-{SUFFIX}"
    first_version = mlflow.register_model(f"runs:/{run_id}/model", model_name)
    check(first_version.version == "1", f"first version number: {first_version.version}")
    check(first_version.status == "READY", f"a new version is READY: {first_version.status}")
    check(first_version.run_id == run_id, "the version links to its run")
    second_version = mlflow.register_model(f"runs:/{second.info.run_id}/model", model_name)
    check(second_version.version == "2", "second version number")

    client.set_registered_model_alias(model_name, "champion", "1")
    by_alias = client.get_model_version_by_alias(model_name, "champion")
    check(by_alias.version == "1" and "champion" in by_alias.aliases, "get_model_version_by_alias")
    client.set_registered_model_alias(model_name, "champion", "2")
    check(client.get_model_version_by_alias(model_name, "champion").version == "2", "an alias moves")
    expect_error("INVALID_PARAMETER_VALUE", lambda: client.get_model_version_by_alias(model_name, "absent"), "an unknown alias")
    expect_error("INVALID_PARAMETER_VALUE", lambda: client.set_registered_model_alias(model_name, "latest", "1"), "a reserved alias")
    check(client.get_registered_model(model_name).aliases == {"champion": "2"}, "aliases on the registered model")

    versions = client.search_model_versions(f"name = '{model_name}'")
    check(sorted(v.version for v in versions) == ["1", "2"], f"search_model_versions: {[v.version for v in versions]}")
    check([v.version for v in client.search_model_versions(f"run_id = '{run_id}'")] == ["1"], "search_model_versions by run_id")
    check([m.name for m in client.search_registered_models(f"name = '{model_name}'")] == [model_name], "search_registered_models")

    staged = client.transition_model_version_stage(model_name, "1", "production")
    check(staged.current_stage == "Production", f"transition to Production: {staged.current_stage}")
    latest = client.get_latest_versions(model_name, stages=["Production"])
    check([v.version for v in latest] == ["1"], "get_latest_versions(Production)")

    model_dir = Path(mlflow.artifacts.download_artifacts(f"models:/{model_name}/1", dst_path=tempfile.mkdtemp()))
    check((model_dir / "MLmodel").read_text() == (source_dir / "model" / "MLmodel").read_text(), "download a registered version's artifacts")
    check(client.get_model_version_download_uri(model_name, "1").endswith("/model"), "get_model_version_download_uri")

    client.set_model_version_tag(model_name, "1", "validated", "yes")
    check(client.get_model_version(model_name, "1").tags == {"validated": "yes"}, "set_model_version_tag")
    client.delete_model_version_tag(model_name, "1", "validated")
    check(client.get_model_version(model_name, "1").tags == {}, "delete_model_version_tag")
    client.update_model_version(model_name, "1", description="first good model")
    check(client.get_model_version(model_name, "1").description == "first good model", "update_model_version")
    client.set_registered_model_tag(model_name, "domain", "fraud")
    client.update_registered_model(model_name, description="fraud scoring")
    model = client.get_registered_model(model_name)
    check(model.tags == {"domain": "fraud"} and model.description == "fraud scoring", "registered model tag and description")
    expect_error("RESOURCE_ALREADY_EXISTS", lambda: client.create_registered_model(model_name), "a duplicate registered model")

    # --- deletes and restores -------------------------------------------------------------------
    client.delete_run(second.info.run_id)
    active = client.search_runs([experiment.experiment_id], run_view_type=ViewType.ACTIVE_ONLY)
    check([r.info.run_id for r in active] == [run_id], "a deleted run leaves the active view")
    deleted = client.search_runs([experiment.experiment_id], run_view_type=ViewType.DELETED_ONLY)
    check([r.info.run_id for r in deleted] == [second.info.run_id], "and shows in the deleted view")
    client.restore_run(second.info.run_id)
    check(client.get_run(second.info.run_id).info.lifecycle_stage == "active", "restore_run")

    scratch = client.create_experiment(f"scratch-{SUFFIX}")
    client.delete_experiment(scratch)
    check(client.get_experiment(scratch).lifecycle_stage == "deleted", "delete_experiment")
    client.restore_experiment(scratch)
    check(client.get_experiment(scratch).lifecycle_stage == "active", "restore_experiment")
    client.rename_experiment(scratch, f"renamed-{SUFFIX}")
    check(client.get_experiment(scratch).name == f"renamed-{SUFFIX}", "rename_experiment")

    client.delete_registered_model_alias(model_name, "champion")
    check(client.get_registered_model(model_name).aliases == {}, "delete_registered_model_alias")
    client.delete_model_version(model_name, "2")
    expect_error("RESOURCE_DOES_NOT_EXIST", lambda: client.get_model_version(model_name, "2"), "a deleted version")
    third = mlflow.register_model(f"runs:/{run_id}/model", model_name)
    check(third.version == "3", f"numbers of deleted versions are not reused: {third.version}")
    renamed = f"{model_name}-renamed"
    client.rename_registered_model(model_name, renamed)
    check(sorted(v.version for v in client.search_model_versions(f"name = '{renamed}'")) == ["1", "3"], "rename keeps the versions")
    client.delete_registered_model(renamed)
    expect_error("RESOURCE_DOES_NOT_EXIST", lambda: client.get_registered_model(renamed), "a deleted registered model")

    client.delete_tag(run_id, "phase")
    check("phase" not in client.get_run(run_id).data.tags, "delete_tag")
    expect_error("RESOURCE_DOES_NOT_EXIST", lambda: client.get_run(uuid.uuid4().hex), "an unknown run")

    summary.update(experiment_id=experiment.experiment_id, run_id=run_id, checks=checks)
    print("compat ok " + json.dumps(summary))


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # noqa: BLE001 - every failure is reported the same way
        print(f"compat FAILED after {checks} checks: {type(error).__name__}: {error}", file=sys.stderr)
        raise SystemExit(1) from error
