#!/usr/bin/env python3
"""Prints the headline table of BENCHMARKS.md from JMH JSON results: one row per target in
headline.tsv, with jcontext and its peer side by side on each JDK, the ratio, the allocation and
whether the target is met on every JDK given.

headline.tsv has four or five tab-separated columns (lines starting with # are comments):
  shape label | jcontext benchmark (Class.method) | peer benchmark (Class.method, or -) | target
  | JMH forks (optional, used by run.sh only)
A target is `ratio<=X` (jcontext time / peer time, mean scores), `ns<=X` (jcontext time) or
`delta<=X` (jcontext time - peer time, in ns: the cost added to a baseline).

Usage: headline.py headline.tsv result.json...  (several files of one JDK are merged; one column
per JDK, in the order the JDKs first appear)
"""
import json
import sys


def load(path):
    with open(path) as f:
        runs = json.load(f)
    scores = {}
    for r in runs:
        cls, method = r["benchmark"].split(".")[-2:]
        sec = r.get("secondaryMetrics", {})
        alloc = sec.get("gc.alloc.rate.norm") or sec.get("\u00b7gc.alloc.rate.norm")
        scores[f"{cls}.{method}"] = (r["primaryMetric"]["score"], alloc["score"] if alloc else None)
    jdk = runs[0].get("jdkVersion", "?").split(".")[0] if runs else "?"
    return jdk, scores


def fmt(x):
    if x is None:
        return "–"
    return f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def main(targets_path, result_paths):
    merged = {}
    for p in result_paths:
        jdk, scores = load(p)
        merged.setdefault(jdk, {}).update(scores)
    results = list(merged.items())
    jdks = " / ".join(j for j, _ in results)
    print(f"| shape | jcontext ns (JDK {jdks}) | peer | peer ns | ratio | B/op jcontext / peer "
          f"| target | met |")
    print("|---|---|---|---|---|---|---|---|")
    with open(targets_path) as f:
        lines = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    for line in lines:
        label, jc, peer, target = line.split("\t")[:4]
        kind, _, bound = target.partition("<=")
        bound = float(bound)
        jc_ns, peer_ns, ratios, met = [], [], [], True
        jc_alloc = peer_alloc = None
        for _, scores in results:
            j = scores.get(jc)
            p = scores.get(peer) if peer != "-" else None
            if j is None or (peer != "-" and p is None):
                jc_ns.append(None)
                peer_ns.append(None)
                ratios.append(None)
                met = False
                continue
            jc_ns.append(j[0])
            jc_alloc = j[1]
            if p is not None:
                peer_ns.append(p[0])
                peer_alloc = p[1]
                ratios.append(j[0] / p[0])
            value = {"ratio": ratios[-1], "ns": j[0], "delta": j[0] - p[0] if p else None}[kind]
            met = met and value is not None and value <= bound
        shown_target = {"ratio": f"≤ {bound:g}×", "ns": f"≤ {bound:g} ns", "delta": f"≤ +{bound:g} ns"}[kind]
        peer_name = peer.split(".")[-1] if peer != "-" else "–"
        ratio_text = " / ".join("–" if r is None else f"{r:.2f}×" for r in ratios) if peer != "-" else "–"
        print(f"| {label} | {' / '.join(fmt(x) for x in jc_ns)} | {peer_name} "
              f"| {' / '.join(fmt(x) for x in peer_ns) if peer != '-' else '–'} | {ratio_text} "
              f"| {fmt(jc_alloc)} / {fmt(peer_alloc)} | {shown_target} | {'**met**' if met else 'not met'} |")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
