package backuptool.btrfs;

import backuptool.model.Subvolume;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A strict in-memory {@link Btrfs}: it refuses what real btrfs (through {@link RealBtrfs}) refuses,
 * with similar messages, and is deterministic (uuids from a counter, a generation counter per
 * filesystem). File contents are not modelled: snapshots and received subvolumes start empty.
 * {@code BtrfsContract} holds it to the real behaviour.
 *
 * <p>"/" is an ext4 directory from the start. Setup methods throw {@link IllegalStateException}
 * when the setup makes no sense (missing parent, name taken, ...).
 */
public final class FakeBtrfs implements Btrfs {
  /** What every full send reports: a fixed size and time, so that transcripts stay the same. */
  public static final Transfer FULL_SEND = new Transfer(1L << 30, Duration.ofMillis(2600));

  /** What every incremental send reports. */
  public static final Transfer INCREMENTAL_SEND = new Transfer(25L << 20, Duration.ofMillis(400));

  private sealed interface Node permits Dir, Sub, RegularFile, Link {}

  private record Dir(boolean unreadable) implements Node {}

  private record Sub(
      String uuid,
      Optional<String> parentUuid,
      Optional<String> receivedUuid,
      boolean readOnly,
      long generation,
      boolean unreadable)
      implements Node {}

  private record RegularFile() implements Node {}

  private record Link(Path target) implements Node {}

  private static final class Fs {
    final String type;
    final String device;
    long generation;

    Fs(String type, String device) {
      this.type = type;
      this.device = device;
    }
  }

  private record Fault(String commandSubstring, String message) {}

  private record Hook(String commandSubstring, Runnable action) {}

  private final Map<Path, Fs> mounts = new HashMap<>();
  private final TreeMap<Path, Node> nodes = new TreeMap<>();
  private final List<String> mutations = new ArrayList<>();
  private final List<Fault> faults = new ArrayList<>();
  private final List<Hook> hooks = new ArrayList<>();
  private volatile boolean aborted;

  /** Mount points listed in the fake /etc/fstab. */
  private final Set<Path> fstab = new HashSet<>();

  /** Uuids of subvolumes into which a receive completed: btrfs's nonzero receive transid. */
  private final Set<String> receiveCompleted = new HashSet<>();

  private int uuidCounter;
  private int devices;

  public FakeBtrfs() {
    mount(Path.of("/"), "ext4");
  }

  // ---------------------------------------------------------------- test setup

  /**
   * Mounts a new filesystem of {@code fsType} at {@code mountPoint}, creating missing parents; the
   * mount point must be missing or an empty directory. A btrfs mount point is its top level.
   */
  public FakeBtrfs mount(Path mountPoint, String fsType) {
    Path p = key(mountPoint);
    if (p.getParent() != null) {
      mkdirs(p.getParent());
    }
    Node existing = nodes.get(p);
    // "/" may be mounted again while the fake is still empty, e.g. as a btrfs root filesystem.
    boolean emptyRoot = p.getParent() == null && children(p).isEmpty();
    if (!emptyRoot
        && (mounts.containsKey(p)
            || (existing != null && !(existing instanceof Dir))
            || !children(p).isEmpty())) {
      throw new IllegalStateException("cannot mount on " + p + ": not an empty directory");
    }
    Fs fs = new Fs(fsType, "/dev/fake" + devices++);
    mounts.put(p, fs);
    nodes.put(p, fsType.equals("btrfs") ? newSubvolume(fs, Optional.empty()) : new Dir(false));
    return this;
  }

  /** Creates {@code dir} and its missing parents as plain directories. */
  public FakeBtrfs mkdirs(Path dir) {
    Path p = key(dir);
    Path current = p.getRoot();
    for (Path name : p) {
      current = current.resolve(name);
      Node n = nodes.get(current);
      if (n == null) {
        setupParent(current);
        nodes.put(current, new Dir(false));
      } else if (!(n instanceof Dir || n instanceof Sub)) {
        throw new IllegalStateException(current + " exists and is not a directory");
      }
    }
    return this;
  }

  /** Creates a writable subvolume, as {@code btrfs subvolume create} does. */
  public FakeBtrfs createSubvolume(Path path) {
    Path p = setupParent(key(path));
    nodes.put(p, newSubvolume(btrfsFs(p), Optional.empty()));
    return this;
  }

  public FakeBtrfs createFile(Path path) {
    nodes.put(setupParent(key(path)), new RegularFile());
    return this;
  }

