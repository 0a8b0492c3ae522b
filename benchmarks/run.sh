#!/usr/bin/env bash
# Builds the shaded JMH jar and runs the jcontext benchmarks beside their peers.
#
#   benchmarks/run.sh smoke        one 100 ms iteration of three benchmarks + toy scale runs (CI: the jar runs)
#   benchmarks/run.sh quick        every JMH benchmark, short iterations, -prof gc, + CPU-time and scale runs (~5 min on 2 cores)
#   benchmarks/run.sh full         every JMH benchmark, 2 forks x 5 x 1 s, -prof gc, + CPU-time and scale runs (~25 min on 2 cores)
#   benchmarks/run.sh headline     the benchmarks of headline.tsv, 5 x 1 s, -prof gc, 1 fork (or the row's forks
#                                  column), on JDK 17 and on Temurin 25 (JC_JAVA25) when installed; prints the
#                                  headline table of BENCHMARKS.md
#   benchmarks/run.sh jmh ARGS...  the jar with your own JMH arguments (e.g. 'Poll' -f 1 -wi 3 -i 5)
#   benchmarks/run.sh scale ARGS...  io.jcontext.bench.scale.ScaleMain memory|churn|wake|all [n]
#   benchmarks/run.sh cpu [FILTER]   io.jcontext.bench.scale.CpuTimeMain: key shapes in thread CPU time
#   benchmarks/run.sh soak [SECONDS] [jcontext|grpc|both] [RATES]  io.jcontext.bench.scale.DeadlineSoakMain:
#                                  deadline lateness, 4 creators, at RATES M/s (default 0.4,1,2,0; 0 = unthrottled),
#                                  beside grpc; default 20 s per rate (~4 min), e.g. 'soak 3' for a smoke run
#   benchmarks/run.sh http-paired [PAIRS] [SHAPES]  io.jcontext.bench.http.HttpHelperPairedMain: the HTTP helper's
#                                  cost on a loopback GET, paired interleaved requests, mean/median with 95 % CI
#                                  (default 100000 pairs, shape full; ~1 min per shape at 2 CPUs); JC_RUNS=N runs
#                                  N JVMs and prints each estimate over the runs (http_runs.py)
#
# Environment:
#   JC_BUILD_DIR   Maven build folder of the module (default: target), passed as -Djc.build.dir
#   JC_SKIP_BUILD  set to 1 to use the jar already built
#   JC_JAVA        the java that runs the benchmarks (default: $JAVA_HOME/bin/java, else java);
#                  e.g. JC_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java for virtual threads
# Results (JMH JSON, logs, a Markdown summary) go to benchmarks/$JC_BUILD_DIR/results/.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
build_dir="${JC_BUILD_DIR:-target}"
jar="$here/$build_dir/benchmarks.jar"
results="$here/$build_dir/results"
if [[ -n "${JC_JAVA:-}" ]]; then
  java="$JC_JAVA"
elif [[ -n "${JAVA_HOME:-}" ]]; then
  java="$JAVA_HOME/bin/java"
else
  java=java
fi

profile="${1:-}"
if [[ -z "$profile" ]]; then
  sed -n '2,26p' "$0"
  exit 2
fi
shift

if [[ "${JC_SKIP_BUILD:-0}" != 1 ]]; then
  # Kotlin compiles in Maven's own JVM: a Kotlin daemon would stay after the build, a 1 GB JVM
  # using a few % of a CPU beside the measurements.
  (cd "$root" && mvn -B -ntp -q -pl benchmarks -am package -DskipTests -Djc.docs.skip=true \
    -Dkotlin.compiler.daemon=false "-Djc.build.dir=$build_dir")
