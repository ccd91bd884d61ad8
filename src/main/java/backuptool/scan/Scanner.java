package backuptool.scan;

import backuptool.btrfs.Btrfs;
import backuptool.btrfs.BtrfsException;
import backuptool.btrfs.Listing;
import backuptool.btrfs.PathInfo;
import backuptool.hosts.Hosts;
import backuptool.journal.ReceiveJournal;
import backuptool.model.Host;
import backuptool.model.Pair;
import backuptool.model.Snapshot;
import backuptool.model.SnapshotName;
import backuptool.model.Subvolume;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns what btrfs and the receive journal report into scans; asks, never changes. Each side is
 * asked on its own host: the source side (original volume and snapshots) through the source host's
 * port, the target side through the target host's port and journal.
 */
public final class Scanner {
  private final Hosts hosts;
  private final Map<String, String> busy;

  /**
   * {@code busy} names, by pair, the other run that holds the pair's lock now (only a dry run,
   * which takes no lock, can see one): its receive in progress is not a leftover.
   */
  public Scanner(Hosts hosts, Map<String, String> busy) {
    this.hosts = hosts;
    this.busy = Map.copyOf(busy);
  }

  /** A scanner of pairs on this machine alone. */
  public Scanner(Btrfs btrfs, ReceiveJournal journal, Map<String, String> busy) {
    this(Hosts.local(btrfs, journal), busy);
  }

  /**
   * {@link #forSnapshot} of each of {@code pairs}, in order; other machines start reading their
   * source sides at once.
   */
  public List<SnapshotScan> forSnapshot(List<Pair> pairs, SnapshotName name) {
    hosts.readAhead(pairs, false);
    try {
      return pairs.stream().map(p -> forSnapshot(p, name)).toList();
    } finally {
      hosts.endReadAhead();
    }
  }

  /** {@link #scan} of each of {@code pairs}, in order; other machines start reading at once. */
  public List<PairScan> scan(List<Pair> pairs) {
    hosts.readAhead(pairs, true);
    try {
      return pairs.stream().map(this::scan).toList();
    } finally {
      hosts.endReadAhead(); // nothing read ahead runs alongside the operations that follow
    }
  }

  public SnapshotScan forSnapshot(Pair pair, SnapshotName name) {
    Btrfs btrfs = hosts.btrfs(pair.sourceHost());
    try {
      PathInfo source = btrfs.inspect(pair.source());
      Path destination = pair.source().resolve(name.text());
      return new SnapshotScan(
          pair,
          btrfs.inspect(pair.originalVolume()),
          source,
          source.isDirectory()
              ? btrfs.inspect(destination)
              : new PathInfo(destination, PathInfo.Kind.MISSING, "", ""),
          Optional.empty());
    } catch (BtrfsException e) {
      return new SnapshotScan(pair, null, null, null, Optional.of(e.getMessage()));
    }
  }

  public PairScan scan(Pair pair) {
    // Each side is inspected on its own, so that a failure is reported once, by the side it hit.
    PathInfo source;
    try {
      source = hosts.btrfs(pair.sourceHost()).inspect(pair.source());
    } catch (BtrfsException e) {
      return new PairScan(
          pair, SideScan.failed(pair.source(), e.getMessage()), target(pair, null, Set.of()));
    }
    SideScan sourceSide = source(pair, source);
    Set<String> identities = new HashSet<>();
    sourceSide.snapshots().forEach(s -> identities.add(s.subvolume().identity()));
    return new PairScan(pair, sourceSide, target(pair, source, identities));
  }

  /** The source side: the directory's snapshots, less those that are not the pair's. */
  private SideScan source(Pair pair, PathInfo source) {
    Path dir = source.path();
    Host host = pair.sourceHost();
    Btrfs btrfs = hosts.btrfs(host);
    Optional<String> problem = DirectoryProblems.of(source, false, host);
    if (problem.isPresent()) {
      return SideScan.failed(dir, "snapshot directory " + problem.get());
    }
    SideScan all = side(btrfs, host, dir, Optional.empty(), null);
    if (all.problem().isPresent()) {
      return all;
    }
    List<Snapshot> ours = new ArrayList<>();
    List<Ignored> ignored = new ArrayList<>(all.ignored());
    try {
      Set<String> volumes = volumeUuids(original(btrfs, pair.originalVolume()), all.snapshots());
      for (Snapshot s : all.snapshots()) {
        Optional<String> why = snapshotOfAnother(btrfs, s.subvolume(), dir, volumes, pair);
        if (why.isPresent()) {
          ignored.add(new Ignored(s.name().text(), why.get(), Ignored.Kind.OTHER));
        } else {
          ours.add(s);
        }
      }
    } catch (BtrfsException e) {
      return SideScan.failed(
          dir, "snapshot directory " + host.show(dir) + " cannot be scanned: " + e.getMessage());
    }
    ignored.sort(Comparator.comparing(Ignored::name));
    return new SideScan(dir, Optional.empty(), ours, ignored);
  }