  /** Creates symlink {@code link} pointing to {@code target} (relative to the link's directory). */
  public FakeBtrfs createSymlink(Path link, Path target) {
    nodes.put(setupParent(key(link)), new Link(target));
    return this;
  }

  /** A completed backup: read-only, with {@code receivedUuid}, but of nothing in this fake. */
  public FakeBtrfs addReceived(Path path, String receivedUuid) {
    Path p = setupParent(key(path));
    Sub s = newSubvolume(btrfsFs(p), Optional.empty());
    receiveCompleted.add(s.uuid());
    nodes.put(
        p,
        new Sub(
            s.uuid(), Optional.empty(), Optional.of(receivedUuid), true, s.generation(), false));
    return this;
  }

  /** Lists {@code mountPoint} in the fake /etc/fstab, whether or not anything is mounted there. */
  public FakeBtrfs inFstab(Path mountPoint) {
    fstab.add(key(mountPoint));
    return this;
  }

  /**
   * What {@code btrfs property set -f PATH ro false} does to a received subvolume: writable, and
   * without received uuid, but btrfs still records that a receive completed into it.
   */
  public FakeBtrfs makeWritable(Path path) {
    Path p = resolve(path, false);
    if (!(nodes.get(p) instanceof Sub s)) {
      throw new IllegalStateException(path + " is not a subvolume");
    }
    nodes.put(
        p,
        new Sub(s.uuid(), s.parentUuid(), Optional.empty(), false, s.generation(), s.unreadable()));
    return this;
  }

  /**
   * What a receive killed in its last step leaves: btrfs set the received uuid (and so recorded a
   * completed receive), but the subvolume was never made read-only.
   */
  public FakeBtrfs makeUnsealed(Path path) {
    Path p = resolve(path, false);
    if (!(nodes.get(p) instanceof Sub s) || s.receivedUuid().isEmpty()) {
      throw new IllegalStateException(path + " is not a received subvolume");
    }
    nodes.put(
        p,
        new Sub(s.uuid(), s.parentUuid(), s.receivedUuid(), false, s.generation(), s.unreadable()));
    return this;
  }

