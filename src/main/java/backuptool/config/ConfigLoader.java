package backuptool.config;

import backuptool.model.Host;
import backuptool.model.Pair;
import backuptool.model.Retention;
import backuptool.remote.SshHost;
import backuptool.remote.SshLocation;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;
import org.tomlj.TomlVersion;

/** Loads and validates a configuration file; the only class that sees tomlj. */
public final class ConfigLoader {
  /** In [global] and per pair: when --status calls a pair stale. */
  private static final String STALE_AFTER_HOURS = "stale_after_hours";

  /** The file's own [ssh] table, and each pair's: how to reach other machines. */
  private static final String SSH = "ssh";

  private static final Set<String> TOP_KEYS = Set.of("global", "backup_pairs", SSH);
  private static final Set<String> GLOBAL_KEYS =
      Set.of(
          "default_verbose", "dry_run", "lock_dir", "metrics_file", "state_dir", STALE_AFTER_HOURS);
  private static final List<String> PAIR_KEYS =
      List.of(
          "name",
          "original_volume",
          "source",
          "target",
          "retention_days",
          "retention_count",
          "target_retention_days",
          "target_retention_count");

  /** Optional pair keys: a pair without them gets their default. */
  private static final Set<String> OPTIONAL_PAIR_KEYS =
      Set.of("snapshot_before_upgrade", STALE_AFTER_HOURS, SSH);

  /** A year: a larger staleness limit is a typo. */
  private static final int MAX_STALE_HOURS = 24 * 366;

  private static final int MAX_DAYS = 100_000;
  private static final int MAX_COUNT = 1_000_000;

  private final Path file;
  private final List<Located> errors = new ArrayList<>();

  private ConfigLoader(Path file) {
    this.file = file;
  }

  /**
   * Readies tomlj: its first parse spends 30-45 ms (Java 17) building ANTLR's tables, whatever the
   * file, which start-up does on another thread alongside its other work ({@code cli.StartAhead}).
   * Changes nothing.
   */
  public static void readyParser() {
    Toml.parse("[global]\nk = \"v\"\n\n[[backup_pairs]]\nn = 1\nb = true\n", TomlVersion.V1_0_0);
  }

  /** The configuration in {@code file}, or every reason why it cannot be used. */
  public static Config load(Path file) throws ConfigException {
    return new ConfigLoader(file).load();
  }

  private Config load() throws ConfigException {
    String text = read();
    TomlParseResult toml = Toml.parse(text, TomlVersion.V1_0_0);
    toml.errors().forEach(e -> error(e.position(), e.getMessage()));
    if (!errors.isEmpty()) {
      throw failure(); // a broken file's values cannot be trusted
    }
    checkKnown(toml, TOP_KEYS, "");
    boolean verbose = false;
    boolean dryRun = false;
    Duration staleAfter = Pair.DEFAULT_STALE_AFTER;
    Optional<Path> lockDir = Optional.empty();
    Optional<Path> metricsFile = Optional.empty();
    Optional<Path> stateDir = Optional.empty();
    if (toml.contains(TomlKeys.path("global"))) {
      if (toml.get(TomlKeys.path("global")) instanceof TomlTable global) {
        checkKnown(global, GLOBAL_KEYS, "global.");
        verbose = bool(toml, "global.default_verbose");
        dryRun = bool(toml, "global.dry_run");
        lockDir = absolutePath(toml, "global.lock_dir");
        metricsFile = absolutePath(toml, "global.metrics_file");
        stateDir = absolutePath(toml, "global.state_dir");
        if (metricsFile.isPresent() && !promFile(metricsFile.get())) {
          // Also a guard: the tool replaces this file, so a typo must not name /etc/fstab.
          error(
              toml.inputPositionOf(TomlKeys.path("global.metrics_file")),
              "'global.metrics_file' must name a file ending in .prom (the node-exporter textfile"
                  + " collector reads only those), not "
                  + metricsFile.get());
          metricsFile = Optional.empty();
        }
        Object stale = toml.get(TomlKeys.path("global." + STALE_AFTER_HOURS));
        if (stale != null) {
          staleAfter =
              staleHours(stale, toml.inputPositionOf(TomlKeys.path("global." + STALE_AFTER_HOURS)))
                  .orElse(staleAfter);
        }
      } else {
        error(
            toml.inputPositionOf(TomlKeys.path("global")),
            "'global' must be a table: write [global]");
      }
    }
    SshTable.Settings ssh = sshTable(toml, SSH, SshTable.Settings.NONE);
    List<Pair> pairs = pairs(toml, staleAfter, ssh);
    if (!errors.isEmpty()) {
      throw failure();
    }
    return new Config(file, verbose, dryRun, lockDir, metricsFile, stateDir, pairs);
  }

