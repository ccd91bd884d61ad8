#!/usr/bin/env bash
# The benchmark of issue 5: backup-tool side by side with btrbk and with the raw
# `btrfs send | btrfs receive` pipe, on loop-mounted btrfs fixtures of one pair with 40 and
# 1,000 snapshots and of 4 pairs with 40, 4,000 and 10,000 snapshots in all. Run as root through `./build.sh bench`, which builds the jar first.
#
# Everything it creates lives in one fresh directory /var/tmp/backup-tool-bench/run.XXXXXX
# (sparse images and their loop mounts); it is unmounted, detached and deleted on exit, also
# after a failure or an interrupt, and a sweep at start removes what a killed run left there.
# Nothing outside /var/tmp/backup-tool-bench and target/bench is touched.
#
# Output: a table of medians and ratios on stdout and in target/bench/results.md; every sample
# in target/bench/samples.tsv; progress on stderr. What is measured, and how, is explained in
# docs/performance.md. Settings (environment, defaults in brackets):
#   BENCH_SIZES [1x40 1x1000 4x40 4x4000 4x10000]   fixtures as PAIRSxSNAPSHOTS (snapshots in
#                                   all, each with its backup; a bare N means 4xN)
#   BENCH_REPS_SMALL [9] BENCH_REPS_MID [7] BENCH_REPS_LARGE [5]   dry-run repetitions
#                                   for up to 100, up to 5,000 and more snapshots
#   BENCH_PURGE_SIZE [4x4000]         the fixture whose real purge (about half) is timed
#   BENCH_REPS_PURGE [3] BENCH_REPS_XFER [3] BENCH_REPS_START [15]
#   BENCH_XFER_MIB [1024]           size of the full and of the incremental transfer (0: none)
#   BENCH_REPS_FIXED [15]           repetitions of the 1 MiB transfers that measure the fixed
#                                   cost around a transfer, here and over ssh (0: none)
#   BENCH_REMOTE [1]                the transfers also to another "machine" over ssh (0: not)
#   BENCH_OUT [target/bench]        where the results go
#   JAVA_HOME                       the runtime the launcher uses (otherwise the newest of 17 or
#                                   later); set it to measure each runtime: the meta data and
#                                   the bare `java -version` follow it
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(cd "$here/../.." && pwd)
tool="$root/backup-tool"
jar="$root/target/backup-tool.jar"
out=${BENCH_OUT:-$root/target/bench}
base=/var/tmp/backup-tool-bench

sizes=${BENCH_SIZES:-1x40 1x1000 4x40 4x4000 4x10000}
reps_small=${BENCH_REPS_SMALL:-9}
reps_mid=${BENCH_REPS_MID:-7}
reps_large=${BENCH_REPS_LARGE:-5}
purge_size=${BENCH_PURGE_SIZE:-4x4000}
reps_purge=${BENCH_REPS_PURGE:-3}
reps_xfer=${BENCH_REPS_XFER:-3}
reps_start=${BENCH_REPS_START:-15}
reps_fixed=${BENCH_REPS_FIXED:-15}
xfer_mib=${BENCH_XFER_MIB:-1024}
pairs=4 # of the fixture being built or measured (set by fixture)
ssh_ns_server="" ssh_ns_client="" # the remote transfers' network namespaces, while they exist
batch=500 # snapshots per `btrfs send -p PARENT s1 s2 ... | btrfs receive` when building fixtures

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() {
  log "FAILED: $*"
  exit 1
}

[ "$(id -u)" -eq 0 ] || die "needs root (loop devices, mount, btrfs); run: sudo ./build.sh bench"
[ -x "$tool" ] || die "no launcher at $tool"

# ---------------------------------------------------------------- tools

need() { # need COMMAND PACKAGE: installs PACKAGE from Debian's packages when COMMAND is missing
  command -v "$1" >/dev/null && return 0
  command -v apt-get >/dev/null || die "$1 is missing and there is no apt-get: install $2"
  log "installing $2 (for $1)"
  local apt_log="$base/apt.log"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >"$apt_log" 2>&1; then
    apt-get update -q >>"$apt_log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >>"$apt_log" 2>&1 ||
      die "cannot install $2, see $apt_log"
  fi
  command -v "$1" >/dev/null || die "$2 is installed but $1 is still missing"
}

# ---------------------------------------------------------------- sweep, lock, cleanup

# sweep DIR: unmounts every mount below DIR (deepest first, retrying a busy one, lazily as a
# last resort) and detaches loop devices whose image is below DIR. Fails if anything is still
# mounted there, so that the caller never deletes into a mounted filesystem.
sweep() {
  local dir=$1 m dev i
  while read -r m; do
    for i in 1 2 3 4 5; do
      umount "$m" 2>/dev/null && break
      [ "$i" -eq 5 ] && { log "unmount of $m is busy; detaching it lazily"; umount -l "$m" || true; }
      sleep 1
    done
  done < <(awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r)
  while read -r dev; do
    losetup -d "$dev" || log "cannot detach $dev"
  done < <(losetup -n -l -O NAME,BACK-FILE 2>/dev/null | awk -v d="$dir/" 'index($2, d) == 1 { print $1 }')
  if awk -v d="$dir/" 'index($2, d) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
    log "something is still mounted below $dir; leaving its files in place"
    return 1
  fi
}

mkdir -p "$base" "$out"
exec 9>"$base/lock"
flock -n 9 || die "another benchmark holds $base/lock (or processes of a killed one are still finishing)"
for old in "$base"/run.*; do
  [ -e "$old" ] || continue
  log "removing what an earlier run left in $old"
  sweep "$old" && rm -rf --one-file-system "$old"
done