  /** {@link #snapshot}, but not recorded as a mutation, and a refusal is a setup error. */
  public FakeBtrfs addReadOnlySnapshotOf(Path volume, Path path) {
    try {
      doSnapshot(volume, path);
    } catch (BtrfsException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    return this;
  }

  /**
   * What {@code btrfs subvolume snapshot VOLUME PATH} (without {@code -r}) does: a writable
   * snapshot, whose parent uuid is the volume's and which has no received uuid even when the volume
   * was received. Not recorded as a mutation.
   */
  public FakeBtrfs addWritableSnapshotOf(Path volume, Path path) {
    Path p = setupParent(key(path));
    if (!(nodes.get(resolve(volume, true)) instanceof Sub source)) {
      throw new IllegalStateException(volume + " is not a subvolume");
    }
    if (fsOf(p) != fsOf(resolve(volume, true))) {
      throw new IllegalStateException(path + " is not on the filesystem of " + volume);
    }
    nodes.put(p, newSubvolume(fsOf(p), Optional.of(source.uuid())));
    return this;
  }

  /** {@link #list} of {@code dir} fails from now on, as for a directory mode 000 to a non-root. */
  public FakeBtrfs makeUnreadable(Path dir) {
    Path p = key(dir);
    Node n = nodes.get(p);
    if (n instanceof Dir) {
      nodes.put(p, new Dir(true));
    } else if (n instanceof Sub s) {
      nodes.put(
          p,
          new Sub(s.uuid(), s.parentUuid(), s.receivedUuid(), s.readOnly(), s.generation(), true));
    } else {
      throw new IllegalStateException(p + " is not a directory");
    }
    return this;
  }

  /**
   * The next mutating call whose command line (as in {@link #mutations}) contains {@code
   * commandSubstring} throws a {@link BtrfsException} with {@code message} and changes nothing.
   */
  public FakeBtrfs failNext(String commandSubstring, String message) {
    faults.add(new Fault(commandSubstring, message));
    return this;
  }

  /**
   * While the next mutating call whose command line contains {@code commandSubstring} runs, {@code
   * action} runs too: a signal arriving in the middle of a send, say.
   */
  public FakeBtrfs onNext(String commandSubstring, Runnable action) {
    hooks.add(new Hook(commandSubstring, action));
    return this;
  }

  // ---------------------------------------------------------------- test queries

  public String uuidOf(Path subvolume) {
    if (nodes.get(resolve(subvolume, false)) instanceof Sub s) {
      return s.uuid();
    }
    throw new IllegalStateException(subvolume + " is not a subvolume");
  }

  public Optional<Subvolume> subvolumeAt(Path path) {
    Path p = resolve(path, false);
    return nodes.get(p) instanceof Sub s
        ? Optional.of(toSubvolume(p.getFileName().toString(), s))
        : Optional.empty();
  }

  public boolean exists(Path path) {
    return nodes.containsKey(resolve(path, false));
  }

  /**
   * Every mutating call so far, refused ones included, as its btrfs command line; a send as {@code
   * btrfs send ... | btrfs receive DIR}.
   */
  public List<String> mutations() {
    return List.copyOf(mutations);
  }

  /** Every node, one line each, sorted by path: kind, identity, flags, mounts. */
  public String tree() {
    StringBuilder sb = new StringBuilder();
    nodes.forEach(
        (path, node) -> {
          sb.append(path).append(' ').append(describe(node));
          Fs fs = mounts.get(path);
          if (fs != null) {
            sb.append(" [mount ").append(fs.type).append(' ').append(fs.device).append(']');
          }
          sb.append('\n');
        });
    return sb.toString();
  }

  // ---------------------------------------------------------------- Btrfs

  @Override
  public PathInfo inspect(Path path) {
    Path p = resolve(path, false);
    Node n = nodes.get(p);
    if (n == null) {
      return new PathInfo(path, PathInfo.Kind.MISSING, "", "");
    }
    PathInfo.Kind kind =
        n instanceof Sub
            ? PathInfo.Kind.SUBVOLUME
            : n instanceof Dir
                ? PathInfo.Kind.DIRECTORY
                : n instanceof Link ? PathInfo.Kind.SYMLINK : PathInfo.Kind.OTHER;
    Fs fs = fsOf(p);
    return new PathInfo(path, kind, fs.type, fs.device);
  }

  @Override
  public Listing list(Path dir) throws BtrfsException {
    Path p = resolve(dir, true);
    Node n = nodes.get(p);
    if (n == null) {
      throw new BtrfsException(dir + " does not exist");
    }
    if (!(n instanceof Dir || n instanceof Sub)) {
      throw new BtrfsException(dir + " is not a directory");
    }
    if (!fsOf(p).type.equals("btrfs")) {
      throw new BtrfsException(dir + " is on a " + fsOf(p).type + " filesystem, not btrfs");
    }
    if ((n instanceof Dir d && d.unreadable()) || (n instanceof Sub s && s.unreadable())) {
      throw new BtrfsException("cannot read directory " + dir + ": permission denied");
    }
    List<Subvolume> subvolumes = new ArrayList<>();
    List<String> directories = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (Path child : children(p)) {
      String name = child.getFileName().toString();
      Node c = nodes.get(child);
      if (c instanceof Sub s && !mounts.containsKey(child)) {
        subvolumes.add(toSubvolume(name, s));
      } else if (c instanceof Sub || c instanceof Dir) {
        directories.add(name);
      } else {
        others.add(name);
      }
    }
    return new Listing(dir, subvolumes, directories, others);
  }

  @Override
  public Subvolume show(Path subvolume) throws BtrfsException {
    Path p = resolve(subvolume, true);
    Sub s = subvolume(p, subvolume.toString());
    return toSubvolume(p.getFileName() == null ? "/" : p.getFileName().toString(), s);
  }

  @Override
  public boolean uuidExists(Path path, String uuid) throws BtrfsException {
    Path p = resolve(path, true);
    Fs fs = fsOf(p);
    if (!fs.type.equals("btrfs")) {
      throw new BtrfsException(path + " is on a " + fs.type + " filesystem, not btrfs");
    }
    return nodes.entrySet().stream()
        .anyMatch(
            e -> e.getValue() instanceof Sub s && s.uuid().equals(uuid) && fsOf(e.getKey()) == fs);
  }

  @Override
  public Optional<Path> unmountedMountPoint(Path path) {
    return fstab.stream()
        .filter(p -> path.startsWith(p))
        .max(Comparator.comparingInt(Path::getNameCount))
        .filter(p -> !mounts.containsKey(p));
  }

  @Override
  public boolean receiveCompleted(Path path) throws BtrfsException {
    if (!(nodes.get(resolve(path, true)) instanceof Sub s)) {
      throw new BtrfsException("ERROR: not a subvolume: " + path);
    }
    return receiveCompleted.contains(s.uuid());
  }

  @Override
  public void abort() {
    aborted = true;
  }

  @Override
  public void snapshot(Path volume, Path destination) throws BtrfsException {
    attempt(BtrfsCommands.display(BtrfsCommands.snapshot(volume, destination)));
    doSnapshot(volume, destination);
  }

  @Override
  public Transfer send(Path snapshot, Optional<Path> parent, Path targetDir, TransferWatch watch)
      throws BtrfsException {
    List<String> sendCommand = BtrfsCommands.send(snapshot, parent);
    List<String> receiveCommand = BtrfsCommands.receive(targetDir);
    String command =
        BtrfsCommands.display(sendCommand) + " | " + BtrfsCommands.display(receiveCommand);
    attempt(command);
    String what = "cannot send " + snapshot + " to " + targetDir + ": ";
    Path target = resolve(targetDir, true);
    Path received = target.resolve(snapshot.getFileName());
    if (nodes.containsKey(received)) {
      throw new BtrfsException(what + received + " already exists");
    }
    Path s = resolve(snapshot, true);
    Sub sent = subvolume(s, what + snapshot);
    String pipeFailed = what + command + " failed (btrfs send exit 1, btrfs receive exit 1): ";
    String receiveFailed = what + command + " failed (btrfs send exit 0, btrfs receive exit 1): ";
    if (!sent.readOnly()) {
      throw new BtrfsException(pipeFailed + "ERROR: subvolume " + s + " is not read-only");
    }
    Optional<String> streamParent = Optional.empty();
    if (parent.isPresent()) {
      Path pp = resolve(parent.get(), true);
      if (!(nodes.get(pp) instanceof Sub ps) || fsOf(pp) != fsOf(s)) {
        throw new BtrfsException(
            pipeFailed + "ERROR: " + pp + " is not a subvolume of the snapshot's filesystem");
      }
      if (!ps.readOnly()) {
        throw new BtrfsException(
            pipeFailed + "ERROR: parent subvolume " + pp + " is not read-only");
      }
      streamParent = Optional.of(ps.receivedUuid().orElse(ps.uuid()));
    }
    if (!(nodes.get(target) instanceof Dir || nodes.get(target) instanceof Sub)) {
      throw new BtrfsException(
          receiveFailed + "ERROR: realpath(" + targetDir + ") failed: No such file or directory");
    }
    Fs fs = fsOf(target);
    if (!fs.type.equals("btrfs")) {
      throw new BtrfsException(
          receiveFailed + "ERROR: " + targetDir + " doesn't belong to btrfs mount point");
    }
    if (inReadOnlySubvolume(target)) {
      throw new BtrfsException(
          receiveFailed
              + "ERROR: creating subvolume "
              + received.getFileName()
              + " failed: Read-only file system");
    }
    Optional<String> targetParent = Optional.empty();
    if (streamParent.isPresent()) {
      targetParent = Optional.ofNullable(receivedAs(fs, streamParent.get()));
      if (targetParent.isEmpty()) {
        throw new BtrfsException(receiveFailed + "ERROR: cannot find parent subvolume");
      }
    }
    Sub fresh = newSubvolume(fs, Optional.empty());
    receiveCompleted.add(fresh.uuid());
    nodes.put(
        received,
        new Sub(
            fresh.uuid(),
            targetParent,
            Optional.of(sent.receivedUuid().orElse(sent.uuid())),
            true,
            fresh.generation(),
            false));
    Transfer transfer = parent.isPresent() ? INCREMENTAL_SEND : FULL_SEND;
    // Half way, once; an expected total only for a full send, as real btrfs can give one (quotas).
    watch.progress(
        transfer.bytes() / 2,
        transfer.elapsed().dividedBy(2),
        parent.isPresent() ? OptionalLong.empty() : OptionalLong.of(transfer.bytes()));
    return transfer;
  }

  @Override
  public void delete(List<Path> subvolumes) throws BtrfsException {
    if (subvolumes.isEmpty()) {
      return;
    }
    String command = BtrfsCommands.display(BtrfsCommands.delete(subvolumes));
    attempt(command);
    // RealBtrfs checks the whole batch first, so a bad batch changes nothing.
    Set<Path> seen = new HashSet<>();
    List<Path> resolved = new ArrayList<>();
    for (Path path : subvolumes) {
      Path p = resolve(path, false);
      if (!seen.add(p)) {
        throw new BtrfsException("cannot delete " + path + ": it is listed twice");
      }
      if (!nodes.containsKey(p)) {
        throw new BtrfsException("cannot delete " + path + ": it does not exist");
      }
      if (!(nodes.get(p) instanceof Sub)) {
        throw new BtrfsException("cannot delete " + path + ": it is not a btrfs subvolume");
      }
      resolved.add(p);
    }
    // btrfs itself goes on after an error and reports all of them at the end.
    List<String> errors = new ArrayList<>();
    for (Path p : resolved) {
      if (mounts.keySet().stream().anyMatch(m -> m.startsWith(p))) {
        errors.add("ERROR: Could not destroy subvolume/snapshot: Device or resource busy");
      } else if (nodes.entrySet().stream()
          .anyMatch(
              e ->
                  e.getKey().startsWith(p)
                      && e.getValue() instanceof Sub
                      && !e.getKey().equals(p))) {
        errors.add("ERROR: Could not destroy subvolume/snapshot: Directory not empty");
      } else if (inReadOnlySubvolume(p.getParent())) {
        errors.add("ERROR: Could not destroy subvolume/snapshot: Read-only file system");
      } else {
        nodes.keySet().removeIf(k -> k.startsWith(p));
      }
    }
    if (!errors.isEmpty()) {
      throw new BtrfsException(command + " failed (exit 1): " + String.join("\n", errors));
    }
  }

  // ---------------------------------------------------------------- model

  private void doSnapshot(Path volume, Path destination) throws BtrfsException {
    Path dest = resolve(destination, false);
    if (nodes.containsKey(dest)) {
      throw new BtrfsException(
          "cannot snapshot " + volume + " to " + destination + ": it already exists");
    }
    String failed =
        BtrfsCommands.display(BtrfsCommands.snapshot(volume, destination)) + " failed (exit 1): ";
    Path v = resolve(volume, true);
    if (!nodes.containsKey(v)) {
      throw new BtrfsException(failed + "ERROR: Could not statfs: No such file or directory");
    }
    if (!(nodes.get(v) instanceof Sub source)) {
      throw new BtrfsException(failed + "ERROR: Not a Btrfs subvolume: Invalid argument");
    }
    Node dir = nodes.get(dest.getParent());
    if (!(dir instanceof Dir || dir instanceof Sub)) {
      throw new BtrfsException(
          failed
              + "ERROR: cannot access '"
              + destination.getParent()
              + "': "
              + (dir == null ? "No such file or directory" : "Not a directory"));
    }
    if (!fsOf(dest).type.equals("btrfs")) {
      throw new BtrfsException(
          failed + "ERROR: not a btrfs filesystem: " + destination.getParent());
    }
    if (fsOf(dest) != fsOf(v)) {
      throw new BtrfsException(
          failed + "ERROR: cannot snapshot '" + volume + "': Invalid cross-device link");
    }
    if (inReadOnlySubvolume(dest.getParent())) {
      throw new BtrfsException(
          failed + "ERROR: cannot snapshot '" + volume + "': Read-only file system");
    }
    Sub fresh = newSubvolume(fsOf(dest), Optional.of(source.uuid()));
    // The kernel keeps the received uuid in read-only snapshots (and only in those).
    nodes.put(
        dest,
        new Sub(
            fresh.uuid(),
            fresh.parentUuid(),
            source.receivedUuid(),
            true,
            fresh.generation(),
            false));
  }

  /**
   * The uuid of a subvolume on {@code fs} received as {@code id}, or else with uuid {@code id}, as
   * receive looks for an incremental's parent; null if there is none.
   */
  private String receivedAs(Fs fs, String id) {
    String byUuid = null;
    for (Map.Entry<Path, Node> e : nodes.entrySet()) {
      if (e.getValue() instanceof Sub c && fsOf(e.getKey()) == fs) {
        if (c.receivedUuid().equals(Optional.of(id))) {
          return c.uuid();
        }
        if (c.uuid().equals(id)) {
          byUuid = c.uuid();
        }
      }
    }
    return byUuid;
  }

  /**
   * Records a mutating call, runs a pending hook that matches it (as if something happened while it
   * ran), and fires a pending fault that matches it. After {@link #abort}, only deletes run.
   */
  private void attempt(String command) throws BtrfsException {
    boolean cleanup = command.startsWith("btrfs subvolume delete");
    if (aborted && !cleanup) {
      throw new BtrfsException(command + ": not started, the run was interrupted");
    }
    mutations.add(command);
    for (Hook h : hooks) {
      if (command.contains(h.commandSubstring())) {
        hooks.remove(h);
        h.action().run();
        break;
      }
    }
    if (aborted && !cleanup) {
      throw new BtrfsException(command + " failed: stopped by the interruption");
    }
    for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
      Fault f = it.next();
      if (command.contains(f.commandSubstring())) {
        it.remove();
        throw new BtrfsException(f.message());
      }
    }
  }

