#!/bin/sh
# Builds the JNI part of platform-linux (torpor_native.c, torpor_lzo.c, torpor_crc.c) into the jar's resources, for this machine's architecture.
# Without a C compiler it builds nothing and says so: Torpor then uses JNA for every call (JniPageCalls says why).
# Usage: build.sh SOURCE_DIR OUTPUT_DIR JAVA_HOME
set -eu
src=$1 out=$2 jdk=$3
arch=$(uname -m)
if ! command -v gcc >/dev/null 2>&1; then
  echo "torpor-native: no gcc on this machine; the JNI calls are left out (JNA is used)"
  exit 0
fi
inc=$jdk/include
[ -f "$inc/jni.h" ] || inc=$jdk/../include
mkdir -p "$out/META-INF/native/linux-$arch"
gcc -O2 -shared -fPIC -Wall -Werror -I"$inc" -I"$inc/linux" -Wl,-soname,libtorpor-native.so -Wl,--build-id=none \
  -o "$out/META-INF/native/linux-$arch/libtorpor-native.so" "$src/torpor_native.c" "$src/torpor_lzo.c" "$src/torpor_crc.c"
strip --strip-unneeded "$out/META-INF/native/linux-$arch/libtorpor-native.so" 2>/dev/null || true
echo "torpor-native: built META-INF/native/linux-$arch/libtorpor-native.so"