work=$(mktemp -d "$base/run.XXXXXX")
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  local pids=()
  mapfile -t pids < <(jobs -p)
  [ "${#pids[@]}" -gt 0 ] && { kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; }
  [ -z "$ssh_ns_server" ] || remote_cleanup # before unmounting: its sessions use the filesystems
  log "cleaning up $work"
  sweep "$work" && rm -rf --one-file-system "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

need btrbk btrbk
need /usr/bin/time time
need btrfstune btrfs-progs
need perl perl-base
real_btrfs=$(command -v btrfs)
mkdir -p "$work/img" "$work/mnt" "$work/logs" "$work/tmp"
export TMPDIR="$work/tmp" # for whatever the tools put in temporary files

# The tool under test. By default a frozen copy of the launcher and the jar made now, byte for
# byte and with the jar's mtime, with an empty src/ older than the jar: edits to the sources
# during the run then cannot make the launcher rebuild inside a timed run, nor change what is
# measured. Whatever the launcher keeps next to the jar (its class-data archive, which the JVM
# ties to the jar's absolute path) it makes for the copy on the first, untimed run of a verb
# (provisional), and again on the first, untimed run that sends (complete). The transfers to
# another machine use a copy of their own, whose cache a push recorded, as a user who pushes
# has it. BENCH_LIVE=1 runs the tree's own ./backup-tool instead (rebuilding, untimed, whenever
# the sources change).
[ -f "$jar" ] || die "no jar at $jar: run ./build.sh bench"
launcher=$tool
freeze() { # freeze DIR: sets tool to a frozen copy in DIR, unless BENCH_LIVE=1
  [ "${BENCH_LIVE:-0}" != 1 ] || return 0
  mkdir -p "$1/target" "$1/src"
  cp -p "$launcher" "$1/backup-tool"
  cp -p "$jar" "$1/target/backup-tool.jar"
  cp -p "$root/pom.xml" "$1/pom.xml"
  touch -d "@$(($(stat -c %Y "$jar") - 60))" "$1/src" "$1/pom.xml"
  tool="$1/backup-tool"
}
freeze "$work/tool"
samples="$work/samples.tsv" counts="$work/counts.tsv" deleted="$work/deleted.tsv"
: >"$samples"
: >"$counts"
: >"$deleted"
started=$SECONDS
round=0

# ---------------------------------------------------------------- filesystems

mnt() { printf '%s/mnt/%s' "$work" "$1"; }

mount_fs() { # mount_fs NAME [OPTIONS]
  mkdir -p "$(mnt "$1")"
  mount -o "loop${2:+,$2}" "$work/img/$1.img" "$(mnt "$1")"
}

umount_fs() { ! mountpoint -q "$(mnt "$1")" || umount "$(mnt "$1")"; }

new_fs() { # new_fs NAME SIZE [MOUNT_OPTIONS]: a sparse image, formatted, mounted
  truncate -s "$2" "$work/img/$1.img"
  mkfs.btrfs -q -f -m single -d single "$work/img/$1.img" >/dev/null
  mount_fs "$1" "${3:-}"
}

drop_fs() { # drop_fs NAME...: unmounts and deletes
  local n
  for n in "$@"; do
    umount_fs "$n"
    rm -f "$work/img/$n.img" "$work/img/$n.pristine"
    rmdir "$(mnt "$n")"
  done
  sync
}

# names COUNT: COUNT snapshot names (YYYY-MM-DDTHH:MM:SS, on whole minutes) spread evenly over
# the year before now, oldest first, the newest half an hour ago.
names() {
  local newest=$(($(date +%s) / 60 * 60 - 1800))
  awk -v n="$1" -v newest="$newest" 'BEGIN {
    for (k = n - 1; k >= 0; k--) printf "@%.0f\n", newest - int(k * 365 * 1440 / n) * 60
  }' | date -f - +%Y-%m-%dT%H:%M:%S
}

snapshot_all() { # snapshot_all VOLUME DIR NAMES_FILE: one read-only snapshot per name
  local name
  while read -r name; do
    btrfs subvolume snapshot -r "$1" "$2/$name" >/dev/null || return 1
  done <"$3"
}

# receive_all SNAPDIR TARGETDIR NAMES_FILE: the first snapshot in full, then the others in
# batches: `btrfs send -p PARENT s1 ... s500 | btrfs receive TARGETDIR`. With several
# subvolumes, send uses -p for the first and picks each later one's parent among the ones
# sent before it (all are snapshots of one volume), so every stream is incremental.
receive_all() {
  local -a all
  mapfile -t all <"$3"
  (cd "$1" && btrfs send "${all[0]}" 2>/dev/null | btrfs receive "$2" >/dev/null 2>&1) || return 1
  local i=1 parent=${all[0]}
  while [ "$i" -lt "${#all[@]}" ]; do
    local chunk=("${all[@]:i:batch}")
    (cd "$1" && btrfs send -p "$parent" "${chunk[@]}" 2>/dev/null | btrfs receive "$2" >/dev/null 2>&1) ||
      return 1
    parent=${chunk[-1]}
    i=$((i + batch))
  done
}

count_entries() { # count_entries DIR...: entries of the pair directories below each DIR
  find "$@" -mindepth 2 -maxdepth 2 | wc -l
}

received_count() { # received_count MOUNT: subvolumes with a received uuid
  btrfs subvolume list -R "$1" | awk '{ for (i = 1; i < NF; i++) if ($i == "received_uuid" && $(i + 1) != "-") n++ } END { print n + 0 }'
}

