#!/usr/bin/env bash
# The consumer test: what a user of the published artifacts sees.
#   1. deploys every published module (those that do not set maven.deploy.skip) to a file
#      repository under <build-dir>/consumer-it/repo, with a private local repository (third-party
#      artifacts are copied from ~/.m2, read as a file repository): nothing of jcontext, not even
#      metadata, is written to the shared ~/.m2;
#   2. fails if a deployed io.jcontext artifact is missing from the BOM (or the BOM lists one that
#      was not deployed), or lacks its sources or javadoc jar;
#   3. builds consumer-it (a Java module that `requires io.jcontext`, a Kotlin program on the
#      bridge) against those artifacts through the BOM, with a private local repository;
#   4. runs the Java program on the module path (core jar only: no JSpecify at run time) and the
#      Kotlin program on the class path.
# Usage: consumer-it/run.sh [build-dir] [extra mvn args for the consumer build...] (build-dir
# defaults to target; not -o: Maven reads no repository in offline mode, not even a file one). Reuses the reactor's compiled output in
# build-dir when present, so run it after `mvn verify`.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${1:-target}
shift || true
WORK=$ROOT/$BUILD_DIR/consumer-it
REPO=$WORK/repo
SHARED_M2=${JC_SHARED_M2:-$HOME/.m2/repository}
VERSION=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$ROOT/pom.xml" | head -1)
rm -rf "$WORK"
mkdir -p "$REPO" "$WORK/m2"
# Guard: this script must leave no jcontext artifact in the shared local repository.
shared_before=$(ls -d "$SHARED_M2/io/jcontext" 2>/dev/null || true)
check_shared_m2() {
  if [ -z "$shared_before" ] && [ -d "$SHARED_M2/io/jcontext" ]; then
    echo "FAIL: consumer-it wrote io.jcontext artifacts into the shared $SHARED_M2" >&2
    exit 1
  fi
}

echo "== consumer-it: deploy $VERSION to $REPO"
# (never offline: maven-deploy-plugin refuses to deploy in offline mode, even to a file.)
# The private local repository here too: deploying a snapshot caches the target repository's
# metadata in the local repository, which must not be the shared one.
MVN_PRIVATE=(-s "$ROOT/consumer-it/settings.xml" -Dmaven.repo.local="$WORK/m2"
  -Djc.staging="file://$REPO" -Djc.m2cache="file://$SHARED_M2")
mvn -B -ntp -q "${MVN_PRIVATE[@]}" -f "$ROOT/pom.xml" deploy -Dmaven.install.skip=true -Dmaven.test.skip=true \
  -Djc.lincheck.skip=true -Djc.build.dir="$BUILD_DIR" -DaltDeploymentRepository="jcontext-staging::file://$REPO"

check_shared_m2

echo "== consumer-it: every published artifact is in the BOM, with sources and javadoc"
bom=$(ls "$REPO/io/jcontext/jcontext-bom/$VERSION/"*.pom | sort | tail -1)
listed=$(sed -n 's:.*<artifactId>\(jcontext-[a-z0-9-]*\)</artifactId>.*:\1:p' "$bom" | grep -vx 'jcontext-bom' | sort -u)
deployed=$(cd "$REPO/io/jcontext" && ls -d */ | tr -d / | grep -vx 'jcontext-parent\|jcontext-bom' | sort -u)
failed=0
for a in $deployed; do
  if ! grep -qx "$a" <<<"$listed"; then echo "FAIL: $a is published but missing from jcontext-bom/pom.xml" >&2; failed=1; fi
  for classifier in sources javadoc; do
    if ! ls "$REPO/io/jcontext/$a/$VERSION/"*"-$classifier.jar" >/dev/null 2>&1; then
      echo "FAIL: $a has no $classifier jar" >&2; failed=1
    fi
  done
done
for a in $listed; do
  if ! grep -qx "$a" <<<"$deployed"; then echo "FAIL: jcontext-bom lists $a, which is not published" >&2; failed=1; fi
done
[ "$failed" -eq 0 ] || exit 1
echo "published and in the BOM: $(echo $deployed)"

echo "== consumer-it: build the consumer through the BOM"
mvn -B -ntp -q "$@" "${MVN_PRIVATE[@]}" -f "$ROOT/consumer-it/pom.xml" \
  -Djc.build.dir="$BUILD_DIR" -Djcontext.version="$VERSION" clean package

check_shared_m2

echo "== consumer-it: run"
J=$ROOT/consumer-it/java-modular/$BUILD_DIR
java --module-path "$J/consumer-java-modular-1.jar:$J/lib/jcontext-core-$VERSION.jar" \
  -m io.jcontext.consumer/io.jcontext.consumer.Main
# The same program under a flight recording: -XX:StartFlightRecording resolves the optional
# jdk.jfr, and the virtual-clock deadline the program lets pass must be in the recording.
rm -f "$J/consumer.jfr"
java "-XX:StartFlightRecording:+io.jcontext.ContextCancelled#enabled=true,filename=$J/consumer.jfr" \
  --module-path "$J/consumer-java-modular-1.jar:$J/lib/jcontext-core-$VERSION.jar" \
  -m io.jcontext.consumer/io.jcontext.consumer.Main recording >/dev/null 2>&1
for event in io.jcontext.DeadlineFired io.jcontext.ContextCancelled; do
  if ! "$(dirname "$(readlink -f "$(command -v java)")")/jfr" summary "$J/consumer.jfr" | grep -q "$event "; then
    echo "FAIL: no $event in the module-path program's flight recording" >&2
    exit 1
  fi
done
echo "consumer-it java (module path, flight recording): DeadlineFired and ContextCancelled recorded"
K=$ROOT/consumer-it/kotlin/$BUILD_DIR
java -cp "$K/consumer-kotlin-1.jar:$K/lib/*" io.jcontext.consumer.kotlin.MainKt
echo "consumer-it OK"
