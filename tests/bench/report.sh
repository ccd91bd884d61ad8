#!/usr/bin/env bash
# Renders the benchmark's results as markdown: ./report.sh DIR (DIR holds samples.tsv,
# counts.tsv, deleted.tsv and meta.env as bench.sh writes them). Can be rerun on old results.
set -euo pipefail
export LC_ALL=C
dir=${1:?usage: report.sh DIR}

declare -A med lo hi cnt rss cpu meta
while IFS=$'\t' read -r label m a b n r c; do
  med[$label]=$m lo[$label]=$a hi[$label]=$b cnt[$label]=$n rss[$label]=$r cpu[$label]=$c
done < <(awk -F'\t' '
  function median(list, a, n, i, j, x) {
    n = split(substr(list, 2), a, " ")
    for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > x + 0; j--) a[j + 1] = a[j]; a[j + 1] = x }
    lo = a[1]; hi = a[n]; cnt = n
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { v[$1] = v[$1] " " $2; c[$1] = c[$1] " " ($4 == "" ? 0 : $4); if ($3 + 0 > r[$1] + 0) r[$1] = $3 }
  END {
    for (k in v) {
      mc = median(c[k]); m = median(v[k])
      printf "%s\t%.6f\t%s\t%s\t%d\t%s\t%.2f\n", k, m, lo, hi, cnt, r[k], mc
    }
  }' "$dir/samples.tsv")
load_range=$(awk -F'\t' '$5 != "" { if (min == "" || $5 < min) min = $5; if ($5 > max) max = $5 } END { if (min != "") printf "%s-%s", min, max; else printf "?" }' "$dir/samples.tsv")
while IFS='=' read -r k v; do meta[$k]=$v; done <"$dir/meta.env"
declare -A procs what
while IFS=$'\t' read -r label n w; do procs[$label]=$n what[$label]=$w; done <"$dir/counts.tsv"
declare -A dels
while IFS=$'\t' read -r label n; do dels[$label]=$n; done <"$dir/deleted.tsv"

secs() { awk -v x="$1" 'BEGIN { printf (x < 10 ? "%.3f s" : "%.2f s"), x }'; }
cell() { # cell LABEL: "median (min-max, n, spread)"
  local l=$1
  [ -n "${med[$l]:-}" ] || { printf 'not run'; return; }
  printf '%s (%s-%s, n=%s, spread %s)' "$(secs "${med[$l]}")" \
    "$(awk -v x="${lo[$l]}" 'BEGIN { printf "%.3f", x }')" "$(awk -v x="${hi[$l]}" 'BEGIN { printf "%.3f", x }')" \
    "${cnt[$l]}" "$(awk -v m="${med[$l]}" -v a="${lo[$l]}" -v b="${hi[$l]}" 'BEGIN { printf "%.0f%%", 100 * (b - a) / m }')"
}
# paired OURS THEIRS: "median min max n" of ours/theirs over the repetitions in which both ran
# (each pair ran next to each other, so drifting load on the machine cancels out).
paired() {
  awk -F'\t' -v a="$1" -v b="$2" '
    $6 != "" && $1 == a { x[$6] = $2 }
    $6 != "" && $1 == b { y[$6] = $2 }
    END {
      n = 0
      for (r in x) if ((r in y) && y[r] > 0) q[++n] = x[r] / y[r]
      if (n == 0) exit
      for (i = 2; i <= n; i++) { v = q[i]; for (j = i - 1; j >= 1 && q[j] > v; j--) q[j + 1] = q[j]; q[j + 1] = v }
      printf "%.4f %.4f %.4f %d\n", (n % 2 ? q[(n + 1) / 2] : (q[n / 2] + q[n / 2 + 1]) / 2), q[1], q[n], n
    }' "$dir/samples.tsv"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t ? "met" : "**missed**") }'; }

# row WHAT OURS THEIRS TARGET: TARGET is the highest ratio allowed, or - for none
row() {
  local r="-" v="-" t="-" c="-" p="-" pm pl ph pn by
  if [ -n "${med[$2]:-}" ] && [ -n "${med[$3]:-}" ]; then
    r=$(ratio "${med[$2]}" "${med[$3]}")
    by=$(awk -v a="${med[$2]}" -v b="${med[$3]}" 'BEGIN { print a / b }')
    read -r pm pl ph pn < <(paired "$2" "$3"; echo)
    if [ -n "$pm" ]; then
      p=$(awk -v m="$pm" -v l="$pl" -v h="$ph" -v n="$pn" 'BEGIN { printf "%.2fx (%.2f-%.2f, n=%d)", m, l, h, n }')
      by=$pm
    fi
    c="${cpu[$2]} / ${cpu[$3]} s"
    awk -v b="${cpu[$3]}" 'BEGIN { exit !(b > 0) }' && c="$c = $(ratio "${cpu[$2]}" "${cpu[$3]}")"
    if [ "$4" != - ]; then
      t="<= $4x"
      v=$(verdict "$by" "$4")
    fi
  fi
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$(cell "$2")" "$(cell "$3")" "$r" "$p" "$c" "$t" "$v"
}