# btrbk_names DIR BASENAME: renames YYYY-MM-DDTHH:MM:SS to btrbk's BASENAME.YYYYMMDDTHHMM
btrbk_names() {
  perl -e 'my ($dir, $base) = @ARGV; opendir(my $d, $dir) or die "$dir: $!";
    for my $n (readdir $d) {
      next unless $n =~ /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):00$/;
      rename("$dir/$n", "$dir/$base.$1$2$3T$4$5") or die "$dir/$n: $!";
    }' "$1" "$2"
}

# spec SIZE: PxN as given (a bare N means 4 pairs: the fixtures of issue 5)
spec() { case $1 in *x*) printf '%s' "$1" ;; *) printf '4x%s' "$1" ;; esac; }

# fixture PxN: ours (srcPxN, dstPxN) with N snapshots in all over P pairs and their backups
# really received; then btrbk's (bsrc$N, bdst$N): byte copies of those images with a new fsid
# (btrfstune -m) and btrbk's names, so both tools see the same subvolumes, uuids and received
# uuids. Pristine copies of both source images are kept when N is the purge fixture.
fixture() {
  local n=$1 per t0=$SECONDS p f fs pids=()
  local s d
  pairs=${n%x*}
  per=$((${n#*x} / pairs))
  log "fixture $n: $pairs pairs x $per snapshots, each with its received backup"
  new_fs "src$n" 8G nobarrier
  new_fs "dst$n" 8G nobarrier
  s=$(mnt "src$n") d=$(mnt "dst$n")
  names "$per" >"$work/names$n"
  for p in $(seq 1 "$pairs"); do
    btrfs subvolume create "$s/pair$p" >/dev/null
    mkdir -p "$s/pair$p/etc" "$s/snaps/pair$p" "$d/pair$p"
    for f in $(seq 1 20); do printf 'file %s of pair %s\n' "$f" "$p" >"$s/pair$p/etc/f$f"; done
  done
  for p in $(seq 1 "$pairs"); do
    snapshot_all "$s/pair$p" "$s/snaps/pair$p" "$work/names$n" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || die "fixture $n: creating snapshots failed"; done
  for p in $(seq 1 "$pairs"); do
    receive_all "$s/snaps/pair$p" "$d/pair$p" "$work/names$n" || die "fixture $n: receiving pair$p failed"
  done
  [ "$(count_entries "$s/snaps")" -eq "${n#*x}" ] || die "fixture $n: wrong number of snapshots"
  [ "$(received_count "$d")" -eq "${n#*x}" ] || die "fixture $n: wrong number of received backups"
  umount_fs "src$n"
  umount_fs "dst$n"
  cp --sparse=always "$work/img/src$n.img" "$work/img/bsrc$n.img"
  cp --sparse=always "$work/img/dst$n.img" "$work/img/bdst$n.img"
  btrfstune -m "$work/img/bsrc$n.img" >/dev/null 2>&1 || die "btrfstune -m failed"
  btrfstune -m "$work/img/bdst$n.img" >/dev/null 2>&1 || die "btrfstune -m failed"
  for fs in "src$n" "dst$n" "bsrc$n" "bdst$n"; do mount_fs "$fs"; done
  for p in $(seq 1 "$pairs"); do
    btrbk_names "$(mnt "bsrc$n")/snaps/pair$p" "pair$p"
    btrbk_names "$(mnt "bdst$n")/pair$p" "pair$p"
  done
  if [ "$n" = "$purge_size" ]; then
    umount_fs "src$n"
    umount_fs "bsrc$n"
    cp --sparse=always "$work/img/src$n.img" "$work/img/src$n.pristine"
    cp --sparse=always "$work/img/bsrc$n.img" "$work/img/bsrc$n.pristine"
    mount_fs "src$n"
    mount_fs "bsrc$n"
  fi
  ours_conf "$work/ours$n.toml" "$(mnt "src$n")" "$(mnt "dst$n")" 182 1 400 1
  btrbk_conf "$work/btrbk$n.conf" "$(mnt "bsrc$n")" "$(mnt "bdst$n")"
  sync
  log "fixture $n: built in $((SECONDS - t0)) s"
}

# ours_conf FILE SRC DST DAYS COUNT TARGET_DAYS TARGET_COUNT: pairs pair1..pairN, each
# original_volume SRC/pairK, snapshots in SRC/snaps/pairK, backups in DST/pairK.
ours_conf() {
  local p
  {
    printf '[global]\ndefault_verbose = false\ndry_run = false\nlock_dir = "%s/locks"\n' "$work"
    for p in $(seq 1 "$pairs"); do
      printf '\n[[backup_pairs]]\nname = "pair%s"\n' "$p"
      printf 'original_volume = "%s/pair%s"\nsource = "%s/snaps/pair%s"\ntarget = "%s/pair%s"\n' \
        "$2" "$p" "$2" "$p" "$3" "$p"
      printf 'retention_days = %s\nretention_count = %s\n' "$4" "$5"
      printf 'target_retention_days = %s\ntarget_retention_count = %s\n' "$6" "$7"
    done
  } >"$1"
}

# btrbk_conf FILE SRC DST: the same retention as ours_conf 182 1 400 1: snapshots younger than
# 182 days (btrbk always keeps the latest), every backup.
btrbk_conf() {
  local p
  {
    printf 'timestamp_format long\n'
    printf 'snapshot_preserve_min 182d\nsnapshot_preserve no\n'
    printf 'target_preserve_min all\ntarget_preserve no\n'
    printf '\nvolume %s\n' "$2"
    for p in $(seq 1 "$pairs"); do
      printf '  subvolume pair%s\n    snapshot_dir snaps/pair%s\n    target %s/pair%s\n' "$p" "$p" "$3" "$p"
    done
  } >"$1"
}

# ---------------------------------------------------------------- measuring

jar_sum() { sha256sum "$jar" | cut -c1-12; }
rebuilds=0
# The launcher rebuilds the jar when a source is newer; the other work in this tree may change
# sources while we run. Such a rebuild must never happen inside a timed run: do it here.
fresh_jar() {
  [ "${BENCH_LIVE:-0}" = 1 ] || return 0
  if [ -n "$(find "$root/src" "$root/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
    log "sources changed since the jar was built: rebuilding it (untimed)"
    "$tool" --version >/dev/null || die "the launcher could not rebuild the jar"
    rebuilds=$((rebuilds + 1))
  fi
}

usec() { local t=${1/./}; printf '%s' "$((10#$t))"; }

# timed LABEL COMMAND...: one timed run: the wall clock around /usr/bin/time, which gives the
# peak RSS and the CPU time (user + system, the command and every child it waited for).
# Appends "LABEL wall_s rss_kib cpu_s load1 round" to the samples: load1 is the 1-minute load
# average just before the run (other work on the machine), round the repetition, so that the
# report can pair each of our runs with the other tool's run next to it. A failing command
# stops the benchmark.
timed() {
  local label=$1 file t0 t1 rc=0 us load rest
  shift
  file="$work/logs/${label//\//_}"
  read -r load rest </proc/loadavg
  t0=$EPOCHREALTIME
  /usr/bin/time -f '%M %U %S' -o "$file.rss" "$@" >"$file.out" 2>"$file.err" || rc=$?
  t1=$EPOCHREALTIME
  [ "$rc" -eq 0 ] || { tail -n 5 "$file.err" >&2; die "$label: exit $rc (see $file.err)"; }
  us=$(($(usec "$t1") - $(usec "$t0")))
  printf '%s\t%d.%06d\t%s\t%s\t%s\n' "$label" $((us / 1000000)) $((us % 1000000)) \
    "$(tail -n 1 "$file.rss" | awk '{ printf "%s\t%.2f", $1, $2 + $3 }')" "$load" "$round" >>"$samples"
}

untimed() { # untimed LABEL COMMAND...: a warm-up or check run, output kept in the logs
  local label=$1 file
  shift
  file="$work/logs/${label//\//_}"
  "$@" >"$file.out" 2>"$file.err" || { tail -n 5 "$file.err" >&2; die "$label failed (see $file.err)"; }
}

# counted LABEL COMMAND...: an untimed run with tests/bench/wrap first on PATH; records how many
# btrfs processes it started, and which subcommands.
counted() {
  local label=$1 blog="$work/btrfs.log" what
  shift
  : >"$blog"
  untimed "$label" env PATH="$here/wrap:$PATH" BENCH_BTRFS_LOG="$blog" BENCH_REAL_BTRFS="$real_btrfs" "$@"
  what=$(awk '{ w = $1; if ($1 == "subvolume" || $1 == "filesystem") w = w " " $2; else if ($2 == "-p") w = w " -p"; print w }' "$blog" | sort | uniq -c | awk '{ sub(/^ +/, ""); printf "%s%s", sep, $0; sep = ", " }')
  printf '%s\t%s\t%s\n' "$label" "$(wc -l <"$blog")" "$what" >>"$counts"
}

# settle MOUNT...: commits (which wakes the cleaner), waits for it to finish deleting, and
# for writeback, so that background work from one run does not land in the next.
settle() {
  local m
  for m in "$@"; do
    btrfs filesystem sync "$m" >/dev/null
    btrfs subvolume sync "$m" >/dev/null
  done
  sync
}

# One run of KIND on fixture N; KIND: ours-backup ours-purge btrbk-dryrun btrbk-prune.
dry() {
  local kind=$1 n=$2 how=${3:-timed}
  case $kind in
    ours-backup) $how "dry-backup/ours/$n" "$tool" --backup --all --dry-run --config "$work/ours$n.toml" ;;
    ours-purge) $how "dry-purge/ours/$n" "$tool" --purge --all --dry-run --config "$work/ours$n.toml" ;;
    btrbk-dryrun) $how "dryrun/btrbk/$n" btrbk -c "$work/btrbk$n.conf" dryrun ;;
    btrbk-prune) $how "dry-prune/btrbk/$n" btrbk -c "$work/btrbk$n.conf" -n prune ;;
  esac
}