  /**
   * The target side; {@code source} is null when the source could not be inspected. {@code
   * snapshots}: the identities of the pair's snapshots in the source (empty when unknown).
   */
  private SideScan target(Pair pair, PathInfo source, Set<String> snapshots) {
    Host host = pair.targetHost();
    Btrfs btrfs = hosts.btrfs(host);
    PathInfo target;
    try {
      target = btrfs.inspect(pair.target());
    } catch (BtrfsException e) {
      return SideScan.failed(pair.target(), e.getMessage());
    }
    Optional<String> problem;
    try {
      problem =
          btrfs
              .unmountedMountPoint(pair.target())
              .map(
                  m ->
                      pair.targetLocation()
                          + ": nothing is mounted on "
                          + m
                          + ", which /etc/fstab"
                          + (host.isLocal() ? "" : " on " + host)
                          + " lists: the backup disk looks unmounted (mount it and run again)")
              .or(() -> DirectoryProblems.of(target, true, host));
    } catch (BtrfsException e) {
      problem = Optional.of(e.getMessage());
    }
    if (problem.isEmpty()
        && source != null
        && source.onBtrfs()
        && pair.sourceHost().equals(host)
        && target.filesystem().equals(source.filesystem())) {
      // An unplugged disk leaves its empty mount point on the system disk: never back up there.
      problem =
          Optional.of(
              pair.target()
                  + " is on the same filesystem as the snapshots in "
                  + pair.source()
                  + ": the backup disk looks unmounted (mount it, or point target at a directory on the backup disk)");
    }
    if (problem.isPresent()) {
      return SideScan.failed(pair.target(), "backup directory " + problem.get());
    }
    return side(btrfs, host, pair.target(), Optional.ofNullable(busy.get(pair.name())), snapshots);
  }

  /** The original volume's uuid, or empty when it is not a subvolume (missing, say). */
  private static Optional<Subvolume> original(Btrfs btrfs, Path volume) throws BtrfsException {
    return btrfs.inspect(volume).kind() == PathInfo.Kind.SUBVOLUME
        ? Optional.of(btrfs.show(volume))
        : Optional.empty();
  }

  /**
   * The uuids of the volume that the pair's snapshots are taken of: the original volume's, and,
   * when the original volume is a writable snapshot of one of the snapshots (a rollback), the uuid
   * of the volume that snapshot was taken of, which may still exist under another name.
   */
  private static Set<String> volumeUuids(Optional<Subvolume> original, List<Snapshot> snapshots) {
    Set<String> uuids = new HashSet<>();
    original.ifPresent(
        o -> {
          uuids.add(o.uuid());
          snapshots.stream()
              .filter(s -> o.parentUuid().equals(Optional.of(s.subvolume().uuid())))
              .forEach(s -> s.subvolume().parentUuid().ifPresent(uuids::add));
        });
    return uuids;
  }

  /**
   * A source side when {@code sourceSnapshots} is null, else a target side, on {@code host}: {@code
   * receiver} is the other run that may be receiving into {@code dir} now, {@code sourceSnapshots}
   * the identities of the pair's snapshots.
   */
  private SideScan side(
      Btrfs btrfs, Host host, Path dir, Optional<String> receiver, Set<String> sourceSnapshots) {
    boolean target = sourceSnapshots != null;
    ReceiveJournal journal = hosts.journal(host);
    String what = target ? "backup directory " : "snapshot directory ";
    Listing listing;
    Set<String> unfinished;
    List<Snapshot> snapshots = new ArrayList<>();
    List<Ignored> ignored = new ArrayList<>();
    try {
      listing = btrfs.list(dir);
      unfinished = target ? journal.unfinished(dir) : Set.of();
      for (Subvolume sub : listing.subvolumes()) {
        Optional<SnapshotName> name = SnapshotName.parse(sub.name());
        if (target && isIncomplete(sub)) {
          ignored.add(
              incomplete(
                  btrfs, dir.resolve(sub.name()), unfinished.contains(sub.name()), receiver));
          continue;
        }
        if (target && isUnsealed(sub) && unfinished.contains(sub.name())) {
          ignored.add(unsealed(host, dir.resolve(sub.name()), sub, receiver, sourceSnapshots));
          continue;
        }
        Optional<String> why = target ? targetProblem(sub) : sourceProblem(sub);
        if (why.isEmpty() && name.isEmpty()) {
          why = Optional.of("read-only subvolume whose name is not a snapshot name");
        }
        if (why.isEmpty()) {
          snapshots.add(new Snapshot(dir, name.get(), sub));
        } else {
          ignored.add(new Ignored(sub.name(), why.get(), Ignored.Kind.OTHER));
        }
      }
    } catch (BtrfsException e) {
      return SideScan.failed(dir, what + host.show(dir) + " cannot be scanned: " + e.getMessage());
    } catch (IOException e) {
      return SideScan.failed(
          dir, "cannot read the receive journal in " + host.show(dir) + ": " + e.getMessage());
    }
    listing
        .directories()
        .forEach(
            d ->
                ignored.add(
                    new Ignored(d, "plain directory, not a subvolume", Ignored.Kind.OTHER)));
    listing.others().stream()
        .filter(o -> !(target && journal.isOwnFile(o)))
        .forEach(o -> ignored.add(new Ignored(o, "not a directory", Ignored.Kind.OTHER)));
    snapshots.sort(Snapshot.ORDER);
    ignored.sort(Comparator.comparing(Ignored::name));
    return new SideScan(dir, Optional.empty(), snapshots, ignored);
  }