  private Sub newSubvolume(Fs fs, Optional<String> parentUuid) {
    uuidCounter++;
    String uuid = String.format("00000000-0000-0000-0000-%012d", uuidCounter);
    return new Sub(uuid, parentUuid, Optional.empty(), false, ++fs.generation, false);
  }

  private Sub subvolume(Path p, String what) throws BtrfsException {
    Node n = nodes.get(p);
    if (n instanceof Sub s) {
      return s;
    }
    throw new BtrfsException(what + (n == null ? " does not exist" : " is not a subvolume"));
  }

  private static Subvolume toSubvolume(String name, Sub s) {
    return new Subvolume(
        name, s.uuid(), s.parentUuid(), s.receivedUuid(), s.readOnly(), s.generation());
  }

  private static String describe(Node node) {
    if (node instanceof Sub s) {
      return "subvolume uuid="
          + s.uuid()
          + s.parentUuid().map(u -> " parent=" + u).orElse("")
          + s.receivedUuid().map(u -> " received=" + u).orElse("")
          + (s.readOnly() ? " ro" : " rw")
          + " gen="
          + s.generation()
          + (s.unreadable() ? " unreadable" : "");
    }
    if (node instanceof Dir d) {
      return "directory" + (d.unreadable() ? " unreadable" : "");
    }
    return node instanceof Link l ? "symlink -> " + l.target() : "file";
  }

