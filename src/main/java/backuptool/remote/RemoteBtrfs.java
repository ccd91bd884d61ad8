package backuptool.remote;

import static java.util.stream.Collectors.joining;

import backuptool.btrfs.Btrfs;
import backuptool.btrfs.BtrfsCommands;
import backuptool.btrfs.BtrfsException;
import backuptool.btrfs.Listing;
import backuptool.btrfs.PathInfo;
import backuptool.btrfs.Programs;
import backuptool.btrfs.Transfer;
import backuptool.btrfs.TransferWatch;
import backuptool.model.Subvolume;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The btrfs port of another machine, as seen from this one: everything but sending acts on that
 * machine ({@link RemoteSide}); a send crosses between the two machines in the port's {@link
 * Direction}, as one OS pipeline through ssh ({@code btrfs send | ssh HOST btrfs receive}, or
 * {@code ssh HOST btrfs send | btrfs receive}), with no copy through the JVM and no local shell,
 * both exit codes checked, and the received backup checked where it landed.
 */
final class RemoteBtrfs implements Btrfs {

  /** Which way this port's sends go. */
  enum Direction {
    /** From a snapshot on this machine into a directory on the other (push). */
    TO_THERE,
    /** From a snapshot on the other machine into a directory on this one (pull). */
    FROM_THERE
  }

  private final RemoteSide side;
  private final Direction direction;
  private final Btrfs local;
  private final Duration stallTimeout;

  /** {@code local}: this machine's port, for the side of a send that is here. */
  RemoteBtrfs(RemoteSide side, Direction direction, Btrfs local, Duration stallTimeout) {
    this.side = side;
    this.direction = direction;
    this.local = local;
    this.stallTimeout = stallTimeout;
  }

  @Override
  public PathInfo inspect(Path path) throws BtrfsException {
    return side.inspect(path);
  }

  @Override
  public Listing list(Path dir) throws BtrfsException {
    return side.list(dir);
  }

  @Override
  public Subvolume show(Path subvolume) throws BtrfsException {
    return side.subvolume(subvolume);
  }

  @Override
  public boolean uuidExists(Path path, String uuid) throws BtrfsException {
    return side.uuidExists(path, uuid);
  }

  @Override
  public Optional<Path> unmountedMountPoint(Path path) throws BtrfsException {
    return side.unmountedMountPoint(path);
  }

  @Override
  public boolean receiveCompleted(Path path) throws BtrfsException {
    return side.receiveCompleted(path);
  }

  @Override
  public void snapshot(Path volume, Path destination) throws BtrfsException {
    side.snapshot(volume, destination);
  }

  @Override
  public void delete(List<Path> subvolumes) throws BtrfsException {
    side.delete(subvolumes);
  }

  @Override
  public void abort() {
    side.abort();
  }

  @Override
  public Transfer send(Path snapshot, Optional<Path> parent, Path targetDir, TransferWatch watch)
      throws BtrfsException {
    return direction == Direction.TO_THERE
        ? push(snapshot, parent, targetDir, watch)
        : pull(snapshot, parent, targetDir, watch);
  }

  private Transfer push(Path snapshot, Optional<Path> parent, Path targetDir, TransferWatch watch)
      throws BtrfsException {
    side.refuseIfAborted("send " + snapshot);
    Path received = targetDir.resolve(snapshot.getFileName());
    String what = "cannot send " + snapshot + " to " + side.show(targetDir) + ": ";
    side.inspectAhead(received); // while the snapshot is looked at here
    // A received snapshot is sent under the uuid it was received as.
    String expected = identity(local, snapshot, what);
    if (side.inspect(received).kind() != PathInfo.Kind.MISSING) {
      throw new BtrfsException(what + side.show(received) + " already exists");
    }
    List<String> send = BtrfsCommands.send(snapshot, parent);
    List<String> receive = RemoteCommands.receive(targetDir);
    Programs.Piped piped;
    try {
      piped =
          Programs.pipe(
              send,
              side.connection().argvToRun(receive),
              Programs.Counted.FIRST_WRITES,
              stallTimeout,
              watch);
    } finally {
      side.forgetListings();
    }
    if (!piped.ok()) {
      if (piped.stalled() || piped.toExit() == Connection.SSH_FAILED) {
        // The master connection may hang on a dead link: the clean-up below connects afresh (and
        // fails within connect_timeout if the link is still down).
        abandonConnection();
      }
      throw new BtrfsException(
          what
              + failure(
                  BtrfsCommands.display(send)
                      + " | ssh "
                      + side.connection().host().login()
                      + " "
                      + words(receive),
                  "btrfs send",
                  "ssh",
                  piped,
                  false)
              + side.removePartial(received));
    }
    try {
      Subvolume got = side.subvolume(received);
      verify(got.readOnly(), got.receivedUuid(), side.show(received), expected);
    } catch (BtrfsException e) {
      throw new BtrfsException(what + e.getMessage() + side.removePartial(received), e);
    }
    return new Transfer(piped.bytes(), piped.elapsed());
  }