  /**
   * Why a read-only, snapshot-named subvolume of the source directory is not the pair's snapshot,
   * or empty when it is. It is, unless it is a snapshot of another subvolume that exists now: one
   * taken of the original volume (or of the volume it was rolled back from), one that was received
   * (restored from a backup, with its history), one without parent and one whose volume is gone
   * (replaced by a restore, say) all count. Only the last question asks btrfs, at most once per
   * filesystem however many ask it.
   */
  private static Optional<String> snapshotOfAnother(
      Btrfs btrfs, Subvolume sub, Path dir, Set<String> volumes, Pair pair) throws BtrfsException {
    Optional<String> parent = sub.parentUuid();
    if (sub.receivedUuid().isPresent()
        || parent.isEmpty()
        || volumes.contains(parent.get())
        || !btrfs.uuidExists(dir, parent.get())) {
      return Optional.empty();
    }
    return Optional.of(
        "snapshot of another subvolume (uuid "
            + parent.get()
            + "), not of "
            + pair.volumeLocation()
            + ": not this pair's snapshot, never sent or deleted");
  }

  /**
   * An incomplete receive is this tool's to remove only if the journal shows a run of it started
   * the receive, and btrfs shows no receive ever completed into it: a backup that someone made
   * writable by hand looks incomplete too, but btrfs remembers that it was received.
   */
  private static Ignored incomplete(
      Btrfs btrfs, Path path, boolean journaled, Optional<String> receiver) throws BtrfsException {
    String name = path.getFileName().toString();
    if (journaled && receiver.isPresent()) {
      return new Ignored(
          name,
          "being received now by the run that holds this pair's lock ("
              + receiver.get()
              + "): left alone",
          Ignored.Kind.INCOMPLETE);
    }
    if (!journaled) {
      return new Ignored(
          name,
          "incomplete backup (writable, never finished receiving) that this tool has no record of"
              + " starting: left alone, check it and delete it by hand",
          Ignored.Kind.INCOMPLETE);
    }
    if (btrfs.receiveCompleted(path)) {
      return new Ignored(
          name,
          "writable subvolume without received uuid, but btrfs shows a receive completed into it:"
              + " a backup made writable by hand, left alone",
          Ignored.Kind.INCOMPLETE);
    }
    return new Ignored(
        name,
        "incomplete backup, left by an interrupted run (its receive never finished)",
        Ignored.Kind.LEFT_BY_INTERRUPTED_RUN);
  }

  /**
   * A receive that this tool started (the journal says so) and that was killed after btrfs set the
   * received uuid but before it made the subvolume read-only: its data arrived, but it is not a
   * backup. It is removed and its snapshot sent again, but only while that snapshot is still in the
   * source: otherwise it may be the only copy of that data, and it is kept.
   */
  private static Ignored unsealed(
      Host host, Path path, Subvolume sub, Optional<String> receiver, Set<String> sourceSnapshots) {
    if (receiver.isPresent()) {
      return new Ignored(
          sub.name(),
          "being received now by the run that holds this pair's lock ("
              + receiver.get()
              + "): left alone",
          Ignored.Kind.INCOMPLETE);
    }
    String what =
        "incomplete backup, left by an interrupted run: its data arrived, but the run was stopped"
            + " before the backup was made read-only";
    if (sourceSnapshots.contains(sub.receivedUuid().orElseThrow())) {
      return new Ignored(sub.name(), what, Ignored.Kind.LEFT_BY_INTERRUPTED_RUN);
    }
    return new Ignored(
        sub.name(),
        what
            + "; its snapshot is no longer in the source, so it may be the only copy: left alone,"
            + " check it and make it read-only by hand ("
            + (host.isLocal() ? "" : "on " + host + ": ")
            + "btrfs property set -ts "
            + path
            + " ro true)",
        Ignored.Kind.INCOMPLETE);
  }

  private static boolean isUnsealed(Subvolume sub) {
    return !sub.readOnly() && sub.receivedUuid().isPresent();
  }

  private static Optional<String> sourceProblem(Subvolume sub) {
    return sub.readOnly() ? Optional.empty() : Optional.of("writable subvolume, not a snapshot");
  }

  private static Optional<String> targetProblem(Subvolume sub) {
    if (!sub.readOnly()) {
      return Optional.of(
          "writable subvolume that was changed after it was received: not trusted as a backup");
    }
    if (sub.receivedUuid().isEmpty()) {
      return Optional.of("read-only subvolume that was not received: not a backup");
    }
    return Optional.empty();
  }

  private static boolean isIncomplete(Subvolume sub) {
    return !sub.readOnly() && sub.receivedUuid().isEmpty();
  }
}
