#!/usr/bin/env python3
"""Turns a JMH JSON result file into Markdown tables: every benchmark with its score and
allocation, then jcontext beside each peer of the same shape with the ratio jcontext/peer.

Benchmark methods are named <shape>_<implementation>[_<variant>] (e.g. childOfLive_grpc,
uncontended_jcontext_tryLock); every jcontext row is compared with every other row of its class
and shape. EXTRA_PAIRS adds comparisons across shapes that do the same work.
Usage: summarize.py result.json
"""
import json
import sys

# (class, jcontext method, peer method): same work under different shape names.
EXTRA_PAIRS = [
    ("FanOutBenchmark", "childrenWithOnDone_jcontext", "children_grpc_listener"),
]


def split(name):
    cls, method = name.split(".")[-2:]
    shape, _, impl = method.partition("_")
    return cls, method, shape, impl


def best_iteration(pm):
    """The fastest measurement iteration (lowest time per op) over all forks: on a shared, noisy
    machine it is the figure least disturbed by other processes."""
    raw = [x for fork in pm.get("rawData", []) for x in fork]
    return min(raw) if raw else pm["score"]


def main(path):
    with open(path) as f:
        runs = json.load(f)
    rows = {}
    for r in runs:
        cls, method, shape, impl = split(r["benchmark"])
        pm = r["primaryMetric"]
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm") or r.get("secondaryMetrics", {}).get("\u00b7gc.alloc.rate.norm")
        rows[(cls, method)] = {
            "cls": cls, "method": method, "shape": shape, "impl": impl,
            "score": pm["score"], "error": pm.get("scoreError"), "unit": pm["scoreUnit"],
            "alloc": alloc["score"] if alloc else None, "threads": r.get("threads", 1),
            "best": best_iteration(pm),
        }
    jdk = runs[0].get("jdkVersion", "?") if runs else "?"
    vm = runs[0].get("vmName", "") if runs else ""
    print(f"JDK {jdk} {vm}; JMH {runs[0].get('jmhVersion', '?') if runs else '?'}\n")

    def fmt(x):
        if isinstance(x, str):
            try:
                x = float(x)
            except ValueError:
                return x
        if x is None or x != x:
            return "n/a"
        return f"{x:.1f}" if x >= 10 else f"{x:.2f}"

    print("| benchmark | threads | mean | ± error | best iteration | unit | alloc B/op |")
    print("|---|---|---|---|---|---|---|")
    for key in sorted(rows):
        r = rows[key]
        print(f"| {r['cls']}.{r['method']} | {r['threads']} | {fmt(r['score'])} | {fmt(r['error'])} "
              f"| {fmt(r['best'])} | {r['unit']} | {fmt(r['alloc'])} |")

    pairs = []
    for (cls, method), r in sorted(rows.items()):
        if not r["impl"].startswith("jcontext"):
            continue
        for (c2, m2), p in sorted(rows.items()):
            if c2 == cls and p["shape"] == r["shape"] and not p["impl"].startswith("jcontext"):
                pairs.append((r, p))
    for cls, jm, pm in EXTRA_PAIRS:
        if (cls, jm) in rows and (cls, pm) in rows:
            pairs.append((rows[(cls, jm)], rows[(cls, pm)]))
    if pairs:
        print("\n| jcontext | peer | jcontext mean / best | peer mean / best | ratio (mean) | ratio (best) "
              "| jcontext B/op | peer B/op |")
        print("|---|---|---|---|---|---|---|---|")
        for r, p in pairs:
            ratio = r["score"] / p["score"] if p["score"] else float("nan")
            best = r["best"] / p["best"] if p["best"] else float("nan")
            print(f"| {r['cls']}.{r['method']} | {p['method']} | {fmt(r['score'])} / {fmt(r['best'])} "
                  f"| {fmt(p['score'])} / {fmt(p['best'])} | {ratio:.2f}x | {best:.2f}x "
                  f"| {fmt(r['alloc'])} | {fmt(p['alloc'])} |")


if __name__ == "__main__":
    main(sys.argv[1])
