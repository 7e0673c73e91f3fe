#!/usr/bin/env bash
# Runs the codecs alone in C (Torpor's JNI LZO against liblzo2, zlib's CRC32 against slice-by-8), then the C
# reference writer and `torpor bench write` back to back on the same stream, so the figures come from the same
# machine at the same moment. Usage: benchmarks/c-reference/run.sh [SECONDS] [IMAGE]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-5}
image=${2:-testdata/corpus/k61-lzo.swap.gz}
if [ ! -f /usr/include/lzo/lzo1x.h ] || [ ! -f /usr/include/zlib.h ]; then
    apt-get install -y liblzo2-dev zlib1g-dev >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/lzo_write" benchmarks/c-reference/lzo_write.c -llzo2 -lz
jdk="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
gcc -O2 -I"$jdk/include" -I"$jdk/include/linux" -o "$work/codec_bench" benchmarks/c-reference/codec_bench.c -llzo2 -lz
./torpor read-stream "$image" -o "$work/image.stream" --allow-swapped-out >/dev/null
"$work/codec_bench" "$work/image.stream" "$seconds"
"$work/lzo_write" "$work/image.stream" "$work/out.img" "$seconds"
# the 2-thread reference: two C processes side by side, each on its half of the stream (the header page, then half
# of the other pages), as two cores would share the work; their rates add up
pages=$(( $(stat -c %s "$work/image.stream") / 4096 ))
half=$(( (pages - 1) / 2 ))
head -c 4096 "$work/image.stream" > "$work/half1.stream"
dd if="$work/image.stream" bs=4096 skip=1 count="$half" status=none >> "$work/half1.stream"
head -c 4096 "$work/image.stream" > "$work/half2.stream"
dd if="$work/image.stream" bs=4096 skip=$((1 + half)) status=none >> "$work/half2.stream"
"$work/lzo_write" "$work/half1.stream" "$work/out1.img" "$seconds" > "$work/half1.out" &
"$work/lzo_write" "$work/half2.stream" "$work/out2.img" "$seconds" > "$work/half2.out"
wait
sed -n 's/.*: \([0-9.]*\) MB\/s.*/\1/p' "$work/half1.out" "$work/half2.out" \
    | awk '{ s += $1 } END { printf "C reference, two processes side by side on two halves: %.0f MB/s in all\n", s }'
for threads in 1 2; do
    TORPOR_JAVA_OPTS=-Xmx64m ./torpor bench write --threads "$threads" --seconds "$seconds" --source "$image" | tail -1 \
        | sed "s/^/torpor, $threads thread(s): /"
done