  private static boolean promFile(Path file) {
    Path name = file.getFileName();
    return name != null && name.toString().endsWith(".prom") && !name.toString().equals(".prom");
  }

  private String read() throws ConfigException {
    try {
      byte[] bytes = Files.readAllBytes(file);
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (NoSuchFileException e) {
      throw fileError("does not exist");
    } catch (AccessDeniedException e) {
      throw fileError("cannot be read: permission denied");
    } catch (CharacterCodingException e) {
      throw fileError("is not valid UTF-8 text");
    } catch (IOException e) {
      String why =
          Files.isDirectory(file) ? "is a directory, not a file" : String.valueOf(e.getMessage());
      throw fileError("cannot be read: " + why);
    }
  }

  private ConfigException fileError(String what) {
    return new ConfigException(List.of(file + ": the configuration file " + what));
  }

  /** Hours as a duration, or empty after reporting why {@code value} is not a valid number. */
  private Optional<Duration> staleHours(Object value, TomlPosition at) {
    if (value instanceof Long n && n >= 1 && n <= MAX_STALE_HOURS) {
      return Optional.of(Duration.ofHours(n));
    }
    error(
        at,
        "'"
            + STALE_AFTER_HOURS
            + "' must be a whole number of hours from 1 to "
            + MAX_STALE_HOURS
            + ", not "
            + (value instanceof Long ? value : TomlTypes.describe(value)));
    return Optional.empty();
  }

  /**
   * The ssh settings of {@code table}'s key {@code key} (a table) over {@code below}; {@code below}
   * alone when there is none.
   */
  private SshTable.Settings sshTable(TomlTable table, String key, SshTable.Settings below) {
    if (!table.contains(TomlKeys.path(key))) {
      return below;
    }
    if (!(table.get(TomlKeys.path(key)) instanceof TomlTable ssh)) {
      error(
          table.inputPositionOf(TomlKeys.path(key)),
          "'"
              + key
              + "' must be a table of ssh settings: write [ssh], or [backup_pairs.ssh] after a"
              + " pair's [[backup_pairs]]");
      return below;
    }
    String name = table instanceof TomlParseResult ? SSH : "backup_pairs." + SSH;
    checkKnown(ssh, SshTable.KEYS, name + ".");
    return SshTable.read(ssh, name, this).over(below);
  }

  private List<Pair> pairs(TomlParseResult toml, Duration staleAfter, SshTable.Settings ssh) {
    List<Pair> pairs = new ArrayList<>();
    if (!toml.contains(TomlKeys.path("backup_pairs"))) {
      error(
          null,
          "no backup pairs: add at least one [[backup_pairs]] table (see the shipped backup_config.toml)");
      return pairs;
    }
    if (!(toml.get(TomlKeys.path("backup_pairs")) instanceof TomlArray array)
        || !allTables(array)) {
      error(
          toml.inputPositionOf(TomlKeys.path("backup_pairs")),
          "'backup_pairs' must be tables: write [[backup_pairs]]");
      return pairs;
    }
    Map<String, TomlPosition> names = new HashMap<>();
    Map<Directory, String> dirs = new HashMap<>();
    for (int i = 0; i < array.size(); i++) {
      TomlTable table = array.getTable(i);
      TomlPosition where = array.inputPositionOf(i);
      PairReader reader = new PairReader(table, where, this, staleAfter, sshTable(table, SSH, ssh));
      Set<String> known = new java.util.HashSet<>(PAIR_KEYS);
      known.addAll(OPTIONAL_PAIR_KEYS);
      checkKnown(table, known, "");
      Pair pair = reader.read();
      if (pair == null) {
        continue;
      }
      TomlPosition first =
          names.putIfAbsent(pair.name(), table.inputPositionOf(TomlKeys.path("name")));
      if (first != null) {
        error(
            table.inputPositionOf(TomlKeys.path("name")),
            "duplicate pair name '" + pair.name() + "' (first used at line " + first.line() + ")");
      }
      claim(dirs, pair.sourceHost(), pair.source(), pair, "source", table);
      claim(dirs, pair.targetHost(), pair.target(), pair, "target", table);
      pairs.add(pair);
    }
    return pairs;
  }

  /**
   * A directory on a machine: the same path on two machines is two directories. Its equality is
   * written out because the record's generated one is linked through invokedynamic at first use,
   * which cost every run about 10 ms cold (this is the only record a run hashes before scanning).
   */
  private record Directory(String machine, Path path) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Directory d && machine.equals(d.machine) && path.equals(d.path);
    }

