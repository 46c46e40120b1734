#!/usr/bin/python3
"""pytorch_check.py compares cmd/classify with PyTorch on torchvision's AlexNet (a manual check; the
Go tests never need Python). Debian 12's python3-torch and python3-torchvision are enough.

    /usr/bin/python3 cmd/classify/pytorch_check.py make OUT_DIR
        writes OUT_DIR/alexnet-random.pth: torch.save(torchvision.models.alexnet().state_dict()) with
        seed 0, the same format as torchvision's pretrained alexnet-owt-7be5be79.pth.
    /usr/bin/python3 cmd/classify/pytorch_check.py compare OUT_DIR RESULTS.jsonl [EXPORTED.safetensors]
        runs the .pth on every file named in RESULTS.jsonl (classify --json output; --top 1000 compares
        every class) with torchvision's preprocessing, prints PyTorch's top-5 beside classify's, the
        largest difference of log-probabilities against their spread over the classes; with EXPORTED (classify --export), loads it with PyTorch's strict
        load_state_dict and checks it equals the .pth.

Images of exactly 256×256 in PNG are resized by neither side and decoded identically, so they
compare the networks alone; JPEGs (Go's decoder against libjpeg's) and other sizes (x/image/draw's
BiLinear against PIL's) add the preprocessing's own differences.
"""

import json
import math
import os
import struct
import sys

import torch
import torchvision
import torchvision.transforms as T
from PIL import Image


def read_safetensors(path):
    """read_safetensors reads F32 tensors by the format's spec (Python's safetensors is not packaged)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    data = raw[8 + n :]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        assert e["dtype"] == "F32", (name, e["dtype"])
        a, b = e["data_offsets"]
        t = torch.frombuffer(bytearray(data[a:b]), dtype=torch.float32)
        out[name] = t.reshape(e["shape"]) if e["shape"] else t.reshape(())
    return out


def main():
    torch.set_num_threads(2)
    if sys.argv[1] == "make":
        torch.manual_seed(0)
        m = torchvision.models.alexnet()
        os.makedirs(sys.argv[2], exist_ok=True)
        torch.save(m.state_dict(), os.path.join(sys.argv[2], "alexnet-random.pth"))
        return
    out_dir, results = sys.argv[2], sys.argv[3]
    sd = torch.load(os.path.join(out_dir, "alexnet-random.pth"))
    m = torchvision.models.alexnet()
    m.load_state_dict(sd)
    m.eval()
    if len(sys.argv) > 4:
        ex = read_safetensors(sys.argv[4])
        m2 = torchvision.models.alexnet()
        m2.load_state_dict(ex)  # strict: any missing or unexpected name raises
        same = all(torch.equal(ex[k], sd[k]) for k in sd)
        print("exported safetensors: load_state_dict(strict=True) ok, %d tensors, identical to the .pth: %s" % (len(ex), same))
    tf = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(),
                    T.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])])
    worst, worst_rel = 0.0, 0.0
    agree = 0
    n = 0
    for line in open(results):
        r = json.loads(line)
        x = tf(Image.open(r["file"]).convert("RGB")).unsqueeze(0)
        with torch.no_grad():
            p = torch.softmax(m(x).double(), dim=1)[0]
        top = torch.topk(p, 5)
        ours = [t["index"] for t in r["top"]]
        spread = torch.log(p).std().item()
        d = max(abs(math.log(t["prob"]) - math.log(p[t["index"]].item())) for t in r["top"])
        worst, worst_rel = max(worst, d), max(worst_rel, d / spread)
        agree += ours[0] == top.indices[0].item()
        n += 1
        print("%-32s pytorch %s  classify %s  max|dlog p| %.2e = %.2g of the classes' spread" % (r["file"], top.indices.tolist(), ours[:5], d, d / spread))
    print("%d images: top-1 agrees on %d; largest |log p_classify - log p_pytorch| %.3g, %.2g of the spread of log p over classes" % (n, agree, worst, worst_rel))


if __name__ == "__main__":
    main()
