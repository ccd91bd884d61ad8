package backuptool.realbtrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import backuptool.journal.FileReceiveJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a fault test has seen exist, and the checks that nothing of it was lost. Every snapshot and
 * every backup the ledger has checked is remembered with its uuid and received uuid; {@link
 * #assertNothingLost} finds each of them again, read-only, where it was. A new backup is compared
 * byte for byte with its snapshot ({@link TreeManifest}) when first seen, and {@link
 * #assertAllEqual} compares every one of them again at the end. (The generation that {@code btrfs
 * subvolume list} shows is no help: a received subvolume's moves on for a while after the receive,
 * with nothing changed in it.)
 */
final class BackupLedger {
  private static final Pattern LINE =
      Pattern.compile(
          "ID (\\d+) gen (\\d+)(?: cgen \\d+)? top level \\d+ parent_uuid (\\S+)\\s+"
              + "received_uuid (\\S+)\\s+uuid (\\S+) path (.*)");
  private static final DateTimeFormatter NAME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

  /** One subvolume as {@code btrfs subvolume list} shows it; {@code path} from the mount point. */
  record Sub(long id, long gen, String parentUuid, String receivedUuid, String uuid, Path path) {
    Optional<String> received() {
      return receivedUuid.equals("-") ? Optional.empty() : Optional.of(receivedUuid);
    }

    String name() {
      return path.getFileName().toString();
    }

    /** Read-only: access(W_OK) fails with EROFS on a read-only subvolume, even for root. */
    boolean readOnly() {
      return !Files.isWritable(path);
    }

    /** What an interrupted receive leaves: writable, no received uuid. */
    boolean incomplete() {
      return !readOnly() && received().isEmpty();
    }
  }

  private final Map<String, Sub> snapshots = new LinkedHashMap<>(); // by uuid
  private final Map<String, Sub> backups = new LinkedHashMap<>(); // by uuid
  private final Map<String, String> manifests = new HashMap<>(); // snapshot uuid -> manifest
  private int compared;

  /** A snapshot name {@code minutes} after a fixed day: distinct, ordered, never the clock's. */
  static String name(int minutes) {
    return LocalDateTime.of(2026, 1, 1, 0, 0).plusMinutes(minutes).format(NAME);
  }

  /** Takes a read-only snapshot of {@code volume} as {@code snaps/name}, as --snapshot would. */
  static Path snapshot(Path volume, Path snaps, String name) throws IOException {
    Path snapshot = snaps.resolve(name);
    Commands.run("btrfs", "subvolume", "snapshot", "-r", volume.toString(), snapshot.toString());
    return snapshot;
  }