dry_runs() { # dry_runs PxN: warm-up, alternating timed repetitions, one counted run of each
  local n=$1 reps=$reps_small r k t0=$SECONDS
  [ "${n#*x}" -gt 100 ] && reps=$reps_mid
  [ "${n#*x}" -gt 5000 ] && reps=$reps_large
  fresh_jar
  for k in ours-backup ours-purge btrbk-dryrun btrbk-prune; do dry "$k" "$n" untimed; done
  grep -q 'nothing to send, the newest snapshot' "$work/logs/dry-backup_ours_$n.out" ||
    die "fixture $n: our backup dry run does not find every snapshot backed up"
  for r in $(seq 1 "$reps"); do
    round=$((round + 1))
    if [ $((r % 2)) -eq 1 ]; then
      for k in ours-backup btrbk-dryrun ours-purge btrbk-prune; do dry "$k" "$n"; done
    else
      for k in btrbk-dryrun ours-backup btrbk-prune ours-purge; do dry "$k" "$n"; done
    fi
  done
  for k in ours-backup ours-purge btrbk-dryrun btrbk-prune; do dry "$k" "$n" counted; done
  printf 'plan/ours/%s\t%s\n' "$n" "$(grep -c '^    delete ' "$work/logs/dry-purge_ours_$n.out" || true)" >>"$deleted"
  printf 'plan/btrbk/%s\t%s\n' "$n" "$(grep -c '^--- ' "$work/logs/dry-prune_btrbk_$n.out" || true)" >>"$deleted"
  log "fixture $n: $reps dry-run repetitions in $((SECONDS - t0)) s"
}

