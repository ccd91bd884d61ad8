package backuptool.btrfs;

import backuptool.model.Subvolume;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything backup-tool asks of btrfs. The real implementation runs btrfs-progs; a strict
 * in-memory fake in the tests refuses whatever real btrfs would refuse. All paths are absolute.
 */
public interface Btrfs {

  /** What is at {@code path}, without following a final symlink, and which filesystem holds it. */
  PathInfo inspect(Path path) throws BtrfsException;

  /**
   * The entries directly inside directory {@code dir}: its subvolumes with their btrfs identity,
   * and everything else by name. Costs at most one btrfs process per filesystem per scan, never one
   * per subvolume. Fails if {@code dir} is missing, unreadable or not on btrfs.
   */
  Listing list(Path dir) throws BtrfsException;

  /**
   * A hint that a scan will soon {@link #list} each of {@code directories} and {@link #show} each
   * of {@code volumes}: an implementation may start reading them now, alongside the caller, and
   * answer those calls from what it read until it changes something. Changes nothing and never
   * fails: a read that fails here fails the call that takes its answer, as it would have anyway.
   */
  default void readAhead(List<Path> directories, List<Path> volumes) {}

  /**
   * Ends a {@link #readAhead}: waits for what it started and no call took (a scan that did not get
   * that far), and drops it, so that no read runs alongside what comes next.
   */
  default void endReadAhead() {}

  /**
   * What btrfs knows of subvolume {@code subvolume}: its uuids, read-only flag and creation
   * generation; {@code name} is its file name. One {@code btrfs subvolume show}. Fails if it is
   * missing or not a subvolume.
   */
  Subvolume show(Path subvolume) throws BtrfsException;

  /**
   * True if a subvolume with uuid {@code uuid} exists now on the btrfs filesystem that holds {@code
   * path}, wherever it is and whether read-only or writable. Costs at most one btrfs process per
   * filesystem until this instance changes something, however many uuids are asked.
   */
  boolean uuidExists(Path path, String uuid) throws BtrfsException;

  /**
   * The mount point that /etc/fstab lists at or above {@code path} (other than /) when nothing is
   * mounted on it now: the sign of a backup disk that is unplugged or not yet mounted.
   */
  Optional<Path> unmountedMountPoint(Path path) throws BtrfsException;

  /**
   * True if a receive ever completed into subvolume {@code path}: btrfs then records a receive
   * transid, which stays even when the subvolume is later made writable (and loses its received
   * uuid). A receive that was interrupted never gets one.
   */
  boolean receiveCompleted(Path path) throws BtrfsException;

  /** Creates a read-only snapshot of subvolume {@code volume} at {@code destination}. */
  void snapshot(Path volume, Path destination) throws BtrfsException;

  /**
   * Sends read-only snapshot {@code snapshot} (incrementally from {@code parent} if present) and
   * receives it into directory {@code targetDir} under the snapshot's own name. Returns only when
   * the received subvolume is complete: read-only, with the snapshot's uuid as received uuid. While
   * it runs, {@code watch} is told the bytes sent so far (at most once per 250 ms, from another
   * thread, never after this returns), with an expected total for a full send when one can be had
   * cheaply; the result is the whole stream's size and the whole time.
   */
  Transfer send(Path snapshot, Optional<Path> parent, Path targetDir, TransferWatch watch)
      throws BtrfsException;

  /** {@link #send(Path, Optional, Path, TransferWatch)} with nobody watching. */
  default Transfer send(Path snapshot, Optional<Path> parent, Path targetDir)
      throws BtrfsException {
    return send(snapshot, parent, targetDir, TransferWatch.NONE);
  }

  /** Deletes the given subvolumes, as few processes as possible. */
  void delete(List<Path> subvolumes) throws BtrfsException;

  /**
   * Stops the running snapshot or send at once, as after SIGINT or SIGTERM; the interrupted call
   * fails (removing a partial receive, as on any failure), and later snapshot and send calls fail
   * without starting. Delete still works, for cleaning up. Safe to call from any thread.
   */
  void abort();
}
