package backuptool.btrfs;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import backuptool.btrfs.Mounts.Mount;
import backuptool.btrfs.SubvolumeListParser.Listed;
import backuptool.model.Subvolume;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@link Btrfs} on btrfs-progs and the kernel's view of the filesystem. For one thread at a time:
 * it caches what btrfs lists.
 */
public final class RealBtrfs implements Btrfs {

  /** The root directory of every btrfs subvolume has this inode number, and nothing else has. */
  private static final long SUBVOLUME_ROOT_INODE = 256;

  private static final int S_IFMT = 0170000;
  private static final int S_IFDIR = 0040000;

  private static final Path FSTAB = Path.of("/etc/fstab");

  /**
   * Each filesystem's read-only subvolumes by path from its top level, keyed by mount source: one
   * {@code btrfs subvolume list} per filesystem per scan. Every mutating call clears it.
   */
  private final Map<String, Map<String, Listed>> subvolumesByFilesystem = new HashMap<>();

  /**
   * Listings started by {@link #readAhead}, keyed like {@link #subvolumesByFilesystem}, until
   * taken; cleared like it.
   */
  private final Map<String, Meanwhile<Map<String, Listed>>> listedAhead = new HashMap<>();

  /** {@code btrfs subvolume show} started by {@link #readAhead}, by path; cleared likewise. */
  private final Map<Path, Meanwhile<String>> shownAhead = new HashMap<>();

  /**
   * At most this many filesystems are listed ahead (a scan usually has two); the others when the
   * scan comes to them. Each listing is kept until taken: at 10,000 subvolumes, a few MB.
   */
  private static final int FILESYSTEMS_AHEAD = 4;

  /** Each filesystem's subvolume uuids, asked only when needed; cleared like the listing. */
  private final Map<String, Set<String>> uuidsByFilesystem = new HashMap<>();

  @Override
  public PathInfo inspect(Path path) throws BtrfsException {
    return inspect(path, Mounts.read());
  }

