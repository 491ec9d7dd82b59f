"""Runs the ablation trainers that compile.sh built (TRAINERS/<variant>/train.py, netc's PyTorch
target) on one machine, PARALLEL at a time — on one GPU, small nets leave it mostly idle, so
several share it — and prints one JSON line a finished run: test accuracy, training seconds.
No new run starts after --deadline seconds; runs still going --grace seconds later are killed.

    python3 bench/ablate/pool.py TRAINERS --data CIFAR10 [--device cuda] [--parallel 8]
        [--seeds 1,2] [--variants base,it1450,...] [--deadline 600] [--grace 300] [--runs DIR]
"""
import argparse
import json
import os
import subprocess
import sys
import time

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("trainers")
parser.add_argument("--data", required=True, help="CIFAR-10's archive or folder")
parser.add_argument("--device", default="cuda", choices=["cpu", "cuda"])
parser.add_argument("--parallel", type=int, default=8)
parser.add_argument("--seeds", default="1")
parser.add_argument("--variants", help="comma-separated (default: every folder in TRAINERS)")
parser.add_argument("--deadline", type=float, default=600)
parser.add_argument("--grace", type=float, default=300)
parser.add_argument("--runs", default="runs/ablate", help="where the run folders and logs go")
argv = sys.argv[1:]
split = argv.index("--") if "--" in argv else len(argv)
args, extra = parser.parse_args(argv[:split]), argv[split + 1 :]  # more train.py options, after --

variants = args.variants.split(",") if args.variants else sorted(os.listdir(args.trainers))
jobs = [(v, int(s)) for s in args.seeds.split(",") for v in variants]
start = time.time()
running = []
env = dict(os.environ, PYTHONUNBUFFERED="1")
os.makedirs(args.runs, exist_ok=True)


def report(variant, seed, proc, began):
    out = os.path.join(args.runs, f"{variant}-s{seed}")
    record = {"variant": variant, "seed": seed, "rc": proc.returncode, "wall": round(time.time() - began, 1)}
    try:
        with open(os.path.join(out, "metrics.json")) as f:
            m = json.load(f)
        record.update(accuracy=m["test"]["accuracy"], trainSeconds=round(m["train"]["seconds"], 1), samplesPerSecond=round(m["train"]["samplesPerSecond"]))
    except (OSError, KeyError, ValueError) as error:
        record["error"] = str(error)
        with open(f"{out}.log") as f:
            record["tail"] = f.read()[-1500:]
    print(json.dumps(record), flush=True)


while jobs or running:
    while jobs and len(running) < args.parallel and time.time() - start < args.deadline:
        variant, seed = jobs.pop(0)
        out = os.path.join(args.runs, f"{variant}-s{seed}")
        command = [sys.executable, os.path.join(args.trainers, variant, "train.py"), "--data", args.data, "--device", args.device,
                   "--seed", str(seed), "--out", out, "--threads", "1", "--quiet", *extra]
        running.append((variant, seed, subprocess.Popen(command, stdout=open(f"{out}.log", "w"), stderr=subprocess.STDOUT, env=env), time.time()))
    if time.time() - start >= args.deadline:
        jobs = []
    for entry in list(running):
        if entry[2].poll() is not None:
            running.remove(entry)
            report(*entry)
    if time.time() - start > args.deadline + args.grace:
        for variant, seed, proc, began in running:
            proc.kill()
            print(json.dumps({"variant": variant, "seed": seed, "killed": True, "wall": round(time.time() - began, 1)}), flush=True)
        break
    time.sleep(0.5)
