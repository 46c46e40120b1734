#!/usr/bin/python3
"""make_fixtures.py writes the test fixtures of package weights (run once; tests never need Python).

Run from the repository root with Debian's PyTorch 1.13 (apt-get install python3-torch):

    /usr/bin/python3 weights/testdata/make_fixtures.py

Everything is seeded, so a rerun with the same PyTorch gives the same tensors (the .pth zips also
hold PyTorch's own record names; their bytes may differ between PyTorch versions).

The tiny torchvision-layout AlexNet ("TinyTV") has torchvision's exact layer sequence and state_dict
names with small channel counts (see README.md beside this file):

    features:   0 Conv2d(3->4, k11, s4, p2)   1 ReLU   2 MaxPool2d(3, 2)
                3 Conv2d(4->6, k5, p2)        4 ReLU   5 MaxPool2d(3, 2)
                6 Conv2d(6->8, k3, p1)        7 ReLU
                8 Conv2d(8->8, k3, p1)        9 ReLU
               10 Conv2d(8->6, k3, p1)       11 ReLU  12 MaxPool2d(3, 2)
    avgpool:    AdaptiveAvgPool2d((6, 6))
    classifier: 0 Dropout  1 Linear(216->16)  2 ReLU  3 Dropout  4 Linear(16->16)  5 ReLU
                6 Linear(16->10)

Weights: N(0, 2/fan_in) (He), biases N(0, 0.1^2), seeded, so activations neither die nor vanish
and the logits depend on the input (PyTorch's default init gives near-constant logits here).

Inputs are not stored: input[n, c, h, w] = (((n*131 + c*71 + h*(37 + 12n) + w*(17 + 29n)) % 97) - 48)
/ 64, exact in float32, for n in 0..1, c in 0..2, h, w in 0..S-1, with S = 64 and S = 256. With S = 64 the
last max-pool leaves 1x1 (adaptive pool replicates it); with S = 256 it leaves 7x7, so the adaptive
pool averages overlapping 2x2 bins, as it does for torchvision inputs larger than 224.
"""

import io
import json
import math
import os
import pickletools
import struct
import zipfile

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))


class TinyTV(nn.Module):
    """TinyTV is torchvision's AlexNet with channels 4, 6, 8, 8, 6 and fully connected 16, 16, 10."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 4, kernel_size=11, stride=4, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(4, 6, kernel_size=5, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(6, 8, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(8, 8, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(8, 6, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=0.5),
            nn.Linear(6 * 6 * 6, 16),
            nn.ReLU(inplace=True),
            nn.Dropout(p=0.5),
            nn.Linear(16, 16),
            nn.ReLU(inplace=True),
            nn.Linear(16, 10),
        )

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


def init_he(model):
    """init_he draws conv and linear weights from N(0, 2/fan_in) and biases from N(0, 0.1^2)."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                m.weight.normal_(0.0, math.sqrt(2.0 / m.weight[0].numel()))
                m.bias.normal_(0.0, 0.1)


def make_input(size):
    """make_input returns the documented 2x3xSxS input, exact in float32."""
    n = torch.arange(2).view(2, 1, 1, 1)
    c = torch.arange(3).view(1, 3, 1, 1)
    h = torch.arange(size).view(1, 1, size, 1)
    w = torch.arange(size).view(1, 1, 1, size)
    k = (n * 131 + c * 71 + h * (37 + 12 * n) + w * (17 + 29 * n)) % 97
    return ((k - 48).to(torch.float32)) / 64.0


ST_DTYPES = {
    torch.float32: "F32",
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.float64: "F64",
    torch.int64: "I64",
    torch.int32: "I32",
}


