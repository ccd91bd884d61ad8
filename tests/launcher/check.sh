#!/usr/bin/env bash
# Checks both launchers (the checkout's ./backup-tool and the installed
# src/packaging/bin/backup-tool) with every Java runtime they may choose: the one JAVA_HOME
# names (17 here, as users and CI have it: the class-data archive) and, when one is installed,
# the newest of 25 or later, which they pick by themselves (the AOT cache). For each: the first
# run of a verb records a provisional cache, the next maps it, the first run that may send
# records the complete one in its place, the next maps that; all print exactly what a plain
# `java -jar` prints, with the same exit code (the verb fails early here: no root or no
# configuration; what matters is that the cache's making and use change nothing). Uses
# target/backup-tool.jar; works in target/launcher-check. Run by ./build.sh (about 10 s).
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(cd "$here/../.." && pwd)
jar="$root/target/backup-tool.jar"
work="$root/target/launcher-check"
[ -f "$jar" ] || { echo "no $jar: build it first" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"
chmod 0755 "$work"
fail() { echo "FAILED: $*" >&2; exit 1; }

java_major() { sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null || true; }
j17=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
[ "$(java_major "$j17")" -ge 17 ] 2>/dev/null || fail "$j17 is not a Java runtime of 17 or later"
newest= newest_major=0
for h in /usr/lib/jvm/*; do
  m=$(java_major "$h")
  if [ -n "$m" ] && [ -x "$h/bin/java" ] && [ "$m" -gt "$newest_major" ]; then
    newest=$h newest_major=$m
  fi
done

args=(--backup --all --dry-run --config "$work/no-such.toml")
expect() { # expect HOME: what a plain java -jar prints
  local rc=0
  "$1/bin/java" -jar "$jar" "${args[@]}" >"$work/want.out" 2>"$work/want.err" || rc=$?
  echo "$rc" >"$work/want.rc"
}
same() { # same WHAT LAUNCHER...: runs it, compares with the plain run
  local what=$1 rc=0
  shift
  "$@" "${args[@]}" >"$work/got.out" 2>"$work/got.err" || rc=$?
  cmp -s "$work/got.out" "$work/want.out" || fail "$what: stdout differs: $(diff "$work/want.out" "$work/got.out" | head -5)"
  cmp -s "$work/got.err" "$work/want.err" || fail "$what: stderr differs: $(diff "$work/want.err" "$work/got.err" | head -5)"
  [ "$rc" = "$(cat "$work/want.rc")" ] || fail "$what: exit $rc, wanted $(cat "$work/want.rc")"
}

# sending WHAT LAUNCHER...: `same` for a run that may send (the verb fails early here too)
sending() {
  local saved=("${args[@]}")
  args=(--backup --all --config "$work/no-such.toml")
  expect "$home"
  same "$@"
  args=("${saved[@]}")
  expect "$home"
}

# caches WHAT DIR KIND: DIR holds exactly one cache, of KIND: provisional (NAME.partial.EXT) or
# complete
caches() {
  local all partial
  all=$(find "$2" -maxdepth 1 -name "*.$ext" | wc -l)
  partial=$(find "$2" -maxdepth 1 -name "*.partial.$ext" | wc -l)
  case "$3 $all $partial" in
    "provisional 1 1" | "complete 1 0") ;;
    *) fail "$1: wanted one $3 cache: $(ls "$2")" ;;
  esac
}

# check NAME HOME EXT [JAVA_HOME]: both launchers with the runtime that they should pick
check() {
  local name=$1 home=$2 ext=$3 jh=${4:-} co="$work/$1/checkout" inst="$work/$1/installed"
  local env=(env -u JAVA_HOME)
  [ -n "$jh" ] && env=(env JAVA_HOME="$jh")
  expect "$home"
  mkdir -p "$co/target" "$co/src" "$inst/cache"
  chmod 0755 "$inst/cache"
  cp -p "$root/backup-tool" "$co/backup-tool"
  cp -p "$jar" "$co/target/backup-tool.jar"
  cp -p "$root/pom.xml" "$co/pom.xml"
  touch -d "@$(($(stat -c %Y "$jar") - 60))" "$co/src" "$co/pom.xml"
  cp -p "$jar" "$inst/backup-tool.jar"
  sed -e "s|@JAR@|$inst/backup-tool.jar|" -e "s|@CACHE@|$inst/cache|" "$root/src/packaging/bin/backup-tool" >"$inst/backup-tool"
  chmod +x "$inst/backup-tool"

  same "$name, checkout, first run" "${env[@]}" "$co/backup-tool"
  caches "$name, checkout, after a dry run" "$co/target" provisional
  same "$name, checkout, with its provisional cache" "${env[@]}" "$co/backup-tool"
  sending "$name, checkout, first run that may send" "${env[@]}" "$co/backup-tool"
  caches "$name, checkout, after a run that may send" "$co/target" complete
  same "$name, checkout, with its cache" "${env[@]}" "$co/backup-tool"

  same "$name, installed, first run" "${env[@]}" "$inst/backup-tool"
  if [ "$(id -u)" = 0 ]; then
    caches "$name, installed, after a dry run" "$inst/cache" provisional
    same "$name, installed, with its provisional cache" "${env[@]}" "$inst/backup-tool"
    sending "$name, installed, first run that may send" "${env[@]}" "$inst/backup-tool"
    caches "$name, installed, after a run that may send" "$inst/cache" complete
  fi
  same "$name, installed, with its cache" "${env[@]}" "$inst/backup-tool"
  # A cache directory that others may write is never used or written.
  chmod 0777 "$inst/cache"
  rm -f "$inst/cache"/*
  same "$name, installed, unsafe cache directory" "${env[@]}" "$inst/backup-tool"
  [ -z "$(ls "$inst/cache")" ] || fail "$name, installed: wrote into a world-writable directory"
  chmod 0755 "$inst/cache"
  echo "$name ($home): both launchers record and use their .$ext; output unchanged"
}

check java17 "$j17" jsa "$j17"
if [ "$newest_major" -ge 25 ]; then
  check "java$newest_major" "$newest" aot
else
  echo "no Java runtime of 25 or later in /usr/lib/jvm: the AOT cache path is not checked"
fi
rm -rf "$work"
