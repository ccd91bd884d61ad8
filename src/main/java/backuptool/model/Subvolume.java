package backuptool.model;

import java.util.Optional;

/**
 * A subvolume as btrfs knows it. {@code name} is its entry name in the listed directory; uuids are
 * btrfs's text form; {@code generation} is the generation it was created in (cgen), which orders
 * subvolumes of one filesystem by creation.
 */
public record Subvolume(
    String name,
    String uuid,
    Optional<String> parentUuid,
    Optional<String> receivedUuid,
    boolean readOnly,
    long generation) {

  /**
   * Which data this is, across filesystems: the received uuid when it has one, else its own uuid. A
   * backup carries its snapshot's identity as received uuid, and a snapshot restored from that
   * backup carries it too, so both sides of a restore stay the same data.
   */
  public String identity() {
    return receivedUuid.orElse(uuid);
  }
}