  /** Every subvolume of the filesystem mounted (top level) at {@code mount}, by path. */
  static Map<Path, Sub> list(Path mount) throws IOException {
    Map<Path, Sub> subs = new TreeMap<>();
    for (String line :
        Commands.run("btrfs", "subvolume", "list", "-a", "-u", "-q", "-R", mount.toString())
            .lines()
            .toList()) {
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw new IOException("unexpected line of btrfs subvolume list: " + line);
      }
      Path path = mount.resolve(m.group(6).replaceFirst("^<FS_TREE>/", ""));
      subs.put(
          path,
          new Sub(
              Long.parseLong(m.group(1)),
              Long.parseLong(m.group(2)),
              m.group(3),
              m.group(4),
              m.group(5),
              path));
    }
    return subs;
  }

  /** The subvolumes directly in {@code dir} (on the filesystem mounted at {@code mount}). */
  static Map<String, Sub> in(Path mount, Path dir) throws IOException {
    Map<String, Sub> found = new TreeMap<>();
    for (Sub s : list(mount).values()) {
      if (dir.equals(s.path().getParent())) {
        found.put(s.name(), s);
      }
    }
    return found;
  }

  /** The names the receive journal of {@code target} holds. */
  static Set<String> journal(Path target) throws IOException {
    return new FileReceiveJournal().unfinished(target);
  }

  /** The incomplete subvolumes (writable, no received uuid) in {@code target}. */
  static List<String> incomplete(Path mount, Path target) throws IOException {
    return in(mount, target).values().stream().filter(Sub::incomplete).map(Sub::name).toList();
  }

  /**
   * Asserts that {@code target} holds exactly one complete backup of every snapshot in {@code
   * snaps} and nothing else (no incomplete receive, no stray subvolume), and compares every backup
   * not compared before with its snapshot, byte for byte. The journal is the caller's to check.
   */
  void assertComplete(String what, Path sourceMount, Path snaps, Path targetMount, Path target)
      throws IOException {
    Map<String, Sub> snapshotsNow = in(sourceMount, snaps);
    Map<String, Sub> backupsNow = in(targetMount, target);
    Map<String, Sub> byUuid = new HashMap<>();
    for (Sub s : snapshotsNow.values()) {
      assertTrue(s.readOnly(), what + ": snapshot " + s.path() + " is not read-only");
      snapshots.putIfAbsent(s.uuid(), s);
      byUuid.put(s.uuid(), s);
    }
    Map<String, List<String>> backupsOf = new TreeMap<>();
    for (Sub b : backupsNow.values()) {
      if (b.incomplete()) {
        fail(what + ": incomplete subvolume left in the target: " + b.path());
      }
      assertTrue(b.readOnly(), what + ": backup " + b.path() + " is writable");
      String received =
          b.received().orElseThrow(() -> new AssertionError(what + ": not received: " + b.path()));
      Sub snapshot = byUuid.get(received);
      if (snapshot == null) {
        fail(what + ": " + b.path() + " is the backup of no snapshot in " + snaps);
      }
      assertEquals(snapshot.name(), b.name(), what + ": backup named unlike its snapshot");
      backupsOf.computeIfAbsent(snapshot.name(), k -> new ArrayList<>()).add(b.name());
    }
    for (Sub s : snapshotsNow.values()) {
      assertEquals(
          List.of(s.name()),
          backupsOf.getOrDefault(s.name(), List.of()),
          what + ": backups of snapshot " + s.name() + " in " + target);
    }
    for (Sub b : backupsNow.values()) {
      if (!backups.containsKey(b.uuid())) {
        Sub snapshot = byUuid.get(b.receivedUuid());
        String expected = manifests.get(snapshot.uuid());
        if (expected == null) {
          expected = TreeManifest.of(snapshot.path());
          manifests.put(snapshot.uuid(), expected);
        }
        assertEquals(expected, TreeManifest.of(b.path()), what + ": backup " + b.path());
        backups.put(b.uuid(), b);
        compared++;
      }
    }
  }

  /**
   * Asserts that every snapshot and backup seen so far still exists where it was, with the same
   * uuid and received uuid, and read-only: nothing was lost or replaced. {@code mounts} are the
   * filesystems where they are.
   */
  void assertNothingLost(String what, Path... mounts) throws IOException {
    Map<String, Sub> now = new HashMap<>();
    for (Path mount : mounts) {
      for (Sub s : list(mount).values()) {
        now.put(s.uuid(), s);
      }
    }
    List<String> lost = new ArrayList<>();
    for (Map<String, Sub> seen : List.of(snapshots, backups)) {
      for (Sub before : seen.values()) {
        Sub after = now.get(before.uuid());
        if (after == null
            || !after.path().equals(before.path())
            || !after.receivedUuid().equals(before.receivedUuid())
            || !after.readOnly()) {
          lost.add(before + " is now " + after);
        }
      }
    }
    assertEquals(List.of(), lost, what + ": snapshots or backups lost or changed");
  }

  /** Compares every backup seen so far with its snapshot again, byte for byte. */
  void assertAllEqual(String what) throws IOException {
    for (Sub b : backups.values()) {
      assertEquals(
          manifests.get(b.receivedUuid()), TreeManifest.of(b.path()), what + ": " + b.path());
      compared++;
    }
  }

  /** How many comparisons of a backup with its snapshot, byte for byte, were made. */
  int compared() {
    return compared;
  }

  int snapshotsSeen() {
    return snapshots.size();
  }

  int backupsSeen() {
    return backups.size();
  }
}
