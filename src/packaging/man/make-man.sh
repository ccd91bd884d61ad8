#!/usr/bin/env bash
# make-man.sh JAR OUT: writes the man page backup-tool(1), in roff, to OUT.
# NAME, SYNOPSIS and OPTIONS come from the tool's own --help, the version from --version; the
# other sections are the hand-written *.roff files next to this script. JAR may also be a class
# path (a test runs it against the freshly compiled classes). $JAVA is the java to run (default:
# java on PATH). The date is $SOURCE_DATE_EPOCH's, else the last commit's, else today's.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 JAR OUT" >&2
  exit 2
fi
jar=$1 out=$2
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
export LC_ALL=C.UTF-8
tool=("${JAVA:-java}" -cp "$jar" backuptool.cli.Main)
help=$("${tool[@]}" --help)
version=$("${tool[@]}" --version)
version=${version##* }
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
  date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)
else
  date=$(git -C "$here" log -1 --format=%cs 2>/dev/null || true)
  date=${date:-$(date -u +%Y-%m-%d)}
fi

# The --help text in roff: the usage as SYNOPSIS, the description as NAME's summary, and each
# option group as a subsection of OPTIONS (argparse4j's ungrouped "named arguments" last, as
# "Other options"). It ends at the first section that lists no options (exit codes,
# configuration), which the hand-written sections cover.
generated() {
  # --config's help says "see below" for the text that ends --help; in the page that is FILES.
  printf '%s\n' "${help//(default: see below)/(default: see FILES)}" | awk '
    # A text for roff: backslashes escaped, each "-" of a word that starts with one (an option,
    # "--dry-run") as \-, the minus sign that can be typed; other hyphens ("read-only") stay.
    function esc(s,    r, i, c, p, opt) {
      gsub(/\\/, "\\e", s)
      r = ""; p = " "; opt = 0
      for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        p = i == 1 ? " " : substr(s, i - 1, 1)
        if (c == "-" && (opt || p !~ /[A-Za-z0-9]/)) { c = "\\-"; opt = 1 }
        else if (c !~ /[A-Za-z0-9_-]/) opt = 0
        r = r c
      }
      return r
    }
    # One word of the usage or an option: options bold, METAVARS italic, the rest roman.
    function word(w,    lead, tail) {
      lead = ""; tail = ""
      while (w ~ /^[([|]/) { lead = lead substr(w, 1, 1); w = substr(w, 2) }
      while (w ~ /[])|]$/) { tail = substr(w, length(w)) tail; w = substr(w, 1, length(w) - 1) }
      if (w ~ /^-/) w = "\\fB" esc(w) "\\fR"
      else if (w ~ /^[A-Z][A-Z_]*(\.\.\.)?$/) { sub(/\.\.\.$/, "\\fR...", w); w = "\\fI" w; if (w !~ /\\fR/) w = w "\\fR" }
      else if (w != "") w = "\\fB" esc(w) "\\fR"
      return lead w tail
    }
    function words(s,    n, a, i, r) {
      n = split(s, a, /[ ]+/); r = ""
      for (i = 1; i <= n; i++) if (a[i] != "") r = r (r == "" ? "" : " ") word(a[i])
      return r
    }
    { line[++n] = $0 }
    END {
      i = 1
      # usage: PROG ARGS..., continued on indented lines until a blank line
      usage = line[i]; sub(/^usage: */, "", usage)
      for (i++; i <= n && line[i] != ""; i++) usage = usage " " line[i]
      gsub(/[ ]+/, " ", usage)
      for (; i <= n && line[i] == ""; i++) ;
      summary = ""
      for (; i <= n && line[i] != ""; i++) summary = summary (summary == "" ? "" : " ") line[i]
      sub(/\.$/, "", summary)
      summary = tolower(substr(summary, 1, 1)) substr(summary, 2)
      # option groups: "name:" then lines "  -o, --option META   help" (help continued below)
      groups = 0
      for (; i <= n; i++) {
        if (line[i] == "") continue
        if (line[i] !~ /^[a-z][a-z ]*:$/ || line[i + 1] !~ /^  -/) break
        g = ++groups; title[g] = substr(line[i], 1, length(line[i]) - 1); body[g] = ""
        for (i++; i <= n && line[i] ~ /^  /; i++) {
          text = line[i]
          if (text ~ /^  -/) {
            spec = text; sub(/^  /, "", spec); help = ""
            if (match(spec, /  +/)) { help = substr(spec, RSTART + RLENGTH); spec = substr(spec, 1, RSTART - 1) }
            m = split(spec, flags, /, /); head = ""
            for (k = 1; k <= m; k++) head = head (k > 1 ? ", " : "") words(flags[k])
            body[g] = body[g] ".TP\n" head "\n" (help == "" ? "" : esc(help) "\n")
          } else {
            sub(/^ +/, "", text)
            body[g] = body[g] esc(text) "\n"
          }
        }
        i--
      }
      prog = usage; sub(/ .*/, "", prog); args = usage; sub(/^[^ ]* /, "", args)
      print ".SH NAME"
      gsub(/-/, "\\-", prog)
      print prog " \\- " esc(summary)
      print ".SH SYNOPSIS"
      print ".ad l"
      print ".nh"
      print ".B " prog
      print words(args)
      print ".ad"
      print ".hy"
      print "@DESCRIPTION@"
      print ".SH OPTIONS"
      for (g = 1; g <= groups; g++) if (title[g] != "named arguments") subsection(title[g], body[g])
      for (g = 1; g <= groups; g++) if (title[g] == "named arguments") subsection("other options", body[g])
    }
    function subsection(t, b) {
      print ".SS " toupper(substr(t, 1, 1)) substr(t, 2)
      printf "%s", b
    }
  '
}

page=$(generated)
[[ $page == *".SH OPTIONS"*".TP"* ]] || {
  echo "$0: found no options in the --help output of $jar" >&2
  exit 1
}
{
  printf '.\\" Generated by src/packaging/man/make-man.sh from backup-tool --help and the\n'
  printf '.\\" hand-written src/packaging/man/*.roff; edit those, not this file.\n'
  printf '.TH BACKUP\\-TOOL 1 %s "backup-tool %s" "User Commands"\n' "$date" "$version"
  printf '%s\n' "${page%%@DESCRIPTION@*}" | sed '$d'
  cat "$here/description.roff"
  printf '%s\n' "${page#*@DESCRIPTION@}" | sed '1d'
  for section in exit-status files examples see-also; do
    cat "$here/$section.roff"
  done
} >"$out.tmp"
mv -f "$out.tmp" "$out"
