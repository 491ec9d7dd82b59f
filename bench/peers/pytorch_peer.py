"""The PyTorch peer of `npm run bench`: netc's PyTorch backend (the generated model.py, and
train.py's update rule and batch-norm statistics) on the pool of batches the other peers
train on, speaking the bench's protocol as JSON lines on stdin and stdout.

    pytorch_peer.py TRAINER_DIR JOB.json THREADS
"""
import json
import os
import resource
import sys
import time

import torch
import torch.nn.functional as F

trainer_dir, job_file, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, os.path.join(trainer_dir, "pytorch"))
import model as generated  # noqa: E402
import train  # noqa: E402

torch.set_num_threads(threads)
with open(job_file) as f:
    job = json.load(f)
(train_images, train_labels), (test_images, _), _ = train.load_dataset(job["data"])
mean = torch.tensor(job["mean"], dtype=torch.float64)
train_count = train_images.shape[0] - train.SETTINGS["validation"]

net = generated.Net()
train.initialise(net, torch.Generator().manual_seed(1), lambda size: train.whitening_weights(train_images[:train_count], mean, size))
for p in generated.PARAMS:
    train.tensor_of(net, p["tensor"]).requires_grad_(p["trainable"])
optimizer = train.make_optimizer(net)
for group in optimizer.param_groups:
    group["lr"] = train.SETTINGS["learningRate"]
pool = [(torch.tensor(indexes), train_labels[indexes]) for indexes in job["batches"]]
step = 0


def train_step(index):
    global step
    step += 1
    indexes, labels = pool[index]
    net.train()
    net.context.step = step
    logits = net(train.prepare(train_images[indexes], mean).float())
    loss = F.cross_entropy(logits, labels, label_smoothing=train.SETTINGS["labelSmoothing"])
    optimizer.zero_grad(set_to_none=False)
    loss.backward()
    optimizer.step(step)
    train.update_running_stats(net, False)


@torch.no_grad()
def predict(first, count):
    net.eval()
    return net(train.prepare(test_images[first : first + count], mean).float()).argmax(1)


def train_for(seconds):
    start, iterations = time.perf_counter(), 0
    while True:
        train_step(iterations % len(pool))
        iterations += 1
        if time.perf_counter() - start >= seconds:
            return iterations * len(job["batches"][0]) / (time.perf_counter() - start)


def infer_for(batch, seconds):
    start, images = time.perf_counter(), 0
    while True:
        predict(images % 8192, batch)
        images += batch
        if time.perf_counter() - start >= seconds:
            return images / (time.perf_counter() - start)


def send(reply):
    print(json.dumps(reply), flush=True)


train_for(1.5)  # warm-up, as the other peers
predict(0, 256)
send({"kind": "ready", "version": f"torch {torch.__version__}", "threads": torch.get_num_threads()})
for line in sys.stdin:
    request = json.loads(line)
    kind = request["kind"]
    if kind == "train":
        send({"kind": "rate", "samplesPerSecond": train_for(request["seconds"])})
    elif kind == "infer":
        send({"kind": "rate", "samplesPerSecond": infer_for(request["batch"], request["seconds"])})
    elif kind == "evaluate":
        start = time.perf_counter()
        for first in range(0, request["limit"], 250):
            predict(first, min(250, request["limit"] - first))
        send({"kind": "evaluated", "seconds": time.perf_counter() - start, "images": request["limit"]})
    elif kind == "finish":
        send({"kind": "finished", "maxRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})
        break