  private boolean inReadOnlySubvolume(Path dir) {
    for (Path p = dir; p != null; p = p.getParent()) {
      if (nodes.get(p) instanceof Sub s) {
        return s.readOnly();
      }
    }
    return false;
  }

  private Fs fsOf(Path p) {
    for (Path m = p; m != null; m = m.getParent()) {
      Fs fs = mounts.get(m);
      if (fs != null) {
        return fs;
      }
    }
    throw new IllegalStateException("nothing is mounted at /");
  }

  private Fs btrfsFs(Path p) {
    Fs fs = fsOf(p);
    if (!fs.type.equals("btrfs")) {
      throw new IllegalStateException(p + " is on " + fs.type + ", not btrfs");
    }
    return fs;
  }

  /** Checks that {@code p} may be created: absent, in a writable directory. */
  private Path setupParent(Path p) {
    Node parent = nodes.get(p.getParent());
    if (nodes.containsKey(p)) {
      throw new IllegalStateException(p + " already exists");
    }
    if (!(parent instanceof Dir || parent instanceof Sub)) {
      throw new IllegalStateException(p.getParent() + " is not a directory");
    }
    if (inReadOnlySubvolume(p.getParent())) {
      throw new IllegalStateException(p.getParent() + " is in a read-only subvolume");
    }
    return p;
  }