    @Override
    public int hashCode() {
      return 31 * machine.hashCode() + path.hashCode();
    }
  }

  /**
   * Two pairs sharing a snapshot or backup directory would purge each other's snapshots; two
   * machines pushing to one server must use directories of their own there.
   */
  private void claim(
      Map<Directory, String> dirs, Host host, Path path, Pair pair, String key, TomlTable table) {
    String dir = host.show(path);
    String owner =
        dirs.putIfAbsent(
            new Directory(host.machine(), path), "'" + key + "' of pair '" + pair.name() + "'");
    if (owner != null && !owner.endsWith("pair '" + pair.name() + "'")) {
      error(
          table.inputPositionOf(TomlKeys.path(key)),
          key
              + " "
              + dir
              + " is already the "
              + owner
              + "; each pair needs directories of its own");
    }
  }

  private static boolean allTables(TomlArray array) {
    for (int i = 0; i < array.size(); i++) {
      if (!(array.get(i) instanceof TomlTable)) {
        return false;
      }
    }
    return true;
  }

  private void checkKnown(TomlTable table, Set<String> known, String prefix) {
    for (String key : table.keySet()) {
      if (!known.contains(key)) {
        String hint =
            Spelling.closest(key, known).map(k -> " (did you mean '" + k + "'?)").orElse("");
        error(table.inputPositionOf(List.of(key)), "unknown key '" + prefix + key + "'" + hint);
      }
    }
  }

  private boolean bool(TomlTable table, String dotted) {
    if (!table.contains(TomlKeys.path(dotted))) {
      return false;
    }
    if (table.get(TomlKeys.path(dotted)) instanceof Boolean b) {
      return b;
    }
    error(
        table.inputPositionOf(TomlKeys.path(dotted)),
        "'"
            + dotted
            + "' must be true or false, not "
            + TomlTypes.describe(table.get(TomlKeys.path(dotted))));
    return false;
  }

  private Optional<Path> absolutePath(TomlTable table, String dotted) {
    Object value = table.get(TomlKeys.path(dotted));
    if (value == null) {
      return Optional.empty();
    }
    try {
      if (value instanceof String s) {
        return Optional.of(absolute(dotted, s));
      }
      throw new IllegalArgumentException(
          "'"
              + dotted
              + "' must be an absolute path (starting with /), not "
              + TomlTypes.describe(value));
    } catch (IllegalArgumentException e) {
      error(table.inputPositionOf(TomlKeys.path(dotted)), e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The absolute, normalised path that {@code text} names. Control characters are refused: btrfs
   * lists subvolumes one per line, and a newline in a path would make its directory unreadable for
   * every later run.
   */
  static Path absolute(String key, String text) {
    if (!text.startsWith("/")) {
      throw new IllegalArgumentException(
          "'"
              + key
              + "' must be an absolute path (starting with /), not \""
              + text
              + "\""
              + (text.matches("[^/]+:.*")
                  ? " (a directory on another machine is written ssh://[user@]host[:port]/path)"
                  : ""));
    }
    if (text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException(
          "'" + key + "' must not contain control characters such as newlines or tabs");
    }
    try {
      return Path.of(text).normalize();
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(
          "'"
              + key
              + "' cannot be used as a path here: "
              + e.getReason()
              + " (is the locale UTF-8?)");
    }
  }

  void error(TomlPosition at, String message) {
    String where = at == null ? file.toString() : file + ":" + at.line() + ":" + at.column();
    errors.add(
        new Located(
            at == null ? 0 : at.line(), at == null ? 0 : at.column(), where + ": " + message));
  }

  /** An error and where it is, so that all errors can be listed in file order. */
  private record Located(int line, int column, String text) {}

  private ConfigException failure() {
    return new ConfigException(
        errors.stream()
            .sorted(
                java.util.Comparator.comparingInt(Located::line).thenComparingInt(Located::column))
            .map(Located::text)
            .toList());
  }

  /** Reads one pair table, reporting each problem; returns null if any was found. */
  private static final class PairReader {
    private final TomlTable table;
    private final TomlPosition where;
    private final ConfigLoader loader;
    private final Duration defaultStaleAfter;
    private final SshTable.Settings ssh;
    private boolean ok = true;

    PairReader(
        TomlTable table,
        TomlPosition where,
        ConfigLoader loader,
        Duration staleAfter,
        SshTable.Settings ssh) {
      this.table = table;
      this.where = where;
      this.loader = loader;
      this.defaultStaleAfter = staleAfter;
      this.ssh = ssh;
    }

    /** A side's path on its machine; {@code remote} when it is an ssh:// location. */
    private record Where(Path path, Optional<SshLocation> remote) {
      /** The user, host and port, without the path: where a command would run. */
      Optional<String> machine() {
        return remote.map(l -> new SshLocation(l.user(), l.host(), l.port(), "").toString());
      }
    }

    Pair read() {
      for (String key : PAIR_KEYS) {
        if (!table.contains(TomlKeys.path(key))) {
          fail(where, "backup pair is missing the key '" + key + "'");
        }
      }
      String name = string("name");
      if ((name != null && !name.matches("[A-Za-z0-9._-]{1,64}"))
          || ".".equals(name)
          || "..".equals(name)) {
        fail(
            table.inputPositionOf(TomlKeys.path("name")),
            "pair name '"
                + name
                + "' may only use letters, digits, '.', '_' and '-' (1 to 64 of them, not '.' or '..')");
      }
      Where volumeWhere = where("original_volume");
      Where sourceWhere = where("source");
      Where targetWhere = where("target");
      Host sourceHost = Host.LOCAL;
      Host targetHost = Host.LOCAL;
      if (volumeWhere != null && sourceWhere != null && targetWhere != null) {
        sourceHost = host(sourceWhere);
        targetHost = host(targetWhere);
        checkHosts(volumeWhere, sourceWhere, targetWhere);
      }
      Path volume = volumeWhere == null ? null : volumeWhere.path();
      Path source = sourceWhere == null ? null : sourceWhere.path();
      Path target = targetWhere == null ? null : targetWhere.path();
      Retention sourceKeep = retention("retention_days", "retention_count");
      Retention targetKeep = retention("target_retention_days", "target_retention_count");
      boolean beforeUpgrade = bool("snapshot_before_upgrade");
      Duration staleAfter = defaultStaleAfter;
      if (table.contains(TomlKeys.path(STALE_AFTER_HOURS))) {
        Optional<Duration> own =
            loader.staleHours(
                table.get(TomlKeys.path(STALE_AFTER_HOURS)),
                table.inputPositionOf(TomlKeys.path(STALE_AFTER_HOURS)));
        ok &= own.isPresent();
        staleAfter = own.orElse(staleAfter);
      }
      if (source != null
          && source.equals(target)
          && sourceHost.machine().equals(targetHost.machine())) {
        fail(
            table.inputPositionOf(TomlKeys.path("target")),
            "target must not be the same directory as source ("
                + sourceHost.show(source)
                + "): backups belong on another filesystem");
      }
      if (!ok) {
        return null;
      }
      return new Pair(
          name,
          volume,
          source,
          target,
          sourceKeep,
          targetKeep,
          beforeUpgrade,
          staleAfter,
          sourceHost,
          targetHost);
    }

    private Host host(Where where) {
      if (where.remote().isEmpty()) {
        return Host.LOCAL;
      }
      return SshHost.of(
          where.remote().get(),
          ssh.options(),
          ssh.stallTimeout().orElse(SshHost.DEFAULT_STALL_TIMEOUT));
    }

    /**
     * Snapshots are taken where the volume is; one side at most is another machine (the tool does
     * not relay a backup between two others); a pair's own ssh settings need an ssh:// side.
     */
    private void checkHosts(Where volume, Where source, Where target) {
      if (!volume.machine().equals(source.machine())) {
        fail(
            table.inputPositionOf(TomlKeys.path("source")),
            "original_volume and source must be on the same machine (a snapshot is taken where its"
                + " volume is), but original_volume is "
                + onMachine(volume)
                + " and source "
                + onMachine(source)
                + ": write both as paths, or both as ssh:// URLs of the same user, host and port");
      } else if (source.remote().isPresent() && target.remote().isPresent()) {
        fail(
            table.inputPositionOf(TomlKeys.path("target")),
            "source and target are both on other machines ("
                + source.machine().get()
                + ", "
                + target.machine().get()
                + "): backup-tool does not relay a backup between two other machines; run it on"
                + " one of them, with the other side as its ssh:// side");
      }
      if (table.contains(TomlKeys.path(SSH))
          && source.remote().isEmpty()
          && target.remote().isEmpty()
          && volume.remote().isEmpty()) {
        fail(
            table.inputPositionOf(TomlKeys.path(SSH)),
            "the pair's ssh settings would not be used: none of its sides is an ssh:// URL");
      }
    }

    private static String onMachine(Where where) {
      return where.machine().map(m -> "on " + m).orElse("local");
    }

    /** A path on this machine, or an ssh:// location; null after reporting why it is neither. */
    private Where where(String key) {
      String text = string(key);
      if (text == null) {
        return null;
      }
      if (!SshLocation.isSsh(text)) {
        Path path = path(key, text);
        return path == null ? null : new Where(path, Optional.empty());
      }
      SshLocation.Parsed parsed = SshLocation.parse(text);
      parsed
          .problems()
          .forEach(p -> fail(table.inputPositionOf(TomlKeys.path(key)), "'" + key + "': " + p));
      return parsed.location().map(l -> new Where(Path.of(l.path()), Optional.of(l))).orElse(null);
    }

    private String string(String key) {
      Object value = table.get(TomlKeys.path(key));
      if (value == null) {
        return null;
      }
      if (value instanceof String s) {
        return s;
      }
      fail(
          table.inputPositionOf(TomlKeys.path(key)),
          "'" + key + "' must be a string, not " + TomlTypes.describe(value));
      return null;
    }

    /** An optional true/false key: false when absent. */
    private boolean bool(String key) {
      Object value = table.get(TomlKeys.path(key));
      if (value == null) {
        return false;
      }
      if (value instanceof Boolean b) {
        return b;
      }
      fail(
          table.inputPositionOf(TomlKeys.path(key)),
          "'" + key + "' must be true or false, not " + TomlTypes.describe(value));
      return false;
    }

    private Path path(String key, String text) {
      try {
        return absolute(key, text);
      } catch (IllegalArgumentException e) {
        fail(table.inputPositionOf(TomlKeys.path(key)), e.getMessage());
        return null;
      }
    }

    private Retention retention(String daysKey, String countKey) {
      Integer days = integer(daysKey, 0, MAX_DAYS);
      Integer count = integer(countKey, 1, MAX_COUNT);
      return days == null || count == null ? null : new Retention(days, count);
    }

    private Integer integer(String key, int min, int max) {
      Object value = table.get(TomlKeys.path(key));
      if (value == null) {
        return null;
      }
      if (!(value instanceof Long n)) {
        fail(
            table.inputPositionOf(TomlKeys.path(key)),
            "'" + key + "' must be a whole number, not " + TomlTypes.describe(value));
        return null;
      }
      if (n < min || n > max) {
        fail(
            table.inputPositionOf(TomlKeys.path(key)),
            "'" + key + "' must be between " + min + " and " + max + ", not " + n);
        return null;
      }
      return n.intValue();
    }

    private void fail(TomlPosition at, String message) {
      ok = false;
      loader.error(at, message);
    }
  }
}
