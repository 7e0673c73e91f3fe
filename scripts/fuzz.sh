#!/usr/bin/env bash
# Long fuzzing runs (Jazzer, coverage-guided) of one target or all of them:
#   scripts/fuzz.sh [reader|stream|encrypted|config|all] [MINUTES per target, default 60]
# Each target runs MINUTES rounds of 60 s of fuzzing (the tests' bound; start-up comes on top); its corpus grows in
# <module>/.cifuzz-corpus between rounds, so coverage carries over. A finding stops the target with a failing test,
# and Jazzer puts the input under <module>/src/test/resources/.../<Class>Inputs/<method>/: commit it, it is then a
# regression test of the ordinary test run. Per round the execs/s and coverage go to target/fuzz-<target>.log.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
which="${1:-all}"
minutes="${2:-60}"
declare -A module=([reader]=image-io [stream]=image-io [encrypted]=image-io [config]=tools)
targets=(reader stream encrypted config)
[ "$which" = all ] || targets=("$which")
# TORPOR_FUZZ_NO_BUILD=1 skips the build, for a second fuzz.sh beside a running one
[ -n "${TORPOR_FUZZ_NO_BUILD:-}" ] || ./mvnw -B -q -o install -DskipTests -pl tools -am >/dev/null 2>&1 || ./mvnw -B -q install -DskipTests -pl tools -am
for t in "${targets[@]}"; do
  m="${module[$t]:?unknown target $t: reader, stream, encrypted or config}"
  log="target/fuzz-$t.log"
  mkdir -p target
  : > "$log"
  started=$(date +%s)
  for round in $(seq 1 "$minutes"); do
    if ! ./mvnw -B -o -pl "$m" surefire:test@fuzz-"$t" >> "$log" 2>&1; then
      echo "fuzz.sh: $t: a finding in round $round (see $log and $m/src/test/resources)" >&2
      exit 1
    fi
    # libFuzzer's last status line of the round: execs, coverage, corpus
    grep -a "^#[0-9]*.*\(DONE\|pulse\|NEW\|REDUCE\)" "$log" | tail -1 | sed "s/^/fuzz.sh: $t round $round: /"
  done
  echo "fuzz.sh: $t: $minutes rounds of 60 s in $(( ($(date +%s) - started) / 60 )) min, no finding"
done