  /** The entries directly in {@code dir}, sorted by name. */
  private List<Path> children(Path dir) {
    return nodes.keySet().stream()
        .filter(k -> dir.equals(k.getParent()))
        .sorted(Comparator.comparing(k -> k.getFileName().toString()))
        .collect(Collectors.toList());
  }

  private static Path key(Path path) {
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException("not an absolute path: " + path);
    }
    return path.normalize();
  }

  /**
   * {@code path} with symlinks replaced by their targets, as the kernel walks it; the last
   * component only if {@code followLast}.
   */
  private Path resolve(Path path, boolean followLast) {
    Path p = key(path);
    for (int hops = 0; hops <= 40; hops++) {
      Path walked = p.getRoot();
      Path next = null;
      for (int i = 0; i < p.getNameCount() && next == null; i++) {
        walked = walked.resolve(p.getName(i));
        boolean last = i == p.getNameCount() - 1;
        if (nodes.get(walked) instanceof Link link && (followLast || !last)) {
          Path target = walked.getParent().resolve(link.target()).normalize();
          next = last ? target : target.resolve(p.subpath(i + 1, p.getNameCount()));
        }
      }
      if (next == null) {
        return p;
      }
      p = next;
    }
    throw new IllegalStateException("too many levels of symbolic links: " + path);
  }
}
