#!/usr/bin/env bash
# One command for everything: ./build.sh checks the toolchain (installing what is missing
# with apt-get when run as root), resolves dependencies, checks formatting, compiles, runs
# every test (the real-btrfs ones need root), and builds the jar the launcher runs.
#   ./build.sh          everything above, and both launchers' class-data archive (Java 17) and
#                       AOT cache (Java 25 or later, when installed): tests/launcher/check.sh
#   ./build.sh format   rewrite the sources in the project's format
#   ./build.sh demo     try the tool on two throwaway loop-mounted btrfs filesystems (root)
#   ./build.sh bench    the benchmark against btrbk and the raw btrfs pipe (root, ~15 min;
#                       results in target/bench/results.md, see docs/performance.md)
#   ./build.sh deb      target/backup-tool_VERSION_all.deb, checked with lintian and
#                       systemd-analyze verify (both also part of the default build)
#   ./build.sh install  installs into $DESTDIR$PREFIX (default PREFIX=/usr/local; root unless
#                       DESTDIR is set); src/packaging/install.sh says what goes where
#   ./build.sh man      target/backup-tool.1 from the tool's help, checked for warnings (also part
#                       of the default build)
#   ./build.sh package-test  the package in a fresh Debian 12 root (root, network, ~3 min;
#                       tests/package/run.sh; not in the default build: it needs debootstrap,
#                       the Debian mirror and loop devices, and would double its time)
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
  script:bsdutils                                                # the progress line on a pty
  mount:mount umount:mount losetup:mount                         # loop-mounted test filesystems
  kill:procps                                                    # fault tests signal processes
  env:coreutils truncate:coreutils find:findutils xargs:findutils diff:diffutils # tests, demo
  man:man-db groff:groff-base                                    # the man page is checked
  # ssh tests: a private sshd between two network namespaces (tests/java/backuptool/ssh). On a
  # machine booted with systemd, installing openssh-server also enables and starts its own sshd.
  ssh:openssh-client ssh-keygen:openssh-client sshd:openssh-server
  ip:iproute2 nsenter:util-linux
  sudo:sudo visudo:sudo useradd:passwd userdel:passwd            # a remote user that is not root
  shellcheck:shellcheck                                          # ssh-filter is checked
)

# What building and checking the Debian package needs: dpkg-deb, lintian, and systemd-analyze
# (in the systemd package, which a minimal Debian or a container lacks).
PACKAGING_PROGRAMS=(dpkg-deb:dpkg gzip:gzip md5sum:coreutils lintian:lintian systemd-analyze:systemd)

toolchain() {
  local missing=()
  # A JDK 17 or newer: javac, and the java that Maven and the tests run.
  { java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])' &&
    javac -version 2>&1 | grep -qE '^javac (1[7-9]|[2-9][0-9])'; } || missing+=(openjdk-17-jdk-headless)
  install_missing "${missing[@]}" "${PROGRAMS[@]}" || return 1
  # sed, not head: each output is read to its end (mvn fails writing into a closed pipe)
  java -version 2>&1 | sed -n 1p; "${MVN[@]}" -v | sed -n 1p; btrfs --version
}

packaging_tools() {
  install_missing "${PACKAGING_PROGRAMS[@]}" || return 1
  dpkg-deb --version | sed -n 1p; lintian --version; systemd-analyze --version | sed -n 1p
}

# install_missing [PACKAGE | PROGRAM:PACKAGE]...: installs the packages given bare and those of
# the programs that are not on PATH, with apt-get when root, or says what to install.
install_missing() {
  local missing=() entry
  for entry in "$@"; do
    case "$entry" in
      *:*)
        # type -P: the program on PATH, not a shell builtin of the same name (kill); also in
        # the sbin directories, which a non-root user's PATH on Debian lacks (mkfs.btrfs).
        PATH="$PATH:/usr/sbin:/sbin" type -P "${entry%%:*}" >/dev/null || missing+=("${entry#*:}")
        ;;
      *) missing+=("$entry") ;;
    esac
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
}

# The man page (from the jar's --help), then the .deb from the jar and the checkout.
deb() {
  rm -f target/backup-tool_*_all.deb
  if [ ! -x src/packaging/man/make-man.sh ] || [ ! -f src/packaging/completion/backup-tool ]; then
    echo "src/packaging/man/make-man.sh or src/packaging/completion/backup-tool is missing: the"
    echo "package ships the man page and completion made there (issue #11); merge that work first"
    return 1
  fi
  src/packaging/man/make-man.sh target/backup-tool.jar target/backup-tool.1 &&
    src/packaging/deb.sh target/backup-tool.jar target/backup-tool.1 target
}

# lintian on the package: errors fail the build; warnings are listed in the log and counted.
lint() {
  lintian --fail-on error --info target/backup-tool_*_all.deb
}

# systemd-analyze verify on the packaged units, with ExecStart pointed at the staged launcher
# (verify checks that it exists). Its findings are warnings with exit 0: any output fails.
units() {
  local dir out unit
  dir=$(mktemp -d)
  for unit in target/deb-root/lib/systemd/system/*; do
    sed "s|/usr/bin/backup-tool|$PWD/target/deb-root/usr/bin/backup-tool|" "$unit" >"$dir/${unit##*/}"
  done
  # --man=no: the page is checked by the man step, and is not installed on this machine
  out=$(systemd-analyze verify --man=no "$dir"/* 2>&1)
  rm -rf "$dir"
  echo "${out:-units ok: $(cd target/deb-root/lib/systemd/system && echo *)}"
  [ -z "$out" ]
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
    step launchers tests/launcher/check.sh
    grep -hE '^java[0-9]+|^no Java' "$logs/launchers.log"
    step man man_page
    step pkgtools packaging_tools
    step deb deb
    step lintian lint
    grep -cE '^[WI]: ' "$logs/lintian.log" | sed 's/^/lintian: no errors; warnings and notes: /'
    step units units
    echo "build ok: ./backup-tool --help; $(ls target/backup-tool_*_all.deb)"
    ;;
  deb)
    step toolchain toolchain
    step package "${MVN[@]}" -DskipTests package
    step man man_page
    step pkgtools packaging_tools
    step deb deb
    step lintian lint
    step units units
    echo "built $(ls target/backup-tool_*_all.deb); install it with: apt-get install ./target/$(cd target && ls backup-tool_*_all.deb)"
    ;;
  install)
    step toolchain toolchain
    step package "${MVN[@]}" -DskipTests package
    step man man_page
    if [ -z "${DESTDIR:-}" ] && [ "$(id -u)" -ne 0 ]; then
      echo "./build.sh install writes to ${PREFIX:-/usr/local} and /etc: run it as root, or set DESTDIR" >&2
      exit 1
    fi
    src/packaging/install.sh target/backup-tool.jar target/backup-tool.1 || exit 1
    echo "installed into ${DESTDIR:-}${PREFIX:-/usr/local}; timers: see README, \"Run it every night\""
    ;;
  package-test)
    exec tests/package/run.sh
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
    echo "usage: ./build.sh [all|format|demo|bench|man|deb|install|package-test]" >&2
    exit 2
    ;;
esac