def write_safetensors(path, tensors, metadata=None):
    """write_safetensors writes the safetensors format by its spec, as Python's safetensors does.

    Python's safetensors package is not packaged in Debian, so this small writer stands in: data
    sorted by descending dtype size then name, JSON header padded with spaces to 8 bytes.
    """
    items = sorted(tensors.items(), key=lambda kv: (-kv[1].element_size(), kv[0]))
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    blobs = []
    offset = 0
    for name, t in items:
        t = t.detach().contiguous()
        # bfloat16 has no numpy dtype: reinterpret its bits as int16 to get the raw bytes.
        raw = t.view(torch.int16).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        header[name] = {"dtype": ST_DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    hb = json.dumps(header, separators=(",", ":")).encode()
    hb += b" " * ((8 - len(hb) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)


def describe(t):
    """describe returns what the Go tests check: shape, dtype, float64 sum and the first values."""
    flat = t.detach().reshape(-1)
    return {
        "shape": list(t.shape),
        "dtype": ST_DTYPES[t.dtype],
        "sum": float(flat.double().sum()),
        "first": [float(v) for v in flat[:4].double()],
    }


def pth_with_pickle(path, pkl):
    """pth_with_pickle writes a zip laid out like torch.save's but holding a hand-made data.pkl."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pkl)
        z.writestr("archive/version", "3\n")


def main():
    torch.manual_seed(20120101)
    model = TinyTV().eval()
    init_he(model)
    sd = model.state_dict()
    expected = {}

    # The tiny torchvision-layout state_dict and the logits PyTorch computes from it.
    torch.save(sd, os.path.join(HERE, "tv_small.pth"))
    write_safetensors(os.path.join(HERE, "tv_small_pyref.safetensors"), dict(sd),
                      {"format": "pt", "arch": "tinytv"})
    expected["tv_small"] = {k: describe(v) for k, v in sd.items()}
    out = {}
    meta = {}
    with torch.no_grad():
        for size in (64, 256):
            x = make_input(size)
            y = model(x)
            out["logits_%d" % size] = y
            meta["input_%d_sum" % size] = repr(float(x.double().sum()))
            print("S=%d logits:" % size, y)
    write_safetensors(os.path.join(HERE, "tv_small_logits.safetensors"), out, meta)
    expected["tv_small_logits"] = {k: describe(v) for k, v in out.items()}

    # The same state_dict missing one key, for Match's error.
    missing = {k: v for k, v in sd.items() if k != "classifier.4.bias"}
    torch.save(missing, os.path.join(HERE, "tv_small_missing.pth"))

    # Every dtype we read, a transposed (non-contiguous) tensor and two views sharing one storage.
    g = torch.Generator().manual_seed(7)
    base = torch.randn(4, 5, generator=g)
    shared = torch.arange(20, dtype=torch.float32) * 0.5
    dt = {
        "half": torch.randn(3, 4, generator=g).half(),
        "bf16": torch.randn(2, 3, generator=g).bfloat16(),
        "double": torch.randn(5, generator=g).double(),
        "long": torch.arange(-3, 3, dtype=torch.int64).view(2, 3),
        "int": torch.tensor([7, -8, 9], dtype=torch.int32),
        "scalar": torch.tensor(2.5),
        "transposed": base.t(),
        "view_a": shared[5:15].view(2, 5),
        "view_b": shared[2:8:2],
        "empty": torch.zeros(3, 0),
        "param": nn.Parameter(torch.tensor([1.5, -2.0])),  # pickled via _rebuild_parameter
    }
    assert not dt["transposed"].is_contiguous()
    torch.save(dt, os.path.join(HERE, "dtypes.pth"))
    write_safetensors(os.path.join(HERE, "dtypes_pyref.safetensors"),
                      {k: v.contiguous() for k, v in dt.items()})
    expected["dtypes"] = {k: describe(v.contiguous()) for k, v in dt.items()}

    # The same kind of file as PyTorch >= 2.1 writes on a big-endian machine: a byteorder record
    # saying "big" and every element's bytes reversed (storage keys are numbered in dict order).
    be = {"w": torch.randn(2, 3, generator=g), "h": torch.randn(4, generator=g).half(),
          "l": torch.arange(-1, 2, dtype=torch.int64)}
    buf = io.BytesIO()
    torch.save(be, buf)
    with zipfile.ZipFile(buf) as zin, \
            zipfile.ZipFile(os.path.join(HERE, "bigendian.pth"), "w", zipfile.ZIP_STORED) as zout:
        prefix = zin.namelist()[0].split("/")[0] + "/"
        for i, t in enumerate(be.values()):
            raw = zin.read(prefix + "data/%d" % i)
            assert len(raw) == t.numel() * t.element_size()
            n = t.element_size()
            swapped = b"".join(raw[j:j + n][::-1] for j in range(0, len(raw), n))
            zout.writestr(prefix + "data/%d" % i, swapped)
        for name in zin.namelist():
            if "/data/" not in name:
                zout.writestr(name, zin.read(name))
        zout.writestr(prefix + "byteorder", "big")
    expected["bigendian"] = {k: describe(v) for k, v in be.items()}

    # A .pth holding a bool tensor: a dtype we refuse by name.
    torch.save({"mask": torch.tensor([True, False])}, os.path.join(HERE, "bool.pth"))

    # Malicious pickles, written opcode by opcode and never loaded here. Protocol 2 names the
    # global with GLOBAL ('c'); protocol 4 with STACK_GLOBAL, whose names come from the stack.
    canary = "weights_pwned_canary"
    cmd = ("touch " + canary).encode()
    p2 = (b"\x80\x02" + b"cos\nsystem\n" + b"X" + struct.pack("<I", len(cmd)) + cmd +
          b"\x85" + b"R" + b".")
    p4 = (b"\x80\x04" + b"\x8c\x02os" + b"\x8c\x06system" + b"\x93" +
          b"\x8c" + bytes([len(cmd)]) + cmd + b"\x85" + b"R" + b".")
    for name, pkl in (("malicious_global.pth", p2), ("malicious_stack_global.pth", p4)):
        pickletools.dis(pkl, out=io.StringIO())  # parses: a valid pickle, not just junk
        pth_with_pickle(os.path.join(HERE, name), pkl)
    expected["malicious_canary"] = canary

    # A pickle that is well-formed but holds a list, not a state_dict.
    pth_with_pickle(os.path.join(HERE, "not_a_dict.pth"), b"\x80\x02]q\x00K\x01a.")

    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
