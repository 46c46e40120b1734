#!/usr/bin/env python3
"""bench_pytorch.py: PyTorch's throughput on torchvision's AlexNet, the peer cmd/bench is compared with.

Trains torchvision.models.alexnet (224x224, batch 128 by default, 1000 classes) with SGD momentum 0.9,
weight decay 5e-4, lr 0.01 on synthetic N(0,1) batches, then times inference (eval mode, no_grad),
and prints one JSON object on stdout (progress on stderr). The same workload as
`bench --arch alexnet-tv --batch 128`.

It is a benchmark, not a test: without PyTorch it says so and exits 0. On Debian 12:
    apt-get install -y python3-torch python3-torchvision    # PyTorch 1.13 CPU

Examples:
    python3 scripts/bench_pytorch.py                          # CPU, 2 threads (the project machine)
    python3 scripts/bench_pytorch.py --steps 5 --threads 16
    python3 scripts/bench_pytorch.py --device cuda            # a GPU, against bench on the same GPU
"""
import argparse
import json
import os
import platform
import sys
import time


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batch", type=int, default=128, help="images per step (default 128)")
    p.add_argument("--size", type=int, default=224, help="input size (default 224)")
    p.add_argument("--classes", type=int, default=1000, help="classes (default 1000)")
    p.add_argument("--steps", type=int, default=2, help="timed steps and inference batches (default 2)")
    p.add_argument("--warmup", type=int, default=1, help="untimed steps first (default 1)")
    p.add_argument("--threads", type=int, default=2, help="CPU threads, torch.set_num_threads (default 2)")
    p.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    if a.batch < 1 or a.steps < 1 or a.warmup < 0 or a.threads < 1:
        p.error("--batch, --steps and --threads need at least 1, --warmup at least 0")

    try:
        import torch
        import torchvision
    except ImportError as e:
        log(f"bench_pytorch: PyTorch is not installed for {sys.executable} ({e}); nothing measured. "
            "On Debian 12: apt-get install -y python3-torch python3-torchvision (for /usr/bin/python3)")
        return 0

    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    dev = torch.device(a.device)
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            log("bench_pytorch: --device cuda but torch.cuda.is_available() is False")
            return 1
        torch.backends.cudnn.benchmark = True

    def sync():
        if dev.type == "cuda":
            torch.cuda.synchronize()

    model = torchvision.models.alexnet(num_classes=a.classes).to(dev)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    loss_fn = torch.nn.CrossEntropyLoss()
    x = torch.randn(a.batch, 3, a.size, a.size, device=dev)
    y = torch.randint(0, a.classes, (a.batch,), device=dev)
    per_layer = [f * a.batch for f in layer_flops(model, a.size)]
    fwd_flops = sum(per_layer)
    # Backward: weight gradients of every layer, input gradients of all but the first (the input
    # needs none), as cmd/bench counts them.
    train_flops = 3 * fwd_flops - per_layer[0]

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    def infer():
        with torch.no_grad():
            return model(x)

    model.train()
    train_s = timed("train", step, a, sync, lambda r: f", loss {r.item():.3f}")
    model.eval()
    infer_s = timed("infer", infer, a, sync, lambda r: "")

    out = {
        "framework": "pytorch",
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "device": torch.cuda.get_device_name(dev) if dev.type == "cuda" else cpu_model(),
        "settings": {"arch": "alexnet-tv", "batch": a.batch, "input": [3, a.size, a.size], "classes": a.classes,
                     "steps": a.steps, "warmup": a.warmup, "threads": torch.get_num_threads(), "device": a.device,
                     "lr": 0.01, "momentum": 0.9, "weight_decay": 5e-4,
                     "env": {k: os.environ[k] for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS") if k in os.environ}},
        "train": summary(train_s, a.batch, train_flops),
        "infer": summary(infer_s, a.batch, fwd_flops),
    }
    if dev.type == "cuda":
        out["memory"] = {"max_allocated_bytes": torch.cuda.max_memory_allocated(dev)}
    json.dump(out, sys.stdout, indent=2)
    print()
    return 0


def timed(what, fn, a, sync, note):
    """Runs fn warm-up then timed times; returns the timed wall and process CPU seconds."""
    secs, cpus = [], []
    for i in range(a.warmup + a.steps):
        sync()
        t, c = time.perf_counter(), time.process_time()
        r = fn()
        sync()
        s, cs = time.perf_counter() - t, time.process_time() - c
        tag = f"warm-up {i + 1}/{a.warmup}" if i < a.warmup else f"{i - a.warmup + 1}/{a.steps}"
        if i >= a.warmup:
            secs.append(s)
            cpus.append(cs)
        log(f"  pytorch {what} {tag}: {s:.2f} s ({cs:.2f} s of CPU), {a.batch / s:.1f} img/s{note(r)}")
    return secs, cpus


def cpu_model():
    """The CPU's model name from /proc/cpuinfo, else the machine type."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def summary(timed_secs, batch, flops):
    """The JSON of cmd/bench's Throughput: wall times, img/s, GFLOP/s, and CPU time per batch."""
    secs, cpus = timed_secs
    mean, cpu = sum(secs) / len(secs), sum(cpus) / len(cpus)
    return {"steps_ms": [s * 1e3 for s in secs], "mean_ms": mean * 1e3, "min_ms": min(secs) * 1e3,
            "img_per_s": batch / mean, "gflop_per_s": flops / mean / 1e9,
            "cpu_ms": cpu * 1e3, "img_per_cpu_s": batch / cpu if cpu > 0 else 0}


def layer_flops(model, size):
    """Forward FLOPs per image (2 per multiply-add) of each conv and linear layer, in order."""
    import torch
    flops = []

    def hook(m, inp, out):
        if isinstance(m, torch.nn.Conv2d):
            k = m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1]
            flops.append(2 * out[0].numel() * k)
        elif isinstance(m, torch.nn.Linear):
            flops.append(2 * m.in_features * m.out_features)

    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size, device=next(model.parameters()).device))
    for h in hs:
        h.remove()
    return flops


if __name__ == "__main__":
    sys.exit(main())
