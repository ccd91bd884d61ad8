package backuptool.btrfs;

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
    long generation) {}
