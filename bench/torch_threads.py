"""PyTorch on the CPU at several thread counts, beside bench/threads.mjs: the bench peer's
training step (the generated model.py of generated/<config>/pytorch and train.py's update
rule) and forward pass on synthetic images at the config's batch; one JSON line a
measurement (the median of three 1-second windows). Run from the repository root:
    python3 bench/torch_threads.py mnist,cifar10-deep 2,16
"""
import importlib
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers"))
from pytorch_step import Trainer  # noqa: E402

configs, threads_list = sys.argv[1].split(","), [int(t) for t in sys.argv[2].split(",")]
seconds = 1.0


def load(config):
    sys.path.insert(0, f"generated/{config}/pytorch")
    for name in ("model", "train"):
        sys.modules.pop(name, None)
    model, train = importlib.import_module("model"), importlib.import_module("train")
    sys.path.pop(0)
    return model, train


for config in configs:
    generated, train = load(config)
    batch = train.SETTINGS["batch"]
    c, h, w = generated.INPUT
    g = torch.Generator().manual_seed(1)
    images = (torch.randn(4 * batch, c, h, w, generator=g) * 50 + 128).clamp(0, 255).to(torch.uint8)
    labels = torch.arange(4 * batch) % 10
    mean = torch.full((c,), 0.5, dtype=torch.float64)
    for threads in threads_list:
        torch.set_num_threads(threads)
        trainer = Trainer(generated, train, images, mean, 0.001)
        step = 0

        def once(mode):
            global step
            step += 1
            first = (step % 4) * batch
            if mode == "evaluate":
                trainer.predict(images[first : first + batch])
            else:
                trainer.train_step(images[first : first + batch], labels[first : first + batch])

        for mode in ("train", "evaluate"):
            once(mode)
            once(mode)
            rates = []
            for _ in range(3):
                start, n = time.perf_counter(), 0
                while True:
                    once(mode)
                    n += 1
                    if time.perf_counter() - start >= seconds:
                        break
                rates.append(n * batch / (time.perf_counter() - start))
            rates.sort()
            print(json.dumps({"peer": "pytorch", "torch": torch.__version__, "config": config, "threads": threads, "mode": mode, "batch": batch, "samplesPerSecond": round(rates[1])}), flush=True)