reset_source() { # reset_source FS: puts the pristine source image back, mounts it, warms its cache
  umount_fs "$1"
  cp --sparse=always "$work/img/$1.pristine" "$work/img/$1.img"
  mount_fs "$1"
  warm "$(mnt "$1")"
}

warm() { # warm MOUNT...: reads the metadata once, the same for both tools
  local m
  for m in "$@"; do
    find "$m" -maxdepth 3 >/dev/null
    btrfs subvolume list -a -c -u -q -R "$m" >/dev/null
  done
}

purge_one() { # purge_one WHO N [timed|counted]: one real purge from the pristine fixture
  local who=$1 n=$2 how=${3:-timed} fs before after
  fs=src$n
  [ "$who" = btrbk ] && fs=bsrc$n
  fresh_jar
  reset_source "$fs"
  warm "$(mnt "${fs/src/dst}")"
  before=$(count_entries "$(mnt "$fs")/snaps")
  if [ "$who" = ours ]; then
    $how "purge/ours/$n" "$tool" --purge --all --config "$work/ours$n.toml"
  else
    $how "purge/btrbk/$n" btrbk -c "$work/btrbk$n.conf" prune
  fi
  after=$(count_entries "$(mnt "$fs")/snaps")
  [ "$how" = timed ] && printf 'purge/%s/%s\t%s\n' "$who" "$n" "$((before - after))" >>"$deleted"
  # Unmounting stops the cleaner, which would otherwise spend seconds of CPU on the deleted
  # subvolumes during the next runs; the next reset_source copies the pristine image anyway.
  umount_fs "$fs"
}

purges() { # purges N: real purges, alternating, each from the same pristine images
  local n=$1 r t0=$SECONDS
  for r in $(seq 1 "$reps_purge"); do
    round=$((round + 1))
    if [ $((r % 2)) -eq 1 ]; then
      purge_one ours "$n"
      purge_one btrbk "$n"
    else
      purge_one btrbk "$n"
      purge_one ours "$n"
    fi
  done
  purge_one ours "$n" counted
  purge_one btrbk "$n" counted
  log "fixture $n: $reps_purge real purge repetitions in $((SECONDS - t0)) s"
}

# transfers: one pair whose live volume holds $xfer_mib MiB of random data; snapshot S1 of it
# is sent in full; S2, a later snapshot of it with another $xfer_mib MiB, is sent incrementally
# from S1. Ours (--backup of the pair) and the raw pipe alternate; both
# targets are on the same filesystem and emptied (and the cleaner waited for) after each round.
transfers() {
  local t0=$SECONDS r s d s1 s2 now
  log "transfers: writing 2 x $xfer_mib MiB of random data"
  new_fs xsrc $((3 * xfer_mib + 1024))M
  new_fs xdst $((5 * xfer_mib + 1024))M
  s=$(mnt xsrc) d=$(mnt xdst)
  now=$(($(date +%s) / 60 * 60))
  s1=$(date -d "@$((now - 7200))" +%Y-%m-%dT%H:%M:%S)
  s2=$(date -d "@$((now - 3600))" +%Y-%m-%dT%H:%M:%S)
  btrfs subvolume create "$s/pair1" >/dev/null
  mkdir -p "$s/snaps/pair1" "$d/pair1" "$d/raw"
  head -c "${xfer_mib}M" /dev/urandom >"$s/pair1/a.bin"
  sync
  btrfs subvolume snapshot -r "$s/pair1" "$s/snaps/pair1/$s1" >/dev/null
  # S2 is a snapshot of the pair's own volume (a snapshot of another subvolume, such as a
  # writable copy of S1, is not the pair's and would not be backed up).
  head -c "${xfer_mib}M" /dev/urandom >"$s/pair1/b.bin"
  sync
  local save=$pairs
  pairs=1
  ours_conf "$work/xfer.toml" "$s" "$d" 3650 100 3650 100
  mkdir -p "$s/small" "$d/small"
  ours_conf "$work/small.toml" "$s/small" "$d/small" 3650 100 3650 100
  pairs=$save
  run_in=() raw_script="$here/send-receive" raw_tail=()
  small_transfers fixed "$work/small.toml" "$s/small" "$d/small"
  for r in $(seq 1 "$reps_xfer") count; do
    round=$((round + 1))
    fresh_jar
    settle "$s" "$d"
    if [ "$r" = count ]; then
      counted xfer-full/ours "$tool" --backup --all --config "$work/xfer.toml"
    elif [ $((r % 2)) -eq 1 ]; then
      timed xfer-full/ours "$tool" --backup --all --config "$work/xfer.toml"
      sync
      timed xfer-full/raw "$here/send-receive" "$s/snaps/pair1/$s1" "$d/raw"
    else
      timed xfer-full/raw "$here/send-receive" "$s/snaps/pair1/$s1" "$d/raw"
      sync
      timed xfer-full/ours "$tool" --backup --all --config "$work/xfer.toml"
    fi
    btrfs subvolume snapshot -r "$s/pair1" "$s/snaps/pair1/$s2" >/dev/null
    sync
    if [ "$r" = count ]; then
      counted xfer-incr/ours "$tool" --backup --all --config "$work/xfer.toml"
      grep -q "incremental from $s1" "$work/logs/xfer-incr_ours.out" || die "our second backup was not incremental"
    elif [ $((r % 2)) -eq 1 ]; then
      timed xfer-incr/ours "$tool" --backup --all --config "$work/xfer.toml"
      sync
      timed xfer-incr/raw "$here/send-receive" -p "$s/snaps/pair1/$s1" "$s/snaps/pair1/$s2" "$d/raw"
    else
      timed xfer-incr/raw "$here/send-receive" -p "$s/snaps/pair1/$s1" "$s/snaps/pair1/$s2" "$d/raw"
      sync
      timed xfer-incr/ours "$tool" --backup --all --config "$work/xfer.toml"
    fi
    [ -d "$d/pair1/$s2" ] || die "our backup of $s2 is missing"
    btrfs subvolume delete "$d/pair1/$s1" "$d/pair1/$s2" "$s/snaps/pair1/$s2" >/dev/null
    [ "$r" = count ] || btrfs subvolume delete "$d/raw/$s1" "$d/raw/$s2" >/dev/null
  done
  settle "$s" "$d"
  drop_fs xsrc xdst
  log "transfers: $reps_xfer repetitions in $((SECONDS - t0)) s"
}

