#!/usr/bin/env python3
"""Summarizes several runs of HttpHelperPairedMain (each its own JVM) per shape: every run's
median, 1 %-trimmed mean and mean of the paired differences, then the mean of each estimate over
the runs with a 95 % t-interval.

Why runs and not one long run: one run's intervals describe that JVM only. Runs of the same jar
on the same idle machine differ by more than those intervals (where the JIT and the scheduler put
the client, selector, dispatcher and handler threads), as JMH forks do; the spread of the runs is
the uncertainty a stranger meets when reproducing the figure.

Usage: http_runs.py run1.log run2.log ...   (the output of HttpHelperPairedMain)
"""
import re
import statistics
import sys

# Two-sided 95 % Student t quantiles by degrees of freedom (runs - 1).
T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
       10: 2.228, 15: 2.131, 20: 2.086, 30: 2.042}


def t95(df):
    best = max(k for k in T95 if k <= df)
    return T95[best]


def parse(path):
    shape = None
    found = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"\[(\S+)\] \d+ pairs", line)
            if m:
                shape = m.group(1)
                continue
            m = re.search(r"mean\s+([+-][\d.]+) us, 95% CI .*median\s+([+-][\d.]+) us", line)
            if m and shape:
                found.setdefault(shape, {})["mean"] = float(m.group(1))
                found[shape]["median"] = float(m.group(2))
                continue
            m = re.search(r"1%-trimmed mean\s+([+-][\d.]+) us", line)
            if m and shape:
                found.setdefault(shape, {})["trimmed"] = float(m.group(1))
    return found


def main(paths):
    runs = [parse(p) for p in paths]
    shapes = []
    for r in runs:
        shapes += [s for s in r if s not in shapes]
    for shape in shapes:
        rows = [r[shape] for r in runs if shape in r and len(r[shape]) == 3]
        print(f"[{shape}] {len(rows)} runs, treatment - baseline in us")
        print("| estimate | " + " | ".join(f"run {i + 1}" for i in range(len(rows))) + " | mean of runs, 95 % t-interval |")
        print("|---|" + "---|" * len(rows) + "---|")
        for est in ("median", "trimmed", "mean"):
            xs = [row[est] for row in rows]
            cells = " | ".join(f"{x:+.2f}" for x in xs)
            if len(xs) > 1:
                m = statistics.mean(xs)
                half = t95(len(xs) - 1) * statistics.stdev(xs) / len(xs) ** 0.5
                summary = f"{m:+.2f} [{m - half:+.2f}, {m + half:+.2f}]"
            else:
                summary = f"{xs[0]:+.2f}" if xs else "-"
            label = {"median": "median", "trimmed": "1 %-trimmed mean", "mean": "mean"}[est]
            print(f"| {label} | {cells} | {summary} |")
        print()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1:])
