#!/usr/bin/env bash
# ./build.sh demo: tries backup-tool on two throwaway loop-mounted btrfs filesystems.
# Snapshot, backup, change, snapshot, backup, purge, printing each plan; checks that every
# backup equals its snapshot; removes everything it made, also when a step fails.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
tool="$here/backup-tool"
[ "$(id -u)" -eq 0 ] || { echo "demo: needs root (it mounts loop devices); run: sudo ./build.sh demo" >&2; exit 2; }

base=/var/tmp/backup-tool-demo
cleanup() {
  for m in "$base/backup" "$base/machine"; do
    mountpoint -q "$m" && umount "$m"
  done
  for img in "$base"/*.img; do
    [ -e "$img" ] || continue
    losetup -j "$img" | cut -d: -f1 | xargs -r -n1 losetup -d
    rm -f "$img"
  done
  rm -rf "$base"
}
cleanup # whatever an interrupted earlier demo left
trap cleanup EXIT
mkdir -p "$base/machine" "$base/backup"
for fs in machine backup; do
  truncate -s 512M "$base/$fs.img"
  mkfs.btrfs -q "$base/$fs.img"
  mount -o loop "$base/$fs.img" "$base/$fs"
done

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
say() { printf '\n%s### %s%s\n' "$bold" "$*" "$plain"; }
run() { printf '\n$ backup-tool %s\n' "$*"; "$tool" "$@" --config "$base/demo.toml"; }

btrfs -q subvolume create "$base/machine/home"
mkdir -p "$base/machine/snapshots/home" "$base/backup/home"
mkdir -p "$base/machine/home/alice"
echo "hello" > "$base/machine/home/alice/notes.txt"
head -c 20M /dev/urandom > "$base/machine/home/alice/photo.raw"
cat > "$base/demo.toml" <<TOML
[[backup_pairs]]
name = "home"
original_volume = "$base/machine/home"
source = "$base/machine/snapshots/home"
target = "$base/backup/home"
retention_days = 0
retention_count = 2
target_retention_days = 0
target_retention_count = 2
TOML
say "A machine with /home on btrfs, a backup disk, and this configuration:"
cat "$base/demo.toml"

say "1. Take a snapshot before an upgrade"
run --snapshot --pair=home --suffix=pre-upgrade
say "2. First backup: a full send"
run --backup --all
say "3. Change some files, snapshot again"
echo "more" >> "$base/machine/home/alice/notes.txt"
echo "new" > "$base/machine/home/alice/todo.txt"
sleep 1 # snapshot names have one-second resolution
run --snapshot --all
say "4. Second backup: incremental, only the changes are sent"
run --backup --all -v
say "5. One more snapshot and backup, then preview and run retention (keep the newest 2)"
sleep 1
echo "again" >> "$base/machine/home/alice/notes.txt"
run --snapshot --all
run --backup --all
run --purge --all --dry-run
run --purge --all

say "6. Check: every backup equals its snapshot"
status=0
for backup in "$base/backup/home"/*; do
  name=$(basename "$backup")
  snap="$base/machine/snapshots/home/$name"
  [ -d "$snap" ] || continue
  manifest() { (cd "$1" && find . -printf '%p %y %m %u:%g %s %l\n' | sort); }
  if diff -r "$snap" "$backup" >/dev/null && diff <(manifest "$snap") <(manifest "$backup") >/dev/null; then
    echo "  equal: $name"
  else
    echo "  DIFFERENT: $name" >&2
    status=1
  fi
done
say "Done; removing the demo filesystems."
exit $status
