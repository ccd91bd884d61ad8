package backuptool.scan;

import backuptool.btrfs.PathInfo;
import backuptool.model.Pair;
import java.util.Optional;

/**
 * What a new snapshot of a pair depends on: the volume, the snapshot directory and the new name's
 * path. When {@code problem} is present they could not be inspected and are null.
 */
public record SnapshotScan(
    Pair pair, PathInfo volume, PathInfo source, PathInfo destination, Optional<String> problem) {}