fi
[[ -f "$jar" ]] || { echo "no $jar: build failed?" >&2; exit 1; }
mkdir -p "$results"
jdk="$("$java" -XX:+IgnoreUnrecognizedVMOptions -version 2>&1 | head -1 | sed 's/.*version "\([^"]*\)".*/\1/')"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"

# Scale runs want a fixed heap and a stop-the-world collector so that "used after GC" is exact.
scale_jvm=(-Xms4g -Xmx4g -XX:+UseParallelGC)
# JMH forks get a fixed 1 GB heap, touched at start-up. Without it a fork's first pass through a
# heap that G1 grows runs on pages the VM has never touched: on a VM where a first touch costs
# ~10 us per 4 KiB page, an allocating benchmark then ran at 150-330 ns/op instead of 10 for
# seconds, in about half of the forks, and the same fork fast after its first few collections.
jmh_jvm=(-jvmArgsPrepend "-Xms1g -Xmx1g -XX:+AlwaysPreTouch")

run_jmh() { # name, JMH args...
  local name="$1"; shift
  local out="$results/$name-jdk$jdk-$stamp"
  "$java" -jar "$jar" "${jmh_jvm[@]}" -rf json -rff "$out.json" "$@" 2>&1 | tee "$out.log"
  if command -v python3 >/dev/null; then
    python3 "$here/summarize.py" "$out.json" | tee "$out.md"
  fi
}

run_cpu() { # CpuTimeMain: the key shapes in thread CPU time (a noise-immune cross-check)
  "$java" -cp "$jar" io.jcontext.bench.scale.CpuTimeMain "$@" 2>&1 | tee "$results/cputime-jdk$jdk-$stamp.md"
}

run_soak() { # DeadlineSoakMain args...
  "$java" "${scale_jvm[@]}" -cp "$jar" io.jcontext.bench.scale.DeadlineSoakMain "$@" 2>&1 \
    | tee "$results/soak-jdk$jdk-$stamp.md"
}

run_scale() { # ScaleMain args...
  "$java" "${scale_jvm[@]}" -cp "$jar" io.jcontext.bench.scale.ScaleMain "$@" 2>&1 \
    | tee "$results/scale-$1-jdk$jdk-$stamp.md"
}

case "$profile" in
  smoke)
    # Two benchmarks (jcontext and its grpc peer), one that goes through the Kotlin helpers and
    # one through the Kotlin bridge, then the scale runs at toy sizes: proves every part of the
    # jar still loads and runs.
    run_jmh smoke -f 1 -wi 0 -i 1 -r 100ms \
      'DeriveBenchmark\.childOfLive_(jcontext|grpc)$|MutexBenchmark\.uncontended_kotlinxMutex_suspend$|BridgeBenchmark\.launchUndispatched_jcontextBound$'
    "$java" -cp "$jar" io.jcontext.bench.scale.ScaleMain memory 10000
    "$java" -cp "$jar" io.jcontext.bench.scale.ScaleMain wake 1000
    "$java" -cp "$jar" io.jcontext.bench.scale.DeadlineSoakMain 1 jcontext 0.4,0
    ;;
  quick)
    run_jmh quick -f 1 -wi 2 -w 500ms -i 3 -r 500ms -prof gc "$@"
    run_cpu
    run_scale all
    ;;
  full)
    run_jmh full -f 2 -wi 5 -w 1s -i 5 -r 1s -prof gc "$@"
    run_cpu
    run_scale all
    ;;
  headline)
    # Exactly the benchmarks headline.tsv names, run on each JDK with the forks its fifth column
    # gives (default 1): one JMH run per fork count and JDK, then one table.
    java25="${JC_JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
    javas=("$java")
    if [[ -x "$java25" && "$java25" != "$java" ]]; then
      javas+=("$java25")
    fi
    jsons=()
    for jvm in "${javas[@]}"; do
      tag="$("$jvm" -version 2>&1 | awk -F'"' 'NR==1{split($2, v, "."); print v[1]}')"
      for forks in $(grep -v '^#' "$here/headline.tsv" | awk -F'\t' '{print ($5 == "" ? 1 : $5)}' | sort -un); do
        regex="$(grep -v '^#' "$here/headline.tsv" \
          | awk -F'\t' -v f="$forks" '($5 == "" ? 1 : $5) == f {print $2; if ($3 != "-") print $3}' \
          | sed 's/\./\\./; s/$/$/' | paste -sd'|')"
        out="$results/headline-jdk$tag-f$forks-$stamp"
        "$jvm" -jar "$jar" "${jmh_jvm[@]}" -f "$forks" -wi 3 -w 1s -i 5 -r 1s -prof gc -rf json -rff "$out.json" \
          "$regex" "$@" 2>&1 | tee "$out.log"
        jsons+=("$out.json")
      done
    done
    python3 "$here/headline.py" "$here/headline.tsv" "${jsons[@]}" | tee "$results/headline-$stamp.md"
    # The targets JMH cannot measure, on the first JDK: memory per live child, deadlines under
    # overload (2 M/s and unthrottled, 10 s each, beside grpc), bytes per suspended lock waiter.
    { "$java" "${scale_jvm[@]}" -cp "$jar" io.jcontext.bench.scale.ScaleMain memory 1000000
      "$java" "${scale_jvm[@]}" -cp "$jar" io.jcontext.bench.scale.DeadlineSoakMain 10 both 2,0
      "$java" -cp "$jar" io.jcontext.bench.kt.WaiterFootprint; } 2>&1 | tee -a "$results/headline-$stamp.md"
    ;;
  jmh)
    run_jmh custom "$@"
    ;;
  scale)
    run_scale "${@:-all}"
    ;;
  cpu)
    run_cpu "$@"
    ;;
  soak)
    run_soak "$@"
    ;;
  http-paired)
    # JC_RUNS JVMs one after the other (default 1), then each estimate over the runs (http_runs.py).
    logs=()
    for run in $(seq 1 "${JC_RUNS:-1}"); do
      log="$results/http-paired-jdk$jdk-$stamp-run$run.log"
      "$java" -Dsun.net.httpserver.nodelay=true -cp "$jar" io.jcontext.bench.http.HttpHelperPairedMain "$@" \
        2>&1 | tee "$log"
      logs+=("$log")
    done
    python3 "$here/http_runs.py" "${logs[@]}" | tee "$results/http-paired-jdk$jdk-$stamp.md"
    ;;
  *)
    echo "unknown profile '$profile': smoke, quick, full, jmh, scale, cpu, soak or http-paired" >&2
    exit 2
    ;;
esac
