#!/usr/bin/env python3
"""Turns a JMH JSON result (java -jar ccp-bench/target/benchmarks.jar -rf json -rff FILE)
into the tables of docs/benchmarks.md: each protocol operation beside the sum of the
primitive operations it is made of, measured in the same run."""
import json
import sys

runs = json.load(open(sys.argv[1]))
score = {}
for r in runs:
    name = r["benchmark"].rsplit(".", 2)
    key = name[-2] + "." + name[-1]
    params = r.get("params") or {}
    if params:
        key += "[" + ",".join(f"{v}" for k, v in sorted(params.items())) + "]"
    unit = r["primaryMetric"]["scoreUnit"]
    value = r["primaryMetric"]["score"]
    err = r["primaryMetric"].get("scoreError") or 0.0
    if unit == "ns/op":
        value, err = value / 1000.0, err / 1000.0
    score[key] = (value, err)

def s(key):
    return score[key][0]

P = "PrimitivesBenchmark."
noise_inputs = ["x25519AgreementBouncyCastle", "x25519KeyGenBouncyCastle", "hkdfBlake2sTwoOutputs",
                "blake2s64Bytes", "chaCha20Poly1305Seal64BouncyCastle"]
have_noise = all(P + k in score for k in noise_inputs)
if have_noise:
    dh, kg, hkdf, h, aead = (s(P + k) for k in noise_inputs)

def noise_ceiling(n_dh, n_kg, n_hkdf, n_hash, n_aead):
    return n_dh * dh + n_kg * kg + n_hkdf * hkdf + n_hash * h + n_aead * aead

ceilings = {} if not have_noise else {
    # responder: XK = 3 DH, 1 ephemeral, 4 HKDF, 8 hashes, 4 AEAD; IK adds ss, one HKDF and the key confirmation
    ("responderShare", "XK"): (noise_ceiling(3, 1, 4, 8, 4), "3 DH + 1 keygen + 4 HKDF + 8 BLAKE2s + 4 AEAD"),
    ("responderShare", "IK"): (noise_ceiling(4, 1, 5, 8, 5), "4 DH + 1 keygen + 5 HKDF + 8 BLAKE2s + 5 AEAD"),
    ("fullHandshake", "XK"): (noise_ceiling(6, 2, 8, 16, 8), "6 DH + 2 keygen + 8 HKDF + 16 BLAKE2s + 8 AEAD"),
    ("fullHandshake", "IK"): (noise_ceiling(8, 2, 10, 16, 10), "8 DH + 2 keygen + 10 HKDF + 16 BLAKE2s + 10 AEAD"),
}

print("### Primitives (µs/op)\n")
print("| operation | µs/op | ± |")
print("|---|---:|---:|")
for k in sorted(x for x in score if x.startswith(P)):
    print(f"| {k[len(P):]} | {score[k][0]:.2f} | {score[k][1]:.2f} |")

handshakes = sorted(x for x in score if x.startswith("HandshakeBenchmark.")) if have_noise else []
if handshakes:
    print("\n### Noise handshakes against their primitives\n")
    print("| benchmark | engine | pattern | µs/op | ± | primitive ceiling (µs) | ratio | ceiling made of |")
    print("|---|---|---|---:|---:|---:|---:|---|")
for k in handshakes:
    bench = k.split(".")[1].split("[")[0]
    engine, pattern = k.split("[")[1].rstrip("]").split(",")
    c, what = ceilings[(bench, pattern)]
    print(f"| {bench} | {engine} | {pattern} | {score[k][0]:.1f} | {score[k][1]:.1f} | {c:.1f} | {score[k][0]/c:.2f} | {what} |")

if "ProofBenchmark.verify" in score:
    own = s(P + "edwardsDecompress") + s(P + "edwardsDoubleScalarMultiply") + \
        s(P + ("edwardsCompress" if P + "edwardsCompress" in score else "edwardsDecompress")) + s(P + "blake3Xof150Bytes")
    bc = s(P + "ed25519VerifyBouncyCastle") + s(P + "blake3Xof150Bytes")
    v = s("ProofBenchmark.verify")
    print("\n### Handshake proof (§3.5)\n")
    print("| benchmark | µs/op | ± | ceiling | µs | ratio |")
    print("|---|---:|---:|---|---:|---:|")
    print(f"| verify | {v:.1f} | {score['ProofBenchmark.verify'][1]:.1f} | its own primitives: decompress A + double-scalar multiply + compress + BLAKE3 (elisabeth, BC) | {own:.1f} | {v/own:.2f} |")
    print(f"| verify | {v:.1f} | | the same equation in BC: Ed25519 verify + BLAKE3 | {bc:.1f} | {v/bc:.2f} |")
    p = s("ProofBenchmark.prove")
    print(f"| prove | {p:.1f} | {score['ProofBenchmark.prove'][1]:.1f} | Ed25519 sign (BC) | {s(P + 'ed25519SignBouncyCastle'):.1f} | {p/s(P + 'ed25519SignBouncyCastle'):.2f} |")

if "CertificateBenchmark.verify" in score:
    print("\n### Device certificates (§3.6)\n")
    print("| benchmark | µs/op | ± | ceiling | µs | ratio |")
    print("|---|---:|---:|---|---:|---:|")
    sign, ver = s(P + "ed25519SignBouncyCastle"), s(P + "ed25519VerifyBouncyCastle")
    for b, c, what in [("sign", sign, "Ed25519 sign"), ("verify", ver, "Ed25519 verify"), ("parseAndVerify", ver, "Ed25519 verify")]:
        k = "CertificateBenchmark." + b
        print(f"| {b} | {s(k):.1f} | {score[k][1]:.1f} | {what} | {c:.1f} | {s(k)/c:.2f} |")

codec = [x for x in score if x.startswith("FrameCodecBenchmark.")]
if codec:
    print("\n### Frame codec (ns/op)\n")
    print("| benchmark | payload bytes | ns/op | ± |")
    print("|---|---:|---:|---:|")
for k in sorted(codec, key=lambda x: (x.split("[")[0], int(x.split("[")[1].rstrip("]")))):
    print(f"| {k.split('.')[1].split('[')[0]} | {k.split('[')[1].rstrip(']')} | {score[k][0]*1000:.0f} | {score[k][1]*1000:.0f} |")
