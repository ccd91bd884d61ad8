#!/usr/bin/env bash
# deb.sh JAR MANPAGE OUTDIR: builds OUTDIR/backup-tool_VERSION_all.deb with dpkg-deb from what
# install.sh puts into a staging tree (OUTDIR/deb-root), then prints the package's path.
# No network: everything comes from the checkout and the jar.
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: $0 JAR MANPAGE OUTDIR" >&2
  exit 2
fi
jar=$1 man=$2 out=$3
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
# The version is the jar's own (pom.xml's); Debian sorts "~" before anything, as a -SNAPSHOT
# should be before its release.
version=$(LC_ALL=C.UTF-8 java -cp "$jar" backuptool.cli.Main --version)
version=${version##* }
version=${version//-/\~}
case "$version" in [0-9]*) ;; *) echo "deb.sh: odd version '$version' from $jar" >&2; exit 1 ;; esac
root=$out/deb-root
rm -rf "$root"
mkdir -p "$root/DEBIAN"
DESTDIR=$root PREFIX=/usr UNITDIR=/lib/systemd/system PACKAGE=1 "$here/install.sh" "$jar" "$man"
# A reproducible date: $SOURCE_DATE_EPOCH, else the last commit's, else now.
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$here" log -1 --format=%ct 2>/dev/null || date +%s)}
sed -e "s|@VERSION@|$version|" -e "s|@DATE@|$(LC_ALL=C date -u -R -d "@$epoch")|" \
  "$here/debian/changelog" | gzip -9n >"$root/usr/share/doc/backup-tool/changelog.gz"
chmod 0644 "$root/usr/share/doc/backup-tool/changelog.gz"
install -m 0755 "$here/debian/postinst" "$here/debian/postrm" "$root/DEBIAN/"
# dpkg keeps a user's changes to these on upgrade, and asks before replacing them.
printf '%s\n' /etc/apt/apt.conf.d/80backup-tool /etc/backup-tool/backup_config.toml >"$root/DEBIAN/conffiles"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z |
  xargs -0 md5sum) >"$root/DEBIAN/md5sums"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@SIZE@|$size|" "$here/debian/control" >"$root/DEBIAN/control"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"
find "$root" -exec touch -h -d "@$epoch" {} +
deb="$out/backup-tool_${version}_all.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
