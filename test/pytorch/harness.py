"""The PyTorch side of test/pytorch.test.ts: a generated model.py and train.py's update rule
on batches the test gives, in float64, writing what netc's own trainer is compared with.

    harness.py JOBS.json

Each job names its trainer folder and raw little-endian float64 files: the weights
(parameters, then state, in netc's layout) and each batch's prepared images ([n][c][h][w]);
its labels; and what to do: "gradients" (the loss and every parameter's gradient, in netc's
layout) or "steps" (the weights after one optimiser step per batch, with train.py's update
rule and running statistics). One process runs them all: starting Python and torch once.
"""
import json
import struct
import sys

import torch
import torch.nn.functional as F


def read(path, shape=None):
    with open(path, "rb") as f:
        data = f.read()
    values = torch.tensor(struct.unpack(f"<{len(data) // 8}d", data), dtype=torch.float64)
    return values.reshape(shape) if shape else values


def write(path, values):
    with open(path, "wb") as f:
        f.write(struct.pack(f"<{values.numel()}d", *values.tolist()))


def run(job):
    # Each trainer has its own model.py and train.py: forget the last job's.
    for name in ("model", "train"):
        sys.modules.pop(name, None)
    sys.path.insert(0, job["trainer"] + "/pytorch")
    try:
        import model as generated
        import train
    finally:
        sys.path.pop(0)
    net = generated.Net().double()
    train.load_flat_weights(net, read(job["weights"]), job["weights"])
    for p in generated.PARAMS:
        train.tensor_of(net, p["tensor"]).requires_grad_(p["trainable"])
    net.context.seed = job["seed"]
    channels, height, width = generated.INPUT
    smoothing = train.SETTINGS["labelSmoothing"]

    def loss_of(batch, step):
        net.train()
        net.context.step = step
        images = read(batch["images"], (len(batch["labels"]), channels, height, width))
        return F.cross_entropy(net(images), torch.tensor(batch["labels"]), label_smoothing=smoothing)

    if job["mode"] == "gradients":
        loss = loss_of(job["batches"][0], job["step"])
        loss.backward()
        grads = torch.zeros(generated.PARAM_COUNT, dtype=torch.float64)
        for p in generated.PARAMS:
            g = train.tensor_of(net, p["tensor"]).grad
            if g is not None:
                grads[p["offset"] : p["offset"] + g.numel()] = g.flatten()
        write(job["out"], torch.cat([torch.tensor([float(loss)], dtype=torch.float64), grads]))
        return
    optimizer = train.make_optimizer(net)
    for step, batch in enumerate(job["batches"], start=1):
        loss = loss_of(batch, step)
        optimizer.zero_grad(set_to_none=False)
        loss.backward()
        for group in optimizer.param_groups:
            group["lr"] = batch["learningRate"]
        optimizer.step(step)
        train.update_running_stats(net, False)
    write(job["out"], train.flat_weights(net))


torch.set_num_threads(1)
with open(sys.argv[1]) as f:
    for job in json.load(f):
        run(job)
