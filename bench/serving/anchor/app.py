"""The anchor of make bench-serving: /fraud/score the way the original plan's Python stack would
serve it (FastAPI, onnxruntime, redis-py), on the same ONNX model and the same stored features.

One MGET per request fetches each entity's part of the input vector (written by the bench from
the same online features ml-serving reads); request fields are encoded by position; onnxruntime
scores the row. It does less work per request than ml-serving (no on-demand transformations,
no TTL checks, no window evaluation, no TreeSHAP), so the comparison favours it.
"""
import json
import os

import numpy as np
import onnxruntime as ort
import redis.asyncio as aioredis
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

with open(os.environ["ANCHOR_LAYOUT"]) as handle:
    LAYOUT = json.load(handle)
options = ort.SessionOptions()
options.intra_op_num_threads = 1
options.inter_op_num_threads = 1
SESSION = ort.InferenceSession(os.environ["ANCHOR_MODEL"], sess_options=options, providers=["CPUExecutionProvider"])
REDIS = aioredis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
CATEGORIES = {name: {value: index for index, value in enumerate(spec["categories"])} for name, spec in LAYOUT["categorical"].items()}
REVIEW, DECLINE = 0.35, 0.8

app = FastAPI()


@app.get("/readyz")
async def ready():
    return {"status": "ready"}


@app.post("/fraud/score")
async def score(request: Request):
    body = await request.json()
    keys = [f'{LAYOUT["key_prefix"]}{entity["join_key"]}:{body.get(entity["join_key"])}' for entity in LAYOUT["entities"]]
    blobs = await REDIS.mget(keys)
    row = np.full((1, LAYOUT["width"]), np.nan, dtype=np.float32)
    for entity, blob in zip(LAYOUT["entities"], blobs):
        if blob is not None:
            row[0, entity["positions"]] = np.frombuffer(blob, dtype=np.float32)
    for name, position in LAYOUT["numeric"].items():
        value = body.get(name)
        if isinstance(value, (int, float)):
            row[0, position] = value
    for name, position in LAYOUT["boolean"].items():
        value = body.get(name)
        if isinstance(value, bool):
            row[0, position] = 1.0 if value else 0.0
    for name, spec in LAYOUT["categorical"].items():
        index = CATEGORIES[name].get(body.get(name))
        if index is not None:
            row[0, spec["position"]] = index
    probabilities = SESSION.run([LAYOUT["output_name"]], {LAYOUT["input_name"]: row})[0]
    fraud = float(probabilities[0][1])
    decision = "decline" if fraud >= DECLINE else "review" if fraud >= REVIEW else "approve"
    return JSONResponse({"payment_id": body.get("payment_id"), "fraud_score": fraud, "decision": decision})
