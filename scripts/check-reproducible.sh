#!/usr/bin/env bash
# Reproducible builds: builds the published artifacts twice from clean and checks that every jar (classes,
# sources, javadoc, the CLI's torpor.jar) is byte-identical. The pom's project.build.outputTimestamp fixes the
# entries' times. Run by scripts/test.sh before the test suite; extra arguments go to both Maven runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

modules=snapshot-api,swap-format,image-io,platform-linux,hibernation,tools
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

for run in 1 2; do
  ./mvnw -B -q -ntp clean package -DskipTests -pl "$modules" -am "$@" >"$out/build-$run.log" 2>&1 || {
    cat "$out/build-$run.log" >&2
    echo "check-reproducible: build $run failed" >&2
    exit 1
  }
  mkdir -p "$out/$run"
  for m in ${modules//,/ }; do
    cp "$m"/target/*.jar "$out/$run/"
  done
done

status=0
count=0
for jar in "$out"/1/*.jar; do
  name="$(basename "$jar")"
  count=$((count + 1))
  if ! cmp -s "$jar" "$out/2/$name"; then
    echo "check-reproducible: $name differs between two clean builds" >&2
    diff <(unzip -lv "$jar" | awk '{print $7, $8}') <(unzip -lv "$out/2/$name" | awk '{print $7, $8}') >&2 || true
    status=1
  fi
done
[ "$count" -gt 0 ] || { echo "check-reproducible: no jars were built" >&2; exit 1; }
[ "$status" -eq 0 ] && echo "check-reproducible: $count jars byte-identical across two clean builds"
exit "$status"
