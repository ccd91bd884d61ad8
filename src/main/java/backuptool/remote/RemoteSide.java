package backuptool.remote;

import backuptool.btrfs.BtrfsException;
import backuptool.btrfs.Fstab;
import backuptool.btrfs.Listing;
import backuptool.btrfs.Mounts;
import backuptool.btrfs.PathInfo;
import backuptool.btrfs.Programs;
import backuptool.btrfs.SubvolumeListParser;
import backuptool.btrfs.SubvolumeListParser.Listed;
import backuptool.btrfs.SubvolumeShowParser;
import backuptool.model.Subvolume;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the tool asks and does on another machine, through its {@link Connection}: the side
 * operations of the btrfs port, as {@code RealBtrfs} does them locally, with the commands of {@link
 * RemoteCommands} (which the restricted key's filter allows). What btrfs lists is cached as
 * locally: one {@code btrfs subvolume list} per filesystem until something changes; the mount table
 * and fstab are read once per run. For one thread at a time, but {@link #abort} from any.
 */
final class RemoteSide {
  private static final long SUBVOLUME_ROOT_INODE = 256;
  private static final int S_IFMT = 0170000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFLNK = 0120000;

  private final Connection connection;
  private final SshHost host;
  private Mounts mounts;
  private Fstab fstab;
  private final Map<String, Map<String, Listed>> readOnlyByFilesystem = new HashMap<>();
  private final Map<String, Set<String>> uuidsByFilesystem = new HashMap<>();

  /**
   * Paths resolved by {@code realpath} in this run. Each costs a round trip, and a run asks the
   * same directories several times (the checks, the listing, the check of a new backup in it); what
   * the tool changes (subvolumes in those directories) never changes how a directory above them
   * resolves.
   */
  private final Map<Path, Path> realPaths = new HashMap<>();

  /**
   * What {@link #inspect} found, until something changes: the scan and the listing of a directory
   * ask the same path.
   */
  private final Map<Path, PathInfo> inspected = new HashMap<>();

  private volatile boolean aborted;

  RemoteSide(Connection connection) {
    this.connection = connection;
    this.host = connection.host();
  }

  Connection connection() {
    return connection;
  }

  String show(Path path) {
    return host.show(path);
  }

  PathInfo inspect(Path path) throws BtrfsException {
    PathInfo known = inspected.get(path);
    if (known == null) {
      known = stat(path);
      inspected.put(path, known);
    }
    return known;
  }

  /** Starts the stat that {@link #inspect} of {@code path} will need, unless it is known. */
  void inspectAhead(Path path) {
    if (!inspected.containsKey(path)) {
      connection.ask(RemoteCommands.stat(path));
    }
  }

  private PathInfo stat(Path path) throws BtrfsException {
    Programs.Output stat = connection.capture(RemoteCommands.stat(path));
    if (stat.exit() != 0) {
      if (stat.exit() != Connection.SSH_FAILED
          && stat.err().contains("No such file or directory")) {
        return new PathInfo(path, PathInfo.Kind.MISSING, "", "");
      }
      throw new BtrfsException(
          "cannot inspect "
              + show(path)
              + ": "
              + connection.failure(RemoteCommands.stat(path), stat.exit(), stat.err()));
    }
    String[] modeAndInode = stat.out().strip().split(" ", -1);
    int mode;
    long inode;
    try {
      mode = Integer.parseInt(modeAndInode[0], 16);
      inode = Long.parseLong(modeAndInode[1]);
    } catch (RuntimeException e) {
      throw new BtrfsException(
          "cannot inspect " + show(path) + ": unexpected output of stat: " + stat.out(), e);
    }
    boolean symlink = (mode & S_IFMT) == S_IFLNK;
    // A symlink's own filesystem is its directory's; realpath would follow it. Anything else in a
    // directory resolved before resolves as that directory and its name.
    Path parent = path.getParent();
    Path real =
        parent != null && (symlink || realPaths.containsKey(parent))
            ? realPath(parent).resolve(path.getFileName())
            : realPath(path);
    Mounts.Mount mount = mounts().containing(real);
    PathInfo.Kind kind = symlink ? PathInfo.Kind.SYMLINK : PathInfo.Kind.OTHER;
    if ((mode & S_IFMT) == S_IFDIR) {
      kind =
          mount.isBtrfs() && inode == SUBVOLUME_ROOT_INODE
              ? PathInfo.Kind.SUBVOLUME
              : PathInfo.Kind.DIRECTORY;
    }
    return new PathInfo(path, kind, mount.fsType(), mount.source());
  }

  Listing list(Path dir) throws BtrfsException {
    Path real = realPaths.get(dir);
    if (real == null) {
      Programs.Output resolved = connection.capture(RemoteCommands.realpath(dir));
      if (resolved.exit() != 0) {
        if (resolved.exit() != Connection.SSH_FAILED
            && resolved.err().contains("No such file or directory")) {
          throw new BtrfsException(show(dir) + " does not exist");
        }
        throw new BtrfsException(
            "cannot read directory "
                + show(dir)
                + ": "
                + connection.failure(
                    RemoteCommands.realpath(dir), resolved.exit(), resolved.err()));
      }
      real = resolved(dir, resolvedPath(resolved.out(), dir));
    }
    PathInfo info = inspect(real);
    if (!info.isDirectory()) {
      throw new BtrfsException(show(dir) + " is not a directory");
    }
    Mounts.Mount mount = mounts().containing(real);
    if (!mount.isBtrfs()) {
      throw new BtrfsException(show(dir) + " is on a " + mount.fsType() + " filesystem, not btrfs");
    }
    Programs.Output listed = connection.capture(RemoteCommands.listDirectory(dir));
    if (listed.exit() != 0) {
      // As RealBtrfs says it: an unreadable directory is an error, never "empty".
      throw new BtrfsException(
          "cannot read directory "
              + show(dir)
              + ": "
              + (listed.exit() != Connection.SSH_FAILED
                      && listed.err().contains("Permission denied")
                  ? "permission denied"
                  : connection.failure(
                      RemoteCommands.listDirectory(dir), listed.exit(), listed.err())));
    }
    String found = listed.out();
    List<Entry> entries = entries(found, dir);
    List<Subvolume> subvolumes = new ArrayList<>();
    List<String> directories = new ArrayList<>();
    List<String> others = new ArrayList<>();
    String dirInFilesystem = mount.pathInFilesystem(real);
    for (Entry e : entries) {
      Path entry = real.resolve(e.name());
      if (e.type() != 'd') {
        others.add(e.name());
      } else if (e.inode() != SUBVOLUME_ROOT_INODE || mounts().isMountPoint(entry)) {
        // Another mount's root is not this directory's content, whatever its inode.
        directories.add(e.name());
      } else {
        String inFilesystem =
            dirInFilesystem.isEmpty() ? e.name() : dirInFilesystem + "/" + e.name();
        subvolumes.add(subvolume(mount, dir, inFilesystem, dir.resolve(e.name()), e.name()));
      }
    }
    return new Listing(dir, subvolumes, directories, others);
  }

  /** One entry of {@link RemoteCommands#listDirectory}: its type letter, inode and name. */
  private record Entry(char type, long inode, String name) {}

  private List<Entry> entries(String found, Path dir) throws BtrfsException {
    String[] fields = found.split("\0", -1);
    // NUL-terminated triples: the text ends with NUL, so the last field is empty.
    if (fields.length % 3 != 1 || !fields[fields.length - 1].isEmpty()) {
      throw new BtrfsException("cannot read directory " + show(dir) + ": unexpected find output");
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i + 2 < fields.length; i += 3) {
      try {
        entries.add(new Entry(fields[i].charAt(0), Long.parseLong(fields[i + 1]), fields[i + 2]));
      } catch (RuntimeException e) {
        throw new BtrfsException(
            "cannot read directory " + show(dir) + ": unexpected find output", e);
      }
    }
    entries.sort(java.util.Comparator.comparing(Entry::name));
    return entries;
  }

  /**
   * From the filesystem's read-only listing (one {@code btrfs subvolume list -r} per filesystem,
   * confirmed by the full list, both cached until something changes), which holds every snapshot
   * and backup; anything it lacks (writable, created since, or not confirmed) is asked with one
   * {@code btrfs subvolume show}. {@code dir} is where the listing is asked: any path on the
   * filesystem will do, and the filter allows the pair's own directories.
   */
  private Subvolume subvolume(
      Mounts.Mount mount, Path dir, String inFilesystem, Path entry, String name)
      throws BtrfsException {
    Map<String, Listed> readOnly = readOnlyByFilesystem.get(mount.source());
    if (readOnly == null) {
      readOnly =
          SubvolumeListParser.confirmed(
              connection.run(RemoteCommands.listReadOnly(dir)),
              connection.run(RemoteCommands.listAll(dir)));
      readOnlyByFilesystem.put(mount.source(), readOnly);
    }
    Listed l = readOnly.get(inFilesystem);
    if (l != null) {
      return new Subvolume(name, l.uuid(), l.parentUuid(), l.receivedUuid(), true, l.generation());
    }
    return toSubvolume(name, SubvolumeShowParser.parse(connection.run(RemoteCommands.show(entry))));
  }

  Subvolume subvolume(Path subvolume) throws BtrfsException {
    Path name = subvolume.getFileName();
    return toSubvolume(name == null ? "/" : name.toString(), describe(subvolume));
  }

  /** What btrfs knows about the subvolume at {@code path}. */
  SubvolumeShowParser.Shown describe(Path path) throws BtrfsException {
    List<String> show = RemoteCommands.show(path);
    connection.ask(show); // alongside the stat: one round trip instead of two
    try {
      PathInfo info = inspect(path);
      if (info.kind() != PathInfo.Kind.SUBVOLUME) {
        throw new BtrfsException(
            show(path)
                + (info.kind() == PathInfo.Kind.MISSING
                    ? " does not exist"
                    : " is not a subvolume"));
      }
      return SubvolumeShowParser.parse(connection.run(show));
    } finally {
      connection.drop(show); // not taken: not a subvolume, or the stat failed
    }
  }

  boolean uuidExists(Path path, String uuid) throws BtrfsException {
    Mounts.Mount mount = mounts().containing(realPath(path));
    if (!mount.isBtrfs()) {
      throw new BtrfsException(
          show(path) + " is on a " + mount.fsType() + " filesystem, not btrfs");
    }
    Set<String> uuids = uuidsByFilesystem.get(mount.source());
    if (uuids == null) {
      uuids = new HashSet<>();
      // The list leaves out the top level, and snapshots can be taken of it too.
      uuids.add(
          SubvolumeShowParser.parse(connection.run(RemoteCommands.showTopLevel(path))).uuid());
      for (Listed l :
          SubvolumeListParser.parse(connection.run(RemoteCommands.listAll(path))).values()) {
        uuids.add(l.uuid());
      }
      uuidsByFilesystem.put(mount.source(), uuids);
    }
    return uuids.contains(uuid);
  }

  Optional<Path> unmountedMountPoint(Path path) throws BtrfsException {
    if (fstab == null) {
      fstab = Fstab.parse(connection.run(RemoteCommands.readFstab()).lines().toList());
    }
    Optional<Path> listed = fstab.mountPointAbove(path.normalize());
    if (listed.isEmpty() || mounts().isMountPoint(listed.get())) {
      return Optional.empty();
    }
    return listed;
  }

  boolean receiveCompleted(Path path) throws BtrfsException {
    return describe(path).receiveTransid() != 0;
  }

  void snapshot(Path volume, Path destination) throws BtrfsException {
    refuseIfAborted("snapshot " + show(destination));
    // btrfs would put the snapshot inside an existing directory of that name; refuse instead.
    if (inspect(destination).kind() != PathInfo.Kind.MISSING) {
      throw new BtrfsException(
          "cannot snapshot " + show(volume) + " to " + show(destination) + ": it already exists");
    }
    try {
      connection.run(RemoteCommands.snapshot(volume, destination));
    } finally {
      forgetListings();
    }
  }

  void delete(List<Path> subvolumes) throws BtrfsException {
    if (subvolumes.isEmpty()) {
      return;
    }
    // btrfs deletes what it can and reports the rest; check first so that a bad batch changes
    // nothing.
    Set<Path> seen = new HashSet<>();
    for (Path p : subvolumes) {
      if (!seen.add(p.normalize())) {
        throw new BtrfsException("cannot delete " + show(p) + ": it is listed twice");
      }
      PathInfo info = inspect(p);
      if (info.kind() == PathInfo.Kind.MISSING) {
        throw new BtrfsException("cannot delete " + show(p) + ": it does not exist");
      }
      if (info.kind() != PathInfo.Kind.SUBVOLUME) {
        throw new BtrfsException("cannot delete " + show(p) + ": it is not a btrfs subvolume");
      }
    }
    try {
      for (List<String> batch : RemoteCommands.deleteBatches(subvolumes)) {
        connection.run(batch);
      }
    } finally {
      forgetListings();
    }
  }

  /**
   * Removes what an interrupted receive left at {@code received}: still writable (a receive makes
   * it read-only only when complete). Returns what to add to the failure message.
   */
  String removePartial(Path received) {
    try {
      if (inspect(received).kind() != PathInfo.Kind.SUBVOLUME || describe(received).readOnly()) {
        return "";
      }
      for (List<String> batch : RemoteCommands.deleteBatches(List.of(received))) {
        connection.run(batch);
      }
      return "; removed the partial " + show(received);
    } catch (BtrfsException e) {
      return "; could not remove the partial "
          + show(received)
          + " ("
          + e.getMessage()
          + "): the next run removes it";
    } finally {
      forgetListings();
    }
  }

  /** What was listed, inspected or asked ahead may have changed. */
  void forgetListings() {
    readOnlyByFilesystem.clear();
    uuidsByFilesystem.clear();
    inspected.clear();
    connection.forgetAhead();
  }

  /** Starts the connection (see {@link Connection#connectAhead}) with the mount table. */
  void connectAhead() {
    connection.connectAhead(RemoteCommands.readMountInfo());
  }

  /**
   * Asks ahead (see {@link Connection#readAhead}) what a scan of {@code directories} (of snapshots
   * or backups) and {@code volumes} (original volumes) will ask, in the order it asks: the mount
   * table first (it makes the connection, unless {@link #connectAhead} did); then each path's stat
   * and realpath; with {@code contents}, also each directory's entries, the two subvolume lists of
   * its filesystem when it is the first directory there (as {@link #subvolume} asks them), each
   * volume's subvolume show, and fstab if {@code targets} (the unmounted-disk check of backups).
   */
  void readAhead(List<Path> directories, List<Path> volumes, boolean contents, boolean targets) {
    connection.readAhead(
        RemoteCommands.readMountInfo(),
        mountInfo -> reads(mountInfo, directories, volumes, contents, contents && targets));
  }

  private static List<List<String>> reads(
      String mountInfo,
      List<Path> directories,
      List<Path> volumes,
      boolean contents,
      boolean fstab) {
    List<List<String>> commands = new ArrayList<>();
    Mounts mounts = Mounts.parse(mountInfo.lines().toList());
    Set<String> filesystems = new HashSet<>();
    for (Path d : directories) {
      commands.add(RemoteCommands.stat(d));
      if (fstab && commands.size() == 1) {
        commands.add(RemoteCommands.readFstab());
      }
      commands.add(RemoteCommands.realpath(d));
      if (contents) {
        commands.add(RemoteCommands.listDirectory(d));
        Optional<String> filesystem = btrfsContaining(mounts, d);
        if (filesystem.isPresent() && filesystems.add(filesystem.get())) {
          commands.add(RemoteCommands.listReadOnly(d));
          commands.add(RemoteCommands.listAll(d));
        }
      }
    }
    for (Path v : volumes) {
      commands.add(RemoteCommands.stat(v));
      commands.add(RemoteCommands.realpath(v));
      if (contents) {
        commands.add(RemoteCommands.show(v));
      }
    }
    return commands;
  }

  /**
   * The btrfs filesystem that {@code dir} seems to be on, by the mount table before any path is
   * resolved (only to ask each filesystem's lists once); empty if none (the run then asks, and says
   * what is wrong).
   */
  private static Optional<String> btrfsContaining(Mounts mounts, Path dir) {
    try {
      Mounts.Mount m = mounts.containing(dir);
      return m.isBtrfs() ? Optional.of(m.source()) : Optional.empty();
    } catch (BtrfsException e) {
      return Optional.empty();
    }
  }

  void abort() {
    aborted = true;
    Programs.stopAll();
  }

  void refuseIfAborted(String what) throws BtrfsException {
    if (aborted) {
      throw new BtrfsException(what + ": not started, the run was interrupted");
    }
  }

  private Mounts mounts() throws BtrfsException {
    if (mounts == null) {
      mounts = Mounts.parse(connection.run(RemoteCommands.readMountInfo()).lines().toList());
    }
    return mounts;
  }

  private Path realPath(Path path) throws BtrfsException {
    Path known = realPaths.get(path);
    if (known != null) {
      return known;
    }
    Programs.Output o = connection.capture(RemoteCommands.realpath(path));
    if (o.exit() != 0) {
      throw new BtrfsException(
          "cannot resolve "
              + show(path)
              + ": "
              + connection.failure(RemoteCommands.realpath(path), o.exit(), o.err()));
    }
    return resolved(path, resolvedPath(o.out(), path));
  }

  /** Remembers that {@code path} resolves to {@code real} (which resolves to itself). */
  private Path resolved(Path path, Path real) {
    realPaths.put(path, real);
    realPaths.put(real, real);
    return real;
  }

  private Path resolvedPath(String out, Path path) throws BtrfsException {
    if (!out.endsWith("\0") || out.indexOf('\0') != out.length() - 1 || !out.startsWith("/")) {
      throw new BtrfsException("cannot resolve " + show(path) + ": unexpected realpath output");
    }
    return Path.of(out.substring(0, out.length() - 1));
  }

  static Subvolume toSubvolume(String name, SubvolumeShowParser.Shown shown) {
    return new Subvolume(
        name,
        shown.uuid(),
        shown.parentUuid(),
        shown.receivedUuid(),
        shown.readOnly(),
        shown.generation());
  }
}
