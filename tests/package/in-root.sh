#!/usr/bin/env bash
# Runs inside the fresh root that run.sh made, as root, from /root with the clone in
# /root/backup-tool and btrfs filesystems at /mnt/disk and /mnt/backup. Each check prints one
# line; the first failure stops the test with what it saw.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
cd /root/backup-tool
out=/root/out
mkdir -p "$out"
phase() { printf "%-46s " "$1"; }
fail() { echo "FAILED: $*"; exit 1; }
ok() { echo "ok${1:+ ($1)}"; }

t=$SECONDS
phase "./build.sh deb (toolchain, jar, lintian)"
./build.sh deb >"$out/build.log" 2>&1 || { cat "$out/build.log"; fail "./build.sh deb"; }
ok "$((SECONDS - t)) s"
deb=$(ls target/backup-tool_*_all.deb)

t=$SECONDS
phase "apt-get install -y ./$deb"
apt-get install -y -q "./$deb" >"$out/install.log" 2>&1 || { cat "$out/install.log"; fail "install"; }
ok "$((SECONDS - t)) s"

phase "backup-tool --help, on the PATH"
[ "$(command -v backup-tool)" = /usr/bin/backup-tool ] || fail "backup-tool is $(command -v backup-tool)"
(cd / && backup-tool --help) | grep -q -- '--before-upgrade' || fail "--help"
ok "$(cd / && backup-tool --version)"

phase "the installed launcher never builds"
# A mvn that records any call: the installed launcher must not make one, even with a checkout
# of newer sources next to it.
printf '#!/bin/sh\necho called >/root/mvn-called\nexit 1\n' >/usr/local/bin/mvn
chmod +x /usr/local/bin/mvn
touch src/main/java/backuptool/cli/Main.java
(cd /root/backup-tool && backup-tool --version >/dev/null)
[ ! -e /root/mvn-called ] || fail "the installed launcher ran mvn"
rm /usr/local/bin/mvn
ok
# From here on as an administrator would work: not in the checkout, whose ./backup_config.toml
# the tool would take before /etc/backup-tool's.
cd /

phase "man backup-tool, without warnings"
apt-get install -y -q man-db >"$out/man-db.log" 2>&1 || { cat "$out/man-db.log"; fail "man-db"; }
MANWIDTH=80 man --warnings backup-tool >"$out/man.txt" 2>"$out/man.err" || fail "man: $(cat "$out/man.err")"
[ ! -s "$out/man.err" ] || fail "man warnings: $(cat "$out/man.err")"
grep -q 'before-upgrade' "$out/man.txt" || fail "the man page lacks --before-upgrade"
ok "$(wc -l <"$out/man.txt") lines"

