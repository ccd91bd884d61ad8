package backuptool.status;

import backuptool.model.Ages;
import backuptool.model.Snapshot;
import backuptool.model.SnapshotName;
import backuptool.scan.Ignored;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;

/** The text renderer of a status: one block per pair, its health last; -v lists every entry. */
public final class StatusRenderer {
  private static final int WORD_WIDTH = 7;

  private StatusRenderer() {}

  public static String render(Status status, Path configFile, boolean verbose) {
    StringBuilder out = new StringBuilder();
    LocalDateTime now = status.now();
    out.append("Status of ")
        .append(count(status.pairs().size(), "pair", "pairs"))
        .append(" from ")
        .append(configFile)
        .append(", at ")
        .append(SnapshotName.of(now, Optional.empty()).text())
        .append(":\n");
    for (PairStatus p : status.pairs()) {
      out.append("pair ")
          .append(p.pair().name())
          .append(": ")
          .append(p.pair().volumeLocation())
          .append(" -> ")
          .append(p.pair().sourceLocation())
          .append(" -> ")
          .append(p.pair().targetLocation())
          .append('\n');
      side(out, "source", p.source(), "snapshot", "snapshots", now, verbose);
      side(out, "target", p.target(), "backup", "backups", now, verbose);
      line(out, "parent", p.parentNote());
      if (!p.unsent().isEmpty()) {
        line(
            out,
            "unsent",
            count(p.unsent().size(), "snapshot", "snapshots")
                + " not sent yet: "
                + names(p.unsent()));
      }
      line(out, "health", p.health().line());
    }
    long ok =
        status.pairs().stream().filter(p -> p.health().verdict() == Health.Verdict.OK).count();
    out.append(ok).append(" of ").append(count(status.pairs().size(), "pair", "pairs"));
    out.append(" ok.\n");
    return out.toString();
  }

  private static void side(
      StringBuilder out,
      String role,
      Side side,
      String one,
      String many,
      LocalDateTime now,
      boolean verbose) {
    if (side.problem().isPresent()) {
      line(out, role, "cannot be read: " + side.problem().get());
      return;
    }
    line(
        out,
        role,
        side.dir() + ": " + count(side.snapshots().size(), one, many) + ", " + side.retention());
    if (side.newest().isPresent()) {
      Snapshot n = side.newest().get();
      StringBuilder ages = new StringBuilder("newest ").append(n).append(" (" + age(n, now) + ")");
      if (side.snapshots().size() > 1) {
        Snapshot o = side.oldest().orElseThrow();
        ages.append(", oldest ").append(o).append(" (").append(age(o, now)).append(')');
      }
      line(out, "", ages.toString());
    }
    for (Ignored i : side.incomplete()) {
      out.append("    incomplete ").append(i.name()).append(": ").append(i.why()).append('\n');
    }
    if (verbose) {
      for (Snapshot s : side.snapshots()) {
        out.append("    ")
            .append(s)
            .append("  ")
            .append(age(s, now))
            .append("  uuid ")
            .append(s.subvolume().uuid())
            .append("  received uuid ")
            .append(s.subvolume().receivedUuid().orElse("-"))
            .append('\n');
      }
    }
  }

  private static String age(Snapshot s, LocalDateTime now) {
    return Ages.describe(s.name().time(), now);
  }

  private static String names(List<Snapshot> snapshots) {
    return String.join(", ", snapshots.stream().map(Snapshot::toString).toList());
  }

  private static void line(StringBuilder out, String word, String text) {
    out.append("  ")
        .append(word)
        .append(" ".repeat(Math.max(1, WORD_WIDTH + 1 - word.length())))
        .append(text)
        .append('\n');
  }

  static String count(int n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }
}