# small_transfers LABEL CONF SRC DST: first an untimed backup that records the launcher's cache;
# then the fixed cost around a transfer, which 1 GiB transfers
# measure badly (their own time varies by seconds here): BENCH_REPS_FIXED rounds of a full and
# an incremental `--backup --all --config CONF` of a 1 MiB pair1 (volume SRC/pair1, snapshots
# in SRC/snaps/pair1, backups in DST/pair1), each next to the raw pipe into DST/raw, which goes
# first in turn. Samples LABEL-full/ours, LABEL-full/raw, LABEL-incr/ours, LABEL-incr/raw. Both
# run under ${run_in[@]} (a network namespace, or nothing); the raw pipe is
# $raw_script [-p PARENT] SNAPSHOT DST/raw "${raw_tail[@]}".
small_transfers() {
  local label=$1 conf=$2 s=$3 d=$4 r k now s1 s2 ours raw
  log "$label: $reps_fixed rounds of 1 MiB transfers"
  now=$(($(date +%s) / 60 * 60))
  s1=$(date -d "@$((now - 7200))" +%Y-%m-%dT%H:%M:%S)
  s2=$(date -d "@$((now - 3600))" +%Y-%m-%dT%H:%M:%S)
  btrfs subvolume create "$s/pair1" >/dev/null
  mkdir -p "$s/snaps/pair1" "$d/pair1" "$d/raw"
  head -c 1M /dev/urandom >"$s/pair1/a.bin"
  btrfs subvolume snapshot -r "$s/pair1" "$s/snaps/pair1/$s1" >/dev/null
  head -c 1M /dev/urandom >"$s/pair1/b.bin"
  sync
  ours=("${run_in[@]}" "$tool" --backup --all --config "$conf")
  # The first run that sends records the launcher's cache: untimed.
  untimed "$label-warm" "${ours[@]}"
  btrfs subvolume delete "$d/pair1/$s1" >/dev/null
  for r in $(seq 1 "$reps_fixed"); do # none for BENCH_REPS_FIXED=0
    round=$((round + 1))
    fresh_jar
    for k in full incr; do
      [ "$k" = full ] || btrfs subvolume snapshot -r "$s/pair1" "$s/snaps/pair1/$s2" >/dev/null
      if [ "$k" = full ]; then
        raw=("${run_in[@]}" "$raw_script" "$s/snaps/pair1/$s1" "$d/raw" "${raw_tail[@]}")
      else
        raw=("${run_in[@]}" "$raw_script" -p "$s/snaps/pair1/$s1" "$s/snaps/pair1/$s2" "$d/raw" "${raw_tail[@]}")
      fi
      if [ $((r % 2)) -eq 1 ]; then
        timed "$label-$k/ours" "${ours[@]}"
        timed "$label-$k/raw" "${raw[@]}"
      else
        timed "$label-$k/raw" "${raw[@]}"
        timed "$label-$k/ours" "${ours[@]}"
      fi
    done
    grep -q "incremental from $s1" "$work/logs/$label-incr_ours.out" || die "$label: our second backup was not incremental"
    btrfs subvolume delete "$d/pair1/$s1" "$d/pair1/$s2" "$s/snaps/pair1/$s2" "$d/raw/$s1" "$d/raw/$s2" >/dev/null
  done
}

# remote transfers (issue 9): the transfers above with the target on another "machine": a
# private sshd in a network namespace of its own, joined to a second one by a veth pair on a
# private /30; the tool and the raw pipe run in the second. Both namespaces see the same
# filesystems (see tests/java/backuptool/ssh/SshServer.java). Once with OpenSSH's default cipher
# and once with aes128-gcm@openssh.com. The raw pipe is `btrfs send | ssh HOST btrfs receive -q
# -C DIR` with the tool's ssh options (send-ssh-receive); the tool's run includes its start, the
# scan over ssh and the check of the received backup. BENCH_REMOTE=0 leaves them out.
remote_cleanup() {
  local ns pids
  for ns in $ssh_ns_client $ssh_ns_server; do
    mapfile -t pids < <(ip netns pids "$ns" 2>/dev/null)
    [ "${#pids[@]}" -gt 0 ] && kill "${pids[@]}" 2>/dev/null
    sleep 0.5
    mapfile -t pids < <(ip netns pids "$ns" 2>/dev/null)
    [ "${#pids[@]}" -gt 0 ] && kill -9 "${pids[@]}" 2>/dev/null
    ip netns delete "$ns" 2>/dev/null
  done
  ssh_ns_server="" ssh_ns_client=""
}

