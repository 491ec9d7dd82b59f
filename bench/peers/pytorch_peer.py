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

from pytorch_step import Trainer

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

trainer = Trainer(generated, train, train_images[:train_count], mean, train.SETTINGS["learningRate"])
pool = [(torch.tensor(indexes), train_labels[indexes]) for indexes in job["batches"]]


def train_step(index):
    indexes, labels = pool[index]
    trainer.train_step(train_images[indexes], labels)


def predict(first, count):
    return trainer.predict(test_images[first : first + count])


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
