#!/usr/bin/env bash
# The package test (./build.sh package-test, as root, with network; 2-4 minutes): in a fresh
# Debian 12 root made by debootstrap with only git added, clone this checkout, ./build.sh deb,
# apt-get install the package, and check what a user gets (in-root.sh): --help, the man page,
# the completion, no build at run time, the pre-upgrade snapshot through real apt-get runs, a
# failing pair that does not stop apt, remove and purge that leave snapshots and backups alone.
# Two loop-mounted btrfs filesystems (made and mounted here, below the root) stand in for the
# machine's disk and its backup disk. Everything is unmounted and removed at the end.
#   PKGTEST_BASE=DIR  copy DIR (a debootstrap root with git, e.g. one kept by an earlier run with
#                     PKGTEST_KEEP_BASE=DIR) instead of running debootstrap: saves ~2 minutes
#   PKGTEST_KEEP=1    leave the root in place afterwards (unmounted), for a look inside
set -euo pipefail
top=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "run.sh: needs root (debootstrap, chroot, loop devices)" >&2; exit 2; }
work=$(mktemp -d /var/tmp/backup-tool-pkgtest.XXXXXX)
R=$work/root
log=$work/log
mkdir -p "$log"
start=$SECONDS
mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || true
  done
  if [ "${PKGTEST_KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
phase() { printf "%-46s " "$1"; }
took() { echo "ok ($((SECONDS - $1)) s)"; }

for p in debootstrap:debootstrap mkfs.btrfs:btrfs-progs git:git; do
  command -v "${p%%:*}" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${p#*:}" >/dev/null
done

t=$SECONDS
if [ -n "${PKGTEST_BASE:-}" ]; then
  phase "copy of the fresh root $PKGTEST_BASE"
  cp -a "$PKGTEST_BASE" "$R"
else
  phase "debootstrap --variant=minbase bookworm"
  debootstrap --variant=minbase bookworm "$R" http://deb.debian.org/debian >"$log/debootstrap.log" 2>&1 ||
    { echo "FAILED, see $log/debootstrap.log"; exit 1; }
  cp /etc/resolv.conf "$R/etc/resolv.conf"
  # A site whose network goes through a proxy with its own CA has that CA in the host's
  # /usr/local/share/ca-certificates; the root needs it too to reach Maven Central. A machine
  # without one copies nothing.
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    mkdir -p "$R/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$R/usr/local/share/ca-certificates/"
  fi
  chroot "$R" apt-get install -y -q git ca-certificates >"$log/git.log" 2>&1 ||
    { echo "FAILED, see $log/git.log"; exit 1; }
  if [ -n "${PKGTEST_KEEP_BASE:-}" ]; then rm -rf "$PKGTEST_KEEP_BASE"; cp -a "$R" "$PKGTEST_KEEP_BASE"; fi
fi
took "$t"

for d in dev dev/pts proc sys; do
  mount --bind "/$d" "$R/$d"
  mounted+=("$R/$d")
done
# The machine's disk (a volume to protect and its snapshot directory) and a backup disk.
for fs in disk backup; do
  truncate -s 300M "$work/$fs.img"
  mkfs.btrfs -q "$work/$fs.img" >/dev/null
  mkdir -p "$R/mnt/$fs"
  mount -o loop "$work/$fs.img" "$R/mnt/$fs" # umount frees the loop device (autoclear)
  mounted+=("$R/mnt/$fs")
done

# The checkout's committed state, as a user's clone would be.
git clone -q --no-hardlinks "$top" "$R/root/backup-tool"
install -m 0755 "$top/tests/package/in-root.sh" "$R/root/in-root.sh"
echo "clone of $(git -C "$top" log --oneline -1)"
chroot "$R" /usr/bin/env -i HOME=/root TERM=dumb PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  bash /root/in-root.sh
echo "package test ok: $((SECONDS - start)) s in all"