phase "bash completion of --sn and --pair"
apt-get install -y -q bash-completion >"$out/bash-completion.log" 2>&1 || fail "bash-completion"
words=$(bash -c '
  source /usr/share/bash-completion/bash_completion
  _completion_loader backup-tool 2>/dev/null || source /usr/share/bash-completion/completions/backup-tool
  fn=$(complete -p backup-tool | sed -E "s/.* -F ([^ ]+) .*/\1/")
  COMP_WORDS=(backup-tool --sn); COMP_CWORD=1; COMP_LINE="backup-tool --sn"; COMP_POINT=${#COMP_LINE}
  "$fn" backup-tool --sn backup-tool
  echo "${COMPREPLY[*]}"')
[[ " $words " == *" --snapshot"* ]] || fail "completion of --sn gave '$words'"
ok "--sn: $words"

phase "units installed, not enabled, verify clean"
for v in snapshot backup purge; do
  for u in service timer; do
    [ -f "/lib/systemd/system/backup-tool-$v.$u" ] || fail "backup-tool-$v.$u missing"
  done
  [ "$(systemctl is-enabled "backup-tool-$v.timer" 2>/dev/null || true)" = disabled ] || fail "backup-tool-$v.timer is enabled"
done
v=$(systemd-analyze verify --man=no /lib/systemd/system/backup-tool-*.{service,timer} 2>&1) || fail "$v"
[ -z "$v" ] || fail "systemd-analyze verify: $v"
ok

phase "ssh-filter: runs the tool's commands only"
# As sshd runs it for a restricted key, on a minimal Debian (dash, coreutils, findutils).
filter=/usr/lib/backup-tool/ssh-filter
[ -x "$filter" ] || fail "$filter is missing or not executable"
listed=$(SSH_ORIGINAL_COMMAND="'btrfs' 'subvolume' 'list' '-a' '-c' '-u' '-q' '-R' '/mnt/backup'" \
  "$filter" --target-root /mnt/backup 2>&1) || fail "list: $listed"
[ "$(SSH_ORIGINAL_COMMAND="'stat' '--format=%f %i' '--' '/mnt/backup'" "$filter" --target-root /mnt/backup)" = "41ed 256" ] ||
  fail "stat of the root"
status=0
refused=$(SSH_ORIGINAL_COMMAND="'id'" "$filter" --target-root /mnt/backup 2>&1) || status=$?
[ "$status" = 77 ] || fail "id: exit $status: $refused"
[[ "$refused" == "ssh-filter: refused 'id': "* ]] || fail "id: $refused"
ok

# One pair on the loop filesystems, asking for the pre-upgrade snapshot.
btrfs -q subvolume create /mnt/disk/vol
echo data >/mnt/disk/vol/file
mkdir -p /mnt/disk/snaps /mnt/backup/vol
config=/etc/backup-tool/backup_config.toml
cp "$config" "$out/shipped.toml"
cat >"$config" <<'TOML'
[[backup_pairs]]
name = "vol"
original_volume = "/mnt/disk/vol"
source = "/mnt/disk/snaps"
target = "/mnt/backup/vol"
retention_days = 30
retention_count = 10
target_retention_days = 90
target_retention_count = 20
snapshot_before_upgrade = true
TOML
snaps() { find /mnt/disk/snaps -mindepth 1 -maxdepth 1 -name '*-pre-upgrade' | wc -l; }

phase "apt-get install hello: one -pre-upgrade snapshot"
apt-get install -y -q hello >"$out/hello.log" 2>&1 || { cat "$out/hello.log"; fail "apt-get install hello"; }
[ "$(snaps)" = 1 ] || fail "$(snaps) pre-upgrade snapshots after one apt-get run; $(cat "$out/hello.log")"
grep -q '^backup-tool: pre-upgrade snapshot /mnt/disk/snaps/.*-pre-upgrade$' "$out/hello.log" || fail "no line in apt's output"
ok "$(ls /mnt/disk/snaps)"

phase "the hook twice in one apt run: one snapshot"
sleep 1 # a new second, so that a second snapshot would get a name of its own
bash -c '/usr/lib/backup-tool/apt-pre-invoke; /usr/lib/backup-tool/apt-pre-invoke' 2>"$out/twice.err"
[ "$(snaps)" = 2 ] || fail "$(snaps) pre-upgrade snapshots, wanted 2: $(cat "$out/twice.err")"
[ "$(grep -c 'pre-upgrade snapshot' "$out/twice.err")" = 1 ] || fail "$(cat "$out/twice.err")"
ok

phase "reinstall keeps the edited configuration"
sleep 1 # the hook snapshots again (the third), under a name of its own
apt-get install -y -q --reinstall "/root/backup-tool/$deb" >"$out/reinstall.log" 2>&1 || fail "$(cat "$out/reinstall.log")"
grep -q '^name = "vol"$' "$config" || fail "the configuration was replaced"
[ "$(snaps)" = 3 ] || fail "$(snaps) pre-upgrade snapshots, wanted 3"
ok

phase "the launcher's class-data archive"
backup-tool --backup --all -q
ls /var/cache/backup-tool/backup-tool-*.jsa >/dev/null || fail "no archive in /var/cache/backup-tool"
[ "$(stat -c '%U %a' /var/cache/backup-tool)" = "root 755" ] || fail "$(stat -c '%U %a' /var/cache/backup-tool)"
t0=$(date +%s%N); backup-tool --purge --all -q; t1=$(date +%s%N)
ok "$(ls /var/cache/backup-tool), a purge then took $(((t1 - t0) / 1000000)) ms"

phase "no pair asks: the hook is quick, no JVM"
sed -i 's/^snapshot_before_upgrade = true/snapshot_before_upgrade = false/' "$config"
t0=$(date +%s%N); /usr/lib/backup-tool/apt-pre-invoke; t1=$(date +%s%N)
[ "$(snaps)" = 3 ] || fail "a snapshot was taken"
ok "$(((t1 - t0) / 1000000)) ms"

phase "a failing pair: one line, apt goes on"
sed -i 's/^snapshot_before_upgrade = false/snapshot_before_upgrade = true/' "$config"
cat >>"$config" <<'TOML'

[[backup_pairs]]
name = "gone"
original_volume = "/mnt/disk/no-such-volume"
source = "/mnt/disk/no-such-snaps"
target = "/mnt/backup/gone"
retention_days = 30
retention_count = 10
target_retention_days = 90
target_retention_count = 20
snapshot_before_upgrade = true
TOML
sleep 1
apt-get install -y -q --reinstall hello >"$out/fail.log" 2>&1 || { cat "$out/fail.log"; fail "apt-get failed"; }
[ "$(grep -c '^backup-tool: ' "$out/fail.log")" = 1 ] || fail "$(grep '^backup-tool' "$out/fail.log")"
grep -q 'failed (exit 1)' "$out/fail.log" || fail "$(grep '^backup-tool' "$out/fail.log")"
ok "$(grep '^backup-tool: ' "$out/fail.log")"

phase "apt-get remove: apt still works"
backups_before=$(ls /mnt/backup/vol)
dpkg -L backup-tool >"$out/files"
sleep 1 # this apt run snapshots too: a name of its own
apt-get remove -y -q backup-tool >"$out/remove.log" 2>&1 || fail "$(cat "$out/remove.log")"
[ ! -e /usr/bin/backup-tool ] || fail "/usr/bin/backup-tool is still there"
[ -e /etc/apt/apt.conf.d/80backup-tool ] || fail "the conffile went on remove"
apt-get install -y -q --reinstall hello >"$out/after-remove.log" 2>&1 || fail "$(cat "$out/after-remove.log")"
! grep -q '^backup-tool' "$out/after-remove.log" || fail "$(cat "$out/after-remove.log")"
ok

phase "apt-get purge: its files go, snapshots stay"
apt-get purge -y -q backup-tool >"$out/purge.log" 2>&1 || fail "$(cat "$out/purge.log")"
for f in /etc/backup-tool /etc/apt/apt.conf.d/80backup-tool /var/cache/backup-tool /var/log/backup-tool \
  /usr/share/backup-tool /usr/lib/backup-tool /lib/systemd/system/backup-tool-backup.timer; do
  [ ! -e "$f" ] || fail "$f is still there after purge"
done
[ "$(dpkg-query -W -f='${db:Status-Status}' backup-tool 2>/dev/null || echo gone)" != installed ] || fail "still installed"
# Every file the package had is gone (directories may be shared with other packages).
while read -r f; do
  [ -d "$f" ] || [ ! -e "$f" ] || fail "$f is still there after purge"
done <"$out/files"
# 4 before, and one more by the hook when apt removed backup-tool (the failing pair aside)
[ "$(snaps)" = 5 ] || fail "$(snaps) pre-upgrade snapshots after purge, wanted 5"
[ "$(ls /mnt/backup/vol)" = "$backups_before" ] || fail "the backups changed: $(ls /mnt/backup/vol)"
ok "$(find /mnt/disk/snaps /mnt/backup/vol -mindepth 1 -maxdepth 1 | wc -l) snapshots and backups kept"
