#!/usr/bin/env bash
# install.sh JAR MANPAGE: installs backup-tool below $DESTDIR: the launcher into $PREFIX/bin, the
# jar, the apt hook, the ssh filter, the systemd units (not enabled), the man page, the bash
# completion, the configuration and the README. Used by `./build.sh install` (PREFIX=/usr/local)
# and, into a staging directory, by `./build.sh deb` (PREFIX=/usr, PACKAGE=1). Paths inside the
# installed files are the final ones (without DESTDIR).
#   PACKAGE=1: the configuration is always written (dpkg keeps the user's as a conffile) and the
#              docs go as Debian wants them (gzipped, with copyright; deb.sh adds the changelog);
#   otherwise  an existing /etc/backup-tool/backup_config.toml is never overwritten.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 JAR MANPAGE" >&2
  exit 2
fi
jar=$1 man=$2
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
top=$(cd "$here/../.." && pwd)
dest=${DESTDIR:-}
prefix=${PREFIX:-/usr/local}
package=${PACKAGE:-0}
case "$prefix" in /*) ;; *) echo "PREFIX must be an absolute path, not '$prefix'" >&2; exit 2 ;; esac
# Debian 12 keeps packaged units in /lib/systemd/system (lintian says so); a local install
# uses $PREFIX/lib/systemd/system, which systemd also reads (/usr/local/lib/systemd/system).
unitdir=${UNITDIR:-$prefix/lib/systemd/system}
bindir=$prefix/bin libdir=$prefix/lib/backup-tool sharedir=$prefix/share/backup-tool
completion=$top/src/packaging/completion/backup-tool
for f in "$jar" "$man" "$completion"; do
  [ -f "$f" ] || { echo "install.sh: $f is missing (build it first: ./build.sh man, or ./build.sh)" >&2; exit 1; }
done

# fill SRC DEST MODE: a copy of SRC with the @NAMES@ replaced by the installed paths.
fill() {
  sed -e "s|@BINDIR@|$bindir|g" -e "s|@LIBDIR@|$libdir|g" -e "s|@JAR@|$sharedir/backup-tool.jar|g" \
    -e "s|@CACHE@|/var/cache/backup-tool|g" -e "s|@STAMPDIR@|/run/backup-tool|g" \
    -e "s|@LOG@|/var/log/backup-tool/pre-upgrade.log|g" "$1" >"$2.tmp"
  chmod "$3" "$2.tmp"
  mv -f "$2.tmp" "$2"
}
umask 022
install -d "$dest$bindir" "$dest$libdir" "$dest$sharedir" "$dest$unitdir" \
  "$dest$prefix/share/man/man1" "$dest$prefix/share/bash-completion/completions" \
  "$dest/etc/apt/apt.conf.d" "$dest/etc/backup-tool" "$dest$prefix/share/doc/backup-tool"
install -m 0644 "$jar" "$dest$sharedir/backup-tool.jar"
fill "$here/bin/backup-tool" "$dest$bindir/backup-tool" 0755
fill "$here/apt/apt-pre-invoke" "$dest$libdir/apt-pre-invoke" 0755
# The restricted ssh key's forced command, for backup servers and pulled hosts (docs/remote.md).
install -m 0755 "$here/bin/ssh-filter" "$dest$libdir/ssh-filter"
fill "$here/apt/80backup-tool" "$dest/etc/apt/apt.conf.d/80backup-tool" 0644
for unit in "$here"/systemd/*.service "$here"/systemd/*.timer; do
  fill "$unit" "$dest$unitdir/${unit##*/}" 0644
done
gzip -9n <"$man" >"$dest$prefix/share/man/man1/backup-tool.1.gz"
chmod 0644 "$dest$prefix/share/man/man1/backup-tool.1.gz"
install -m 0644 "$completion" "$dest$prefix/share/bash-completion/completions/backup-tool"
config=$dest/etc/backup-tool/backup_config.toml
if [ "$package" = 1 ]; then
  install -m 0644 "$top/backup_config.toml" "$config"
  gzip -9n <"$top/README.md" >"$dest$prefix/share/doc/backup-tool/README.md.gz"
  install -m 0644 "$here/debian/copyright" "$dest$prefix/share/doc/backup-tool/copyright"
  chmod 0644 "$dest$prefix/share/doc/backup-tool/"*.gz
else
  install -m 0644 "$top/README.md" "$dest$prefix/share/doc/backup-tool/README.md"
  if [ -e "$config" ]; then
    echo "kept the existing $config (the shipped one: $top/backup_config.toml)"
  else
    install -m 0644 "$top/backup_config.toml" "$config"
  fi
  install -d -m 0755 "$dest/var/cache/backup-tool"
fi
