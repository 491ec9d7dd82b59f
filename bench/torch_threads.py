"""PyTorch on the CPU at several thread counts, beside bench/threads.mjs: the bench peer's
training step (the generated model.py of generated/<config>/pytorch and train.py's update
rule) and forward pass on synthetic images at the config's batch; one JSON line a
measurement (the median of three 1-second windows). Run from the repository root:
    python3 bench/torch_threads.py mnist,cifar10-deep 2,16
"""
import importlib
import json
import sys
import time

import torch
import torch.nn.functional as F

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
        net = generated.Net()
        train.initialise(net, torch.Generator().manual_seed(1), lambda size: train.whitening_weights(images, mean, size))
        net.to(torch.float32)
        for p in generated.PARAMS:
            train.tensor_of(net, p["tensor"]).requires_grad_(p["trainable"])
        optimizer = train.make_optimizer(net)
        for group in optimizer.param_groups:
            group["lr"] = 0.001
        step = 0

        def once(mode):
            global step
            step += 1
            first = (step % 4) * batch
            x = train.prepare(images[first : first + batch], mean).float()
            if mode == "evaluate":
                with torch.no_grad():
                    net.eval()
                    net(x).argmax(1)
                return
            net.train()
            net.context.step = step
            loss = F.cross_entropy(net(x), labels[first : first + batch], label_smoothing=train.SETTINGS["labelSmoothing"])
            optimizer.zero_grad(set_to_none=False)
            loss.backward()
            optimizer.step(step)
            train.update_running_stats(net, False)

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
