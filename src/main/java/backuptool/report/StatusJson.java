package backuptool.report;

import backuptool.model.Snapshot;
import backuptool.model.SnapshotName;
import backuptool.scan.Ignored;
import backuptool.status.PairStatus;
import backuptool.status.Side;
import backuptool.status.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The JSON renderer of --status: everything the text shows and -v adds, for every pair. */
public final class StatusJson {
  private StatusJson() {}

  public static String render(Status status, Path configFile) {
    List<Object> pairs = new ArrayList<>();
    for (PairStatus p : status.pairs()) {
      pairs.add(
          Json.object()
              .put("name", p.pair().name())
              .put("original_volume", p.pair().volumeLocation())
              .put("source", side(p.source(), status))
              .put("target", side(p.target(), status))
              .put("common_parent", p.commonParent().map(Snapshot::toString))
              .put("common_parent_note", p.parentNote())
              .put("unsent", p.unsent().stream().map(Snapshot::toString).toList())
              .put("stale_after_hours", p.pair().staleAfter().toHours())
              .put(
                  "health",
                  Json.object()
                      .put("verdict", p.health().verdict().word())
                      .put("reason", p.health().reason())));
    }
    return Json.write(
        Json.object()
            .put("version", RunJson.VERSION)
            .put("command", "--status")
            .put("config", configFile.toString())
            .put("time", SnapshotName.of(status.now(), Optional.empty()).text())
            .put("pairs", pairs));
  }

  private static Json.Obj side(Side side, Status status) {
    List<Object> entries = new ArrayList<>();
    for (Snapshot s : side.snapshots()) {
      entries.add(
          Json.object()
              .put("name", s.toString())
              .put("age_seconds", Status.age(s, status.now()).toSeconds())
              .put("uuid", s.subvolume().uuid())
              .put("received_uuid", s.subvolume().receivedUuid()));
    }
    List<Object> incomplete = new ArrayList<>();
    for (Ignored i : side.incomplete()) {
      incomplete.add(
          Json.object()
              .put("name", i.name())
              .put("reason", i.why())
              .put("removed_by_next_backup", i.kind() == Ignored.Kind.LEFT_BY_INTERRUPTED_RUN));
    }
    return Json.object()
        .put("dir", side.dir())
        .put("readable", side.problem().isEmpty())
        .put("problem", side.problem())
        .put("count", side.snapshots().size())
        .put("newest", side.newest().map(Snapshot::toString))
        .put("oldest", side.oldest().map(Snapshot::toString))
        .put(
            "retention",
            Json.object()
                .put("days", side.retention().days())
                .put("count", side.retention().count()))
        .put("entries", entries)
        .put("incomplete", incomplete);
  }
}
