#!/usr/bin/env bash
# One command for everything: ./build.sh checks the toolchain (installing what is missing
# with apt-get when run as root), resolves dependencies, checks formatting, compiles, runs
# every test (the real-btrfs ones need root), and builds the jar the launcher runs.
#   ./build.sh          everything above
#   ./build.sh format   rewrite the sources in the project's format
#   ./build.sh demo     try the tool on two throwaway loop-mounted btrfs filesystems (root)
#   ./build.sh bench    the benchmark against btrbk and the raw btrfs pipe (root, ~15 min;
#                       results in target/bench/results.md, see docs/performance.md)
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")" || exit 1
logs=target/build-logs
# Tests name files in non-ASCII, and the JVM takes its file name encoding from the locale: a
# fresh machine or container often has none (POSIX, ASCII). As the launcher does, use C.UTF-8.
case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in
  *UTF-8* | *utf-8* | *UTF8* | *utf8*) ;;
  *) export LC_ALL=C.UTF-8 ;;
esac
mkdir -p "$logs"
MVN=(mvn -B --no-transfer-progress)

step() { # step NAME COMMAND...: one line per step; on failure, where the log is
  local name=$1; shift
  local log="$logs/$name.log" start=$SECONDS
  printf '%-13s' "$name"
  if "$@" >"$log" 2>&1; then
    printf 'ok (%ss)\n' $((SECONDS - start))
  else
    printf 'FAILED (%ss), log: %s\n' $((SECONDS - start)) "$log"
    tail -n 40 "$log" | sed 's/^/  | /'
    exit 1
  fi
}

# Every program that the tool, its tests and the demo run, and the Debian/Ubuntu package that has
# it. The tool itself needs only java, btrfs and setpriv (README, "Run-time programs"); the rest
# is for building and testing. A minimal Debian lacks procps (kill) and btrfs-progs, at least.
PROGRAMS=(
  mvn:maven
  btrfs:btrfs-progs mkfs.btrfs:btrfs-progs                       # the tool; test filesystems
  setpriv:util-linux runuser:util-linux mountpoint:util-linux    # the tool; tests; demo
  mount:mount umount:mount losetup:mount                         # loop-mounted test filesystems
  kill:procps                                                    # fault tests signal processes
  env:coreutils truncate:coreutils find:findutils xargs:findutils diff:diffutils # tests, demo
  man:man-db groff:groff-base                                    # the man page is checked
)

toolchain() {
  local missing=() entry
  # A JDK 17 or newer: javac, and the java that Maven and the tests run.
  { java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])' &&
    javac -version 2>&1 | grep -qE '^javac (1[7-9]|[2-9][0-9])'; } || missing+=(openjdk-17-jdk-headless)
  for entry in "${PROGRAMS[@]}"; do
    # type -P: the program on PATH, not a shell builtin of the same name (kill); also in the
    # sbin directories, which a non-root user's PATH on Debian lacks (mkfs.btrfs, losetup).
    PATH="$PATH:/usr/sbin:/sbin" type -P "${entry%%:*}" >/dev/null || missing+=("${entry#*:}")
  done
  if [ ${#missing[@]} -ne 0 ]; then
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
      echo "installing: ${missing[*]}"
      apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" || return 1
    else
      echo "missing: ${missing[*]}; install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) or run ./build.sh as root"
      return 1
    fi
  fi
  # sed, not head: each output is read to its end (mvn fails writing into a closed pipe)
  java -version 2>&1 | sed -n 1p; "${MVN[@]}" -v | sed -n 1p; btrfs --version
}

man_page() { # target/backup-tool.1 from the jar's --help and src/packaging/man; no warnings
  local warnings
  src/packaging/man/make-man.sh target/backup-tool.jar target/backup-tool.1 || return 1
  # man's default warnings (undefined macros), then all of groff's
  warnings=$(MANWIDTH=80 man --warnings -l target/backup-tool.1 2>&1 >/dev/null &&
    groff -man -ww -z target/backup-tool.1 2>&1) || return 1
  if [ -n "$warnings" ]; then
    printf 'warnings in target/backup-tool.1 (man --warnings, groff -ww):\n%s\n' "$warnings"
    return 1
  fi
  MANWIDTH=80 man -l target/backup-tool.1 # the page as read, in the log
}

case "${1:-all}" in
  all)
    step toolchain toolchain
    step dependencies "${MVN[@]}" dependency:resolve dependency:resolve-plugins
    step format "${MVN[@]}" spotless:check
    step compile "${MVN[@]}" test-compile
    step test "${MVN[@]}" surefire:test
    grep -hE 'Tests run:|real btrfs' "$logs/test.log" | grep -vE '^\[INFO\] Tests run:.*in ' | tail -n 3
    step package "${MVN[@]}" -DskipTests package
    step man man_page
    echo "build ok: ./backup-tool --help"
    ;;
  format)
    step format "${MVN[@]}" spotless:apply
    ;;
  demo)
    step toolchain toolchain
    step package "${MVN[@]}" -DskipTests package
    exec tests/demo.sh
    ;;
  man)
    step toolchain toolchain
    step package "${MVN[@]}" -DskipTests package
    step man man_page
    ;;
  bench)
    step toolchain toolchain
    step package "${MVN[@]}" -DskipTests package
    exec tests/bench/bench.sh
    ;;
  *)
    echo "usage: ./build.sh [all|format|demo|bench]" >&2
    exit 2
    ;;
esac