  private Transfer pull(Path snapshot, Optional<Path> parent, Path targetDir, TransferWatch watch)
      throws BtrfsException {
    side.refuseIfAborted("send " + side.show(snapshot));
    Path received = targetDir.resolve(snapshot.getFileName());
    String what = "cannot send " + side.show(snapshot) + " to " + targetDir + ": ";
    if (local.inspect(received).kind() != PathInfo.Kind.MISSING) {
      throw new BtrfsException(what + received + " already exists");
    }
    String expected = identity(this, snapshot, what);
    List<String> send = RemoteCommands.send(snapshot, parent);
    List<String> receive = BtrfsCommands.receiveConfined(targetDir);
    Programs.Piped piped =
        Programs.pipe(
            side.connection().argvToRun(send),
            receive,
            Programs.Counted.SECOND_READS,
            stallTimeout,
            watch);
    if (!piped.ok()) {
      if (piped.stalled() || piped.fromExit() == Connection.SSH_FAILED) {
        abandonConnection();
      }
      throw new BtrfsException(
          what
              + failure(
                  "ssh "
                      + side.connection().host().login()
                      + " "
                      + words(send)
                      + " | "
                      + BtrfsCommands.display(receive),
                  "ssh",
                  "btrfs receive",
                  piped,
                  true)
              + removeLocalPartial(received));
    }
    try {
      Subvolume got = local.show(received);
      verify(got.readOnly(), got.receivedUuid(), received.toString(), expected);
    } catch (BtrfsException e) {
      throw new BtrfsException(what + e.getMessage() + removeLocalPartial(received), e);
    }
    return new Transfer(piped.bytes(), piped.elapsed());
  }

  private void abandonConnection() {
    try {
      side.connection().abandon();
    } catch (BtrfsException e) {
      // The clean-up then tries the old master, and says so if it fails.
    }
  }

  private static String identity(Btrfs btrfs, Path snapshot, String what) throws BtrfsException {
    try {
      return btrfs.show(snapshot).identity();
    } catch (BtrfsException e) {
      throw new BtrfsException(what + e.getMessage(), e);
    }
  }

  private static void verify(
      boolean readOnly, Optional<String> receivedUuid, String shown, String expected)
      throws BtrfsException {
    if (!readOnly) {
      throw new BtrfsException("the received " + shown + " is not read-only");
    }
    if (!receivedUuid.equals(Optional.of(expected))) {
      throw new BtrfsException(
          "the received "
              + shown
              + " has received uuid "
              + receivedUuid.orElse("-")
              + ", expected "
              + expected);
    }
  }

  /** Why a pipe failed: the stall, OpenSSH's words, or btrfs's, with both exit codes. */
  private String failure(
      String display, String fromName, String toName, Programs.Piped piped, boolean sshFirst) {
    String exits =
        fromName + " exit " + piped.fromExit() + ", " + toName + " exit " + piped.toExit();
    if (piped.stalled()) {
      return display
          + " stopped: no data moved for "
          + stallTimeout.toSeconds()
          + " s (stall_timeout; "
          + exits
          + ")";
    }
    int sshExit = sshFirst ? piped.fromExit() : piped.toExit();
    String sshErr = sshFirst ? piped.fromErr() : piped.toErr();
    String why;
    if (sshExit == Connection.SSH_FAILED) {
      why = side.connection().unreachable(sshErr);
    } else {
      why = errors(piped.fromErr() + "\n" + piped.toErr());
      if (why.isBlank()) {
        int worst = Math.max(piped.fromExit(), piped.toExit());
        why = worst > 128 ? "stopped by signal " + (worst - 128) : "btrfs printed no error message";
      }
      why += side.connection().sudoHint(sshErr);
    }
    return display + " failed (" + exits + "): " + why;
  }

  /** {@code stderr} without the lines btrfs prints on success. */
  private static String errors(String stderr) {
    return stderr
        .lines()
        .filter(
            l ->
                !l.isBlank()
                    && !l.startsWith("At subvol ")
                    && !l.startsWith("At snapshot ")
                    && !l.startsWith("Chroot to "))
        .collect(joining("\n"));
  }

  private static String words(List<String> remote) {
    return BtrfsCommands.display(remote);
  }

  /** Removes a partial receive into this machine, as RealBtrfs does after its own failures. */
  private String removeLocalPartial(Path received) {
    try {
      if (local.inspect(received).kind() != PathInfo.Kind.SUBVOLUME
          || local.show(received).readOnly()) {
        return "";
      }
      local.delete(List.of(received));
      return "; removed the partial " + received;
    } catch (BtrfsException e) {
      return "; could not remove the partial " + received + ": " + e.getMessage();
    }
  }
}