# Fixtures in the order they ran: PxN (P pairs, N snapshots in all), or a bare N (4 pairs, older runs).
sizes=$(awk -F'\t' '$1 ~ /^dry-backup\/ours\// { split($1, p, "/"); if (!(p[3] in seen)) { seen[p[3]]; print p[3] } }' "$dir/samples.tsv")
purge_sizes=$(awk -F'\t' '$1 ~ /^purge\/ours\// { split($1, p, "/"); if (!(p[3] in seen)) { seen[p[3]]; print p[3] } }' "$dir/samples.tsv")
# Targets of issue 12: one pair, 40: 0.8x; one pair, 1,000: 0.4x; 4 pairs: 1.0x up to 100
# snapshots, 0.4x up to 5,000, 0.2x above.
target_for() {
  local p=4 n=$1
  case $1 in *x*) p=${1%x*} n=${1#*x} ;; esac
  if [ "$p" -eq 1 ]; then
    if [ "$n" -le 100 ]; then echo 0.8; else echo 0.4; fi
  elif [ "$n" -le 100 ]; then echo 1.0; elif [ "$n" -le 5000 ]; then echo 0.4; else echo 0.2; fi
}
fmt() { # 10000 -> 10,000; 1x1000 -> "1 pair, 1,000"; 4x40 -> "4 pairs, 40"
  case $1 in
    1x*) printf '1 pair, '; fmt "${1#*x}"; return ;;
    *x*) printf '%s pairs, ' "${1%x*}"; fmt "${1#*x}"; return ;;
  esac
  local n=$1 s=""
  while [ "${#n}" -gt 3 ]; do
    s=",${n: -3}$s"
    n=${n:0:${#n}-3}
  done
  printf '%s%s' "$n" "$s"
}
mib() { awk -v k="${1:-0}" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }

echo "# Benchmark results: backup-tool, btrbk and the raw btrfs pipe"
echo
echo "Run ${meta[date]:-?} by \`${meta[command]:-./build.sh bench}\`, commit ${meta[commit]:-?}, jar sha256 ${meta[jar]:-?}... built ${meta[jar_built]:-?}"
echo "(the tree's jar at the end: ${meta[jar_end]:-?}; rebuilds during the run: ${meta[rebuilds]:-?}; ${meta[tree]:-?});"
echo "measured: ${meta[tool]:-?}. The whole run took ${meta[seconds]:-?} s."
echo "Machine: ${meta[nproc]:-?} cores, ${meta[memory]:-?}, kernel ${meta[kernel]:-?}, ${meta[java]:-?},"
echo "${meta[btrfs]:-?}, ${meta[btrbk]:-?}. Load average at start ${meta[load_start]:-?}, at end ${meta[load_end]:-?}."
echo "Repetitions: ${meta[reps]:-?}. 1-minute load average before each sample: $load_range (2 cores)."
echo "Times are wall clock; a time cell is the median (min-max, repetitions, spread = (max-min)/median)."
echo "Ratios are backup-tool / other: of the two medians, and the median (min-max) of the ratios of the"
echo "runs made next to each other in one repetition (paired: robust to load that drifts during the"
echo "run); the verdict uses the paired median. CPU: median user + system time of the whole process tree."
echo
echo "| what | backup-tool | btrbk / raw pipe | ratio of medians | paired ratio | CPU, ratio | target | verdict |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for n in $sizes; do
  t=$(target_for "$n")
  row "dry run, $(fmt "$n") snapshots: \`--backup --all --dry-run\` vs \`btrbk dryrun\`" "dry-backup/ours/$n" "dryrun/btrbk/$n" "$t"
  row "dry run, $(fmt "$n") snapshots: \`--purge --all --dry-run\` vs \`btrbk dryrun\`" "dry-purge/ours/$n" "dryrun/btrbk/$n" "$t"
  row "dry run, $(fmt "$n") snapshots: \`--purge --all --dry-run\` vs \`btrbk -n prune\` (reference)" "dry-purge/ours/$n" "dry-prune/btrbk/$n" -
done
for l in $purge_sizes; do
  row "real purge on the $(fmt "$l") fixture (${dels[purge/ours/$l]:-?} vs ${dels[purge/btrbk/$l]:-?} snapshots deleted): \`--purge --all\` vs \`btrbk prune\`" "purge/ours/$l" "purge/btrbk/$l" 0.1
done
row "full transfer, ${meta[xfer_mib]:-?} MiB: \`--backup --all\` vs \`btrfs send \\| btrfs receive\`" xfer-full/ours xfer-full/raw 1.03
row "incremental transfer, ${meta[xfer_mib]:-?} MiB: \`--backup --all\` vs \`btrfs send -p \\| btrfs receive\`" xfer-incr/ours xfer-incr/raw 1.03
for k in default aes128-gcm; do
  row "remote full transfer, ${meta[xfer_mib]:-?} MiB over ssh, cipher $k: \`--backup --all\` vs \`btrfs send \\| ssh HOST btrfs receive\`" "rxfer-full-$k/ours" "rxfer-full-$k/raw" 1.05
  row "remote incremental transfer, ${meta[xfer_mib]:-?} MiB over ssh, cipher $k: \`--backup --all\` vs \`btrfs send -p \\| ssh HOST btrfs receive\`" "rxfer-incr-$k/ours" "rxfer-incr-$k/raw" 1.05
done
row "process start: \`--help\` vs \`btrbk --help\`" start-help/ours start-help/btrbk -
row "process start: \`--version\` vs \`btrbk --version\`" start-version/ours start-version/btrbk 1.0
row "process start: \`--version\` vs a bare \`java -version\` (the JVM's floor)" start-version/ours start/java-version -

# paired_diff A B FACTOR LIMIT: the median over the repetitions of A - FACTOR x B (the samples of
# one repetition), its range and count, and whether it is at most LIMIT seconds; nothing if no
# repetition has both.
paired_diff() {
  awk -F'\t' -v a="$1" -v b="$2" -v f="$3" -v limit="$4" '
    $6 != "" && $1 == a { x[$6] = $2 }
    $6 != "" && $1 == b { y[$6] = $2 }
    END {
      n = 0
      for (r in x) if (r in y) q[++n] = x[r] - f * y[r]
      if (n == 0) exit
      for (i = 2; i <= n; i++) { v = q[i]; for (j = i - 1; j >= 1 && q[j] > v; j--) q[j + 1] = q[j]; q[j + 1] = v }
      m = n % 2 ? q[(n + 1) / 2] : (q[n / 2] + q[n / 2 + 1]) / 2
      printf "%+.3f s (%+.3f to %+.3f, n=%d): %s", m, q[1], q[n], n, (m <= limit ? "met" : "**missed**")
    }' "$dir/samples.tsv"
}

# Transfers (issue 12): at most 0.15 s over the raw pipe: the median of the paired differences,
# with 1 GiB and with 1 MiB (where the difference is the fixed cost alone).
for k in full incr; do
  d=$(paired_diff "xfer-$k/ours" "xfer-$k/raw" 1 0.15)
  [ -z "$d" ] || printf '\nTransfer (%s): backup-tool minus the raw pipe, paired median, target at most +0.150 s: %s.\n' "$k" "$d"
  d=$(paired_diff "fixed-$k/ours" "fixed-$k/raw" 1 0.15)
  [ -z "$d" ] || printf '\nTransfer of 1 MiB (%s), the fixed cost: backup-tool minus the raw pipe, paired median, target at most +0.150 s: %s.\n' "$k" "$d"
done

# Remote transfers (issue 9): at most 1.05 times the raw pipe plus 0.3 s: the median of the
# paired differences ours - 1.05 x raw; with 1 MiB, ours - raw is the fixed cost alone, which the
# 0.3 s bounds whatever the size.
for k in full-default incr-default full-aes128-gcm incr-aes128-gcm; do
  d=$(paired_diff "rxfer-$k/ours" "rxfer-$k/raw" 1.05 0.3)
  [ -z "$d" ] || printf '\nRemote transfer (%s): backup-tool minus 1.05 x the raw pipe, paired median, target at most +0.300 s: %s.\n' "$k" "$d"
done
for k in full incr; do
  d=$(paired_diff "rfixed-$k/ours" "rfixed-$k/raw" 1 0.3)
  [ -z "$d" ] || printf '\nRemote transfer of 1 MiB (%s, cipher default), the fixed cost: backup-tool minus the raw pipe, paired median, at most +0.300 s: %s.\n' "$k" "$d"
done

echo
echo "## Peak RSS (largest of the repetitions)"
echo
echo "| run | backup-tool | btrbk |"
echo "| --- | --- | --- |"
for n in $sizes; do
  echo "| dry run \`--backup\` / \`btrbk dryrun\`, $(fmt "$n") snapshots | $(mib "${rss[dry-backup/ours/$n]:-}") | $(mib "${rss[dryrun/btrbk/$n]:-}") |"
  echo "| dry run \`--purge\` / \`btrbk -n prune\`, $(fmt "$n") snapshots | $(mib "${rss[dry-purge/ours/$n]:-}") | $(mib "${rss[dry-prune/btrbk/$n]:-}") |"
done
for l in $purge_sizes; do
  echo "| real purge, $(fmt "$l") fixture | $(mib "${rss[purge/ours/$l]:-}") | $(mib "${rss[purge/btrbk/$l]:-}") |"
done
echo "| full / incremental transfer | $(mib "${rss[xfer-full/ours]:-}") / $(mib "${rss[xfer-incr/ours]:-}") | (raw pipe: $(mib "${rss[xfer-full/raw]:-}") / $(mib "${rss[xfer-incr/raw]:-}")) |"
echo "| \`--help\` / \`--version\` | $(mib "${rss[start-help/ours]:-}") / $(mib "${rss[start-version/ours]:-}") | $(mib "${rss[start-help/btrbk]:-}") / $(mib "${rss[start-version/btrbk]:-}") |"
if [ -n "$sizes" ]; then
  big=$(echo "$sizes" | tail -n 1)
  peak=0
  for l in "dry-backup/ours/$big" "dry-purge/ours/$big" "purge/ours/$big"; do
    [ "${rss[$l]:-0}" -gt "$peak" ] && peak=${rss[$l]}
  done
  echo
  echo "Target: peak RSS with $(fmt "$big") snapshots at most 100 MiB: $(mib "$peak"), $(awk -v k="$peak" 'BEGIN { print (k <= 102400 ? "met" : "**missed**") }')."
fi

echo
echo "## btrfs processes per run (counted with tests/bench/wrap/btrfs first on PATH)"
echo
printf '| run |'
for n in $sizes; do printf ' %s snapshots |' "$(fmt "$n")"; done
echo
printf '| --- |'
for n in $sizes; do printf ' --- |'; done
echo
for k in "dry-backup/ours:backup-tool \`--backup --all --dry-run\`" "dry-purge/ours:backup-tool \`--purge --all --dry-run\`" \
  "dryrun/btrbk:\`btrbk dryrun\`" "dry-prune/btrbk:\`btrbk -n prune\`"; do
  printf '| %s |' "${k#*:}"
  for n in $sizes; do printf ' %s (%s) |' "${procs[${k%%:*}/$n]:-?}" "${what[${k%%:*}/$n]:-}"; done
  echo
done
echo
for l in $purge_sizes; do
  echo "- real purge on the $(fmt "$l") fixture: backup-tool ${procs[purge/ours/$l]:-?} (${what[purge/ours/$l]:-}); btrbk ${procs[purge/btrbk/$l]:-?} (${what[purge/btrbk/$l]:-})"
done
echo "- full transfer: backup-tool ${procs[xfer-full/ours]:-?} (${what[xfer-full/ours]:-}); incremental: ${procs[xfer-incr/ours]:-?} (${what[xfer-incr/ours]:-})"
if [ -n "$sizes" ]; then
  # Compared among fixtures with the same number of pairs (each pair's original volume is asked
  # once): PAIRSxSNAPSHOTS.
  same=met
  declare -A first=()
  for k in dry-backup/ours dry-purge/ours; do
    for n in $sizes; do
      p="$k/${n%%x*}"
      [ -n "${first[$p]:-}" ] || first[$p]=${procs[$k/$n]:-x}
      [ "${procs[$k/$n]:-y}" = "${first[$p]}" ] || same="**missed**"
    done
  done
  echo
  echo "Target: btrfs processes per run bounded by pairs, filesystems and operations, not by snapshots: $same."
fi

echo
echo "## Planned and real deletions"
echo
for n in $sizes; do
  echo "- $(fmt "$n") snapshots: the purge plans delete ${dels[plan/ours/$n]:-?} (backup-tool) and ${dels[plan/btrbk/$n]:-?} (btrbk, lines \`---\` of \`-n prune\`)"
done