remote_transfers() {
  local t0=$SECONDS r s d s1 s2 now cipher label k addr=10.250.255.253 dir="$work/ssh"
  need sshd openssh-server
  need ssh openssh-client
  need ip iproute2
  ssh_ns_server=btbench-$$-s ssh_ns_client=btbench-$$-c
  ip netns add "$ssh_ns_server"
  ip netns add "$ssh_ns_client"
  ip -n "$ssh_ns_server" link set lo up
  ip -n "$ssh_ns_client" link set lo up
  ip -n "$ssh_ns_server" link add veth-s type veth peer name veth-c netns "$ssh_ns_client"
  ip -n "$ssh_ns_server" addr add "$addr/30" dev veth-s
  ip -n "$ssh_ns_client" addr add 10.250.255.254/30 dev veth-c
  ip -n "$ssh_ns_server" link set veth-s up
  ip -n "$ssh_ns_client" link set veth-c up
  mkdir -p /run/sshd
  mkdir -m 700 "$dir"
  ssh-keygen -q -t ed25519 -N "" -f "$dir/host_key"
  ssh-keygen -q -t ed25519 -N "" -f "$dir/key"
  printf '%s %s\n' "$addr" "$(cat "$dir/host_key.pub")" >"$dir/known_hosts"
  cp "$dir/key.pub" "$dir/authorized_keys"
  printf '%s\n' "ListenAddress $addr:22" "HostKey $dir/host_key" "PidFile $dir/sshd.pid" \
    "AuthorizedKeysFile $dir/authorized_keys" "PermitRootLogin prohibit-password" \
    "PasswordAuthentication no" "UsePAM no" "StrictModes no" "MaxSessions 100" \
    "SetEnv SHLVL=1" >"$dir/sshd_config"
  nsenter --net="/run/netns/$ssh_ns_server" /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log"
  for _ in $(seq 1 100); do [ -s "$dir/sshd.pid" ] && break; sleep 0.05; done
  [ -s "$dir/sshd.pid" ] || die "the benchmark's sshd did not start: $(cat "$dir/sshd.log")"
  local client=(nsenter --net="/run/netns/$ssh_ns_client")
  local opts=(-F /dev/null -T -x -a -o BatchMode=yes -o StrictHostKeyChecking=yes -i "$dir/key"
    -o IdentitiesOnly=yes -o UserKnownHostsFile="$dir/known_hosts" -o GlobalKnownHostsFile=/dev/null
    -o ConnectTimeout=10 -o ServerAliveInterval=15 -o ServerAliveCountMax=4)

  log "remote transfers: writing 2 x $xfer_mib MiB of random data"
  new_fs rsrc $((3 * xfer_mib + 1024))M
  new_fs rdst $((5 * xfer_mib + 1024))M
  s=$(mnt rsrc) d=$(mnt rdst)
  now=$(($(date +%s) / 60 * 60))
  s1=$(date -d "@$((now - 7200))" +%Y-%m-%dT%H:%M:%S)
  s2=$(date -d "@$((now - 3600))" +%Y-%m-%dT%H:%M:%S)
  btrfs subvolume create "$s/pair1" >/dev/null
  mkdir -p "$s/snaps/pair1" "$d/pair1" "$d/raw"
  head -c "${xfer_mib}M" /dev/urandom >"$s/pair1/a.bin"
  sync
  btrfs subvolume snapshot -r "$s/pair1" "$s/snaps/pair1/$s1" >/dev/null
  head -c "${xfer_mib}M" /dev/urandom >"$s/pair1/b.bin"
  sync
  local local_tool=$tool
  freeze "$work/tool-remote"
  {
    printf '[global]\nlock_dir = "%s/locks"\nstate_dir = "%s/state"\n\n' "$work" "$work"
    printf '[ssh]\nidentity_file = "%s/key"\nknown_hosts_file = "%s/known_hosts"\nuser = "root"\n' "$dir" "$dir"
    printf '\n[[backup_pairs]]\nname = "pair1"\noriginal_volume = "%s/small/pair1"\nsource = "%s/small/snaps/pair1"\n' "$s" "$s"
    printf 'target = "ssh://%s%s/small/pair1"\n' "$addr" "$d"
    printf 'retention_days = 3650\nretention_count = 100\ntarget_retention_days = 3650\ntarget_retention_count = 100\n'
  } >"$work/rsmall.toml"
  mkdir -p "$s/small" "$d/small"
  run_in=("${client[@]}") raw_script="$here/send-ssh-receive" raw_tail=("${opts[@]}" "root@$addr")
  small_transfers rfixed "$work/rsmall.toml" "$s/small" "$d/small"
  for cipher in default aes128-gcm@openssh.com; do
    k=${cipher%%@*}
    local copts=("${opts[@]}")
    [ "$cipher" = default ] || copts+=(-c "$cipher")
    {
      printf '[global]\nlock_dir = "%s/locks"\nstate_dir = "%s/state"\n\n' "$work" "$work"
      printf '[ssh]\nidentity_file = "%s/key"\nknown_hosts_file = "%s/known_hosts"\nuser = "root"\n' "$dir" "$dir"
      [ "$cipher" = default ] || printf 'cipher = "%s"\n' "$cipher"
      printf '\n[[backup_pairs]]\nname = "pair1"\noriginal_volume = "%s/pair1"\nsource = "%s/snaps/pair1"\n' "$s" "$s"
      printf 'target = "ssh://%s%s/pair1"\n' "$addr" "$d"
      printf 'retention_days = 3650\nretention_count = 100\ntarget_retention_days = 3650\ntarget_retention_count = 100\n'
    } >"$work/rxfer.toml"
    untimed "rxfer-warm-$k" "${client[@]}" "$tool" --status --all --config "$work/rxfer.toml"
    for r in $(seq 1 "$reps_xfer"); do
      round=$((round + 1))
      fresh_jar
      settle "$s" "$d"
      if [ $((r % 2)) -eq 1 ]; then
        timed "rxfer-full-$k/ours" "${client[@]}" "$tool" --backup --all --config "$work/rxfer.toml"
        sync
        timed "rxfer-full-$k/raw" "${client[@]}" "$here/send-ssh-receive" "$s/snaps/pair1/$s1" "$d/raw" "${copts[@]}" "root@$addr"
      else
        timed "rxfer-full-$k/raw" "${client[@]}" "$here/send-ssh-receive" "$s/snaps/pair1/$s1" "$d/raw" "${copts[@]}" "root@$addr"
        sync
        timed "rxfer-full-$k/ours" "${client[@]}" "$tool" --backup --all --config "$work/rxfer.toml"
      fi
      btrfs subvolume snapshot -r "$s/pair1" "$s/snaps/pair1/$s2" >/dev/null
      sync
      if [ $((r % 2)) -eq 1 ]; then
        timed "rxfer-incr-$k/ours" "${client[@]}" "$tool" --backup --all --config "$work/rxfer.toml"
        grep -q "incremental from $s1" "$work/logs/rxfer-incr-${k}_ours.out" || die "our remote backup was not incremental"
        sync
        timed "rxfer-incr-$k/raw" "${client[@]}" "$here/send-ssh-receive" -p "$s/snaps/pair1/$s1" "$s/snaps/pair1/$s2" "$d/raw" "${copts[@]}" "root@$addr"
      else
        timed "rxfer-incr-$k/raw" "${client[@]}" "$here/send-ssh-receive" -p "$s/snaps/pair1/$s1" "$s/snaps/pair1/$s2" "$d/raw" "${copts[@]}" "root@$addr"
        sync
        timed "rxfer-incr-$k/ours" "${client[@]}" "$tool" --backup --all --config "$work/rxfer.toml"
      fi
      [ -d "$d/pair1/$s2" ] || die "our remote backup of $s2 is missing"
      btrfs subvolume delete "$d/pair1/$s1" "$d/pair1/$s2" "$s/snaps/pair1/$s2" "$d/raw/$s1" "$d/raw/$s2" >/dev/null
    done
  done
  settle "$s" "$d"
  remote_cleanup
  tool=$local_tool
  drop_fs rsrc rdst
  log "remote transfers: $reps_xfer repetitions per cipher in $((SECONDS - t0)) s"
}