  /** {@link #inspect(Path)} against a mount table read once for many paths. */
  private PathInfo inspect(Path path, Mounts mounts) throws BtrfsException {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return new PathInfo(path, PathInfo.Kind.MISSING, "", "");
    } catch (IOException e) {
      throw new BtrfsException("cannot inspect " + path + ": " + reason(e), e);
    }
    // A symlink's own filesystem is its directory's; toRealPath would follow it.
    Path real =
        attrs.isSymbolicLink()
            ? realPath(path.toAbsolutePath().getParent()).resolve(path.getFileName())
            : realPath(path);
    Mount mount = mounts.containing(real);
    PathInfo.Kind kind = attrs.isSymbolicLink() ? PathInfo.Kind.SYMLINK : PathInfo.Kind.OTHER;
    if (attrs.isDirectory()) {
      kind =
          mount.isBtrfs() && inode(path) == SUBVOLUME_ROOT_INODE
              ? PathInfo.Kind.SUBVOLUME
              : PathInfo.Kind.DIRECTORY;
    }
    return new PathInfo(path, kind, mount.fsType(), mount.source());
  }

  @Override
  public Listing list(Path dir) throws BtrfsException {
    if (!Files.exists(dir)) {
      throw new BtrfsException(dir + " does not exist");
    }
    if (!Files.isDirectory(dir)) {
      throw new BtrfsException(dir + " is not a directory");
    }
    Path real = realPath(dir);
    Mounts mounts = Mounts.read();
    Mount mount = mounts.containing(real);
    if (!mount.isBtrfs()) {
      throw new BtrfsException(dir + " is on a " + mount.fsType() + " filesystem, not btrfs");
    }
    List<Subvolume> subvolumes = new ArrayList<>();
    List<String> directories = new ArrayList<>();
    List<String> others = new ArrayList<>();
    String dirInFilesystem = mount.pathInFilesystem(real);
    for (String name : names(dir, real)) {
      Path entry = real.resolve(name);
      Map<String, Object> attrs;
      try {
        attrs = Files.readAttributes(entry, "unix:mode,ino", NOFOLLOW_LINKS); // one stat
      } catch (NoSuchFileException e) {
        continue; // deleted since the directory was read: it is not there
      } catch (IOException e) {
        throw new BtrfsException("cannot inspect " + entry + ": " + reason(e), e);
      }
      boolean directory = ((Integer) attrs.get("mode") & S_IFMT) == S_IFDIR;
      if (!directory) {
        others.add(name);
      } else if ((Long) attrs.get("ino") != SUBVOLUME_ROOT_INODE || mounts.isMountPoint(entry)) {
        // Another mount's root is not this directory's content, whatever its inode.
        directories.add(name);
      } else {
        String inFilesystem = dirInFilesystem.isEmpty() ? name : dirInFilesystem + "/" + name;
        subvolumes.add(subvolume(mount, inFilesystem, entry, name));
      }
    }
    return new Listing(dir, subvolumes, directories, others);
  }

  private volatile boolean aborted;

  /**
   * Starts the read-only and full listings of each filesystem that holds one of {@code
   * directories}, one filesystem after another, and the show of each of {@code volumes} that is a
   * subvolume, on threads of their own: a scan that asks them in turn waits for each process, and
   * the listing of the next filesystem goes on while it works through the first (10,000 snapshots:
   * a purge dry run 20% faster). One filesystem at a time: listing all at once gained another 0.1 s
   * there but raised the peak memory by a fifth (two 10,000-line listings held together).
   */
  @Override
  public void readAhead(List<Path> directories, List<Path> volumes) {
    Mounts mounts;
    try {
      mounts = Mounts.read();
    } catch (BtrfsException e) {
      return; // the scan reads the table again, and says why it cannot
    }
    Meanwhile<Map<String, Listed>> previous = null;
    for (Path dir : directories) {
      try {
        Mount mount = mounts.containing(realPath(dir));
        String fs = mount.source();
        if (mount.isBtrfs()
            && listedAhead.size() < FILESYSTEMS_AHEAD
            && !subvolumesByFilesystem.containsKey(fs)
            && !listedAhead.containsKey(fs)) {
          Path point = mount.point();
          Meanwhile<Map<String, Listed>> before = previous;
          previous =
              Meanwhile.start(
                  () -> {
                    if (before != null) {
                      before.await();
                    }
                    return readOnlyListing(point);
                  },
                  "list-ahead");
          listedAhead.put(fs, previous);
        }
      } catch (BtrfsException e) {
        // missing or unreadable: the scan says so when it lists it
      }
    }
    for (Path volume : volumes) {
      try {
        if (!shownAhead.containsKey(volume)
            && inspect(volume, mounts).kind() == PathInfo.Kind.SUBVOLUME) {
          shownAhead.put(
              volume,
              Meanwhile.start(() -> Processes.run(BtrfsCommands.show(volume)), "show-ahead"));
        }
      } catch (BtrfsException e) {
        // likewise: the scan inspects it again
      }
    }
  }

  /**
   * Waits for the reads ahead that were not taken, then drops them: a send's byte count takes in
   * every child the JVM reaps while it runs (see {@link SendMeter}), and one listing of a large
   * filesystem can outlast a scan.
   */
  @Override
  public void endReadAhead() {
    listedAhead.values().forEach(Meanwhile::await);
    shownAhead.values().forEach(Meanwhile::await);
    listedAhead.clear();
    shownAhead.clear();
  }

  @Override
  public Subvolume show(Path subvolume) throws BtrfsException {
    Path name = subvolume.getFileName();
    return toSubvolume(name == null ? "/" : name.toString(), describe(subvolume));
  }

  @Override
  public boolean uuidExists(Path path, String uuid) throws BtrfsException {
    Mount mount = Mounts.read().containing(realPath(path));
    if (!mount.isBtrfs()) {
      throw new BtrfsException(path + " is on a " + mount.fsType() + " filesystem, not btrfs");
    }
    Set<String> uuids = uuidsByFilesystem.get(mount.source());
    if (uuids == null) {
      uuids = new HashSet<>();
      // The list leaves out the top level, and snapshots can be taken of it too.
      uuids.add(
          SubvolumeShowParser.parse(Processes.run(BtrfsCommands.showTopLevel(mount.point())))
              .uuid());
      for (Listed l :
          SubvolumeListParser.parse(Processes.run(BtrfsCommands.listAll(mount.point()))).values()) {
        uuids.add(l.uuid());
      }
      uuidsByFilesystem.put(mount.source(), uuids);
    }
    return uuids.contains(uuid);
  }

  /** What this instance listed may have changed. */
  private void forgetListings() {
    subvolumesByFilesystem.clear();
    listedAhead.clear(); // what they read may be out of date: their threads end unheeded
    shownAhead.clear();
    uuidsByFilesystem.clear();
  }

  @Override
  public Optional<Path> unmountedMountPoint(Path path) throws BtrfsException {
    Optional<Path> listed = Fstab.read(FSTAB).mountPointAbove(path.toAbsolutePath().normalize());
    if (listed.isEmpty() || Mounts.read().isMountPoint(listed.get())) {
      return Optional.empty();
    }
    return listed;
  }

  @Override
  public boolean receiveCompleted(Path path) throws BtrfsException {
    return describe(path).receiveTransid() != 0;
  }

  @Override
  public void abort() {
    aborted = true;
    Processes.stopAll();
  }

  private void refuseIfAborted(String what) throws BtrfsException {
    if (aborted) {
      throw new BtrfsException(what + ": not started, the run was interrupted");
    }
  }

  @Override
  public void snapshot(Path volume, Path destination) throws BtrfsException {
    refuseIfAborted("snapshot " + destination);
    // btrfs would put the snapshot inside an existing directory of that name; refuse instead.
    if (Files.exists(destination, NOFOLLOW_LINKS)) {
      throw new BtrfsException(
          "cannot snapshot " + volume + " to " + destination + ": it already exists");
    }
    try {
      Processes.run(BtrfsCommands.snapshot(volume, destination));
    } finally {
      forgetListings();
    }
  }

  @Override
  public Transfer send(Path snapshot, Optional<Path> parent, Path targetDir, TransferWatch watch)
      throws BtrfsException {
    refuseIfAborted("send " + snapshot);
    Path received = targetDir.resolve(snapshot.getFileName());
    String what = "cannot send " + snapshot + " to " + targetDir + ": ";
    if (Files.exists(received, NOFOLLOW_LINKS)) {
      throw new BtrfsException(what + received + " already exists");
    }
    try {
      SubvolumeShowParser.Shown sent = describe(snapshot);
      // A received snapshot is sent under the uuid it was received as.
      String expected = sent.receivedUuid().orElse(sent.uuid());
      OptionalLong expectedBytes =
          parent.isEmpty() ? StreamEstimate.fullSend(snapshot) : OptionalLong.empty();
      Transfer transfer =
          Processes.pipe(
              BtrfsCommands.send(snapshot, parent),
              BtrfsCommands.receive(targetDir),
              expectedBytes,
              watch);
      forgetListings();
      verifyReceived(received, expected);
      return transfer;
    } catch (BtrfsException e) {
      throw new BtrfsException(what + e.getMessage() + removePartial(received), e);
    } finally {
      forgetListings();
    }
  }

  @Override
  public void delete(List<Path> subvolumes) throws BtrfsException {
    if (subvolumes.isEmpty()) {
      return;
    }
    // btrfs deletes what it can and reports the rest; check first so that a bad batch changes
    // nothing.
    Set<Path> seen = new HashSet<>();
    Mounts mounts = Mounts.read();
    for (Path p : subvolumes) {
      if (!seen.add(p.toAbsolutePath().normalize())) {
        throw new BtrfsException("cannot delete " + p + ": it is listed twice");
      }
      PathInfo info = inspect(p, mounts);
      if (info.kind() == PathInfo.Kind.MISSING) {
        throw new BtrfsException("cannot delete " + p + ": it does not exist");
      }
      if (info.kind() != PathInfo.Kind.SUBVOLUME) {
        throw new BtrfsException("cannot delete " + p + ": it is not a btrfs subvolume");
      }
    }
    try {
      Processes.run(BtrfsCommands.delete(subvolumes));
    } finally {
      forgetListings();
    }
  }

  private void verifyReceived(Path received, String expectedReceivedUuid) throws BtrfsException {
    Optional<String> receivedUuid = describe(received).receivedUuid();
    if (Files.isWritable(received)) {
      throw new BtrfsException("the received " + received + " is not read-only");
    }
    if (!receivedUuid.equals(Optional.of(expectedReceivedUuid))) {
      throw new BtrfsException(
          "the received "
              + received
              + " has received uuid "
              + receivedUuid.orElse("-")
              + ", expected "
              + expectedReceivedUuid);
    }
  }

  /**
   * Removes what an interrupted receive left at {@code received}: it did not exist before the send
   * and is still writable (receive makes it read-only only when complete). Returns what to add to
   * the failure message.
   */
  private String removePartial(Path received) {
    if (!Files.exists(received, NOFOLLOW_LINKS) || !Files.isWritable(received)) {
      return "";
    }
    try {
      Processes.run(BtrfsCommands.delete(List.of(received)));
      return "; removed the partial " + received;
    } catch (BtrfsException e) {
      return "; could not remove the partial " + received + ": " + e.getMessage();
    } finally {
      forgetListings();
    }
  }

  /** What btrfs knows about the subvolume at {@code path}. */
  private SubvolumeShowParser.Shown describe(Path path) throws BtrfsException {
    PathInfo info = inspect(path);
    if (info.kind() != PathInfo.Kind.SUBVOLUME) {
      throw new BtrfsException(
          path
              + (info.kind() == PathInfo.Kind.MISSING ? " does not exist" : " is not a subvolume"));
    }
    Meanwhile<String> ahead = shownAhead.remove(path);
    return SubvolumeShowParser.parse(
        ahead != null ? ahead.get() : Processes.run(BtrfsCommands.show(path)));
  }

  /**
   * Subvolume {@code entry}: from the filesystem's read-only listing (one {@code btrfs subvolume
   * list -r} per filesystem, confirmed by the full list, both cached until this instance changes
   * something), which holds every snapshot and backup; anything it lacks (writable, created since,
   * or not confirmed) is asked with one {@code btrfs subvolume show}.
   */
  private Subvolume subvolume(Mount mount, String inFilesystem, Path entry, String name)
      throws BtrfsException {
    Map<String, Listed> readOnly = subvolumesByFilesystem.get(mount.source());
    if (readOnly == null) {
      Meanwhile<Map<String, Listed>> ahead = listedAhead.remove(mount.source());
      readOnly = ahead != null ? ahead.get() : readOnlyListing(mount.point());
      subvolumesByFilesystem.put(mount.source(), readOnly);
    }
    Listed l = readOnly.get(inFilesystem);
    if (l != null) {
      return new Subvolume(name, l.uuid(), l.parentUuid(), l.receivedUuid(), true, l.generation());
    }
    return toSubvolume(name, SubvolumeShowParser.parse(Processes.run(BtrfsCommands.show(entry))));
  }

  /**
   * The read-only subvolumes of the filesystem mounted at {@code point}, confirmed by the full list
   * (see {@link SubvolumeListParser#confirmed}); the two lists run alongside each other.
   */
  private static Map<String, Listed> readOnlyListing(Path point) throws BtrfsException {
    Meanwhile<String> all =
        Meanwhile.start(() -> Processes.run(BtrfsCommands.listAll(point)), "list-all");
    return SubvolumeListParser.confirmed(
        Processes.run(BtrfsCommands.listReadOnly(point)), all.get());
  }

  private static Subvolume toSubvolume(String name, SubvolumeShowParser.Shown shown) {
    return new Subvolume(
        name,
        shown.uuid(),
        shown.parentUuid(),
        shown.receivedUuid(),
        shown.readOnly(),
        shown.generation());
  }

  private static List<String> names(Path dir, Path real) throws BtrfsException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(real)) {
      entries.forEach(e -> names.add(e.getFileName().toString()));
    } catch (DirectoryIteratorException e) {
      throw new BtrfsException("cannot read directory " + dir + ": " + reason(e.getCause()), e);
    } catch (AccessDeniedException e) {
      throw new BtrfsException("cannot read directory " + dir + ": permission denied", e);
    } catch (IOException e) {
      throw new BtrfsException("cannot read directory " + dir + ": " + reason(e), e);
    }
    names.sort(null);
    return names;
  }

  private static Path realPath(Path path) throws BtrfsException {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      throw new BtrfsException("cannot resolve " + path + ": " + reason(e), e);
    }
  }

  private static long inode(Path path) throws BtrfsException {
    try {
      return (Long) Files.getAttribute(path, "unix:ino", NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new BtrfsException("cannot inspect " + path + ": " + reason(e), e);
    }
  }

  private static String reason(IOException e) {
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.toString();
  }
}
