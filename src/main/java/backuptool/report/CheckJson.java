package backuptool.report;

import backuptool.model.SnapshotName;
import backuptool.status.Check;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The JSON renderer of --check: the overall state and each pair's, with ages and limits. */
public final class CheckJson {
  private CheckJson() {}

  public static String render(Check.Result result, Path configFile, LocalDateTime now) {
    List<Object> pairs = new ArrayList<>();
    for (Check.PairCheck p : result.pairs()) {
      pairs.add(
          Json.object()
              .put("name", p.pair())
              .put("state", p.state().name())
              .put("reason", p.text())
              .put("backup_age_seconds", p.backupAge().map(Duration::toSeconds))
              .put("snapshot_age_seconds", p.snapshotAge().map(Duration::toSeconds))
              .put("warn_seconds", p.warn().toSeconds())
              .put("critical_seconds", p.critical().toSeconds())
              .put("backups", p.backups())
              .put("snapshots", p.snapshots()));
    }
    return Json.write(
        Json.object()
            .put("version", RunJson.VERSION)
            .put("command", "--check")
            .put("config", configFile.toString())
            .put("time", SnapshotName.of(now, Optional.empty()).text())
            .put("state", result.state().name())
            .put("exit_code", result.state().exitCode())
            .put("line", result.line())
            .put("pairs", pairs));
  }
}