starts() { # process start: ours --help/--version, btrbk's, and a bare JVM for the floor
  local r t0=$SECONDS
  fresh_jar
  untimed start-warm "$tool" --version
  for r in $(seq 1 "$reps_start"); do
    round=$((round + 1))
    timed start-help/ours "$tool" --help
    timed start-help/btrbk btrbk --help
    timed start-version/ours "$tool" --version
    timed start-version/btrbk btrbk --version
    timed start/java-version "${JAVA_HOME:+$JAVA_HOME/bin/}java" -version
  done
  log "process start: $reps_start repetitions in $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------- the run

jar_at_start=$(jar_sum)
{
  printf 'date=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf 'command=%s\n' "./build.sh bench${BENCH_SIZES:+ (BENCH_SIZES=$BENCH_SIZES)}"
  printf 'nproc=%s\n' "$(nproc)"
  printf 'memory=%s\n' "$(free -m | awk '/^Mem:/ { print $2 " MiB" }')"
  printf 'kernel=%s\n' "$(uname -r)"
  # The launcher picks JAVA_HOME's runtime when it is set, otherwise the newest of 17 or later.
  printf 'java=%s\n' "$("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -n 2 | tail -n 1)${JAVA_HOME:+ (JAVA_HOME=$JAVA_HOME)}"
  printf 'btrfs=%s\n' "$(btrfs --version)"
  printf 'btrbk=%s\n' "$(btrbk --version | head -n 1)"
  printf 'jar=%s\n' "$jar_at_start"
  printf 'jar_built=%s\n' "$(date -u -r "$jar" +%Y-%m-%dT%H:%M:%SZ)"
  printf 'commit=%s\n' "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  printf 'tree=%s\n' "$(git -C "$root" status --porcelain -- src 2>/dev/null | wc -l) files under src/ differ from the commit"
  printf 'tool=%s\n' "$([ "${BENCH_LIVE:-0}" = 1 ] && echo "the tree's ./backup-tool" || echo "a frozen copy of ./backup-tool and its jar")"
  printf 'load_start=%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf 'reps=dry %s/%s/%s, purge %s, transfer %s, start %s\n' \
    "$reps_small" "$reps_mid" "$reps_large" "$reps_purge" "$reps_xfer" "$reps_start"
  printf 'xfer_mib=%s\n' "$xfer_mib"
} >"$work/meta.env"

log "work directory $work"
starts
purge_size=$(spec "$purge_size")
for n in $sizes; do
  n=$(spec "$n")
  fixture "$n"
  dry_runs "$n"
  [ "$n" = "$purge_size" ] && purges "$n"
  drop_fs "src$n" "dst$n" "bsrc$n" "bdst$n"
done
[ "$xfer_mib" -gt 0 ] && transfers
[ "$xfer_mib" -gt 0 ] && [ "${BENCH_REMOTE:-1}" = 1 ] && remote_transfers
{
  printf 'load_end=%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf 'jar_end=%s\n' "$(jar_sum)"
  printf 'rebuilds=%s\n' "$rebuilds"
  printf 'seconds=%s\n' "$((SECONDS - started))"
} >>"$work/meta.env"

cp "$samples" "$counts" "$deleted" "$work/meta.env" "$out/"
rm -rf "$out/logs"
mkdir -p "$out/logs"
cp "$work"/logs/*.out "$work"/logs/*.err "$out/logs/" 2>/dev/null || true
"$here/report.sh" "$out" >"$out/results.md"
cat "$out/results.md"
log "done in $((SECONDS - started)) s; results in $out/results.md"
