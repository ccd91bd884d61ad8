/**
 * The one port to btrfs: listing, snapshot, send/receive and delete, with its btrfs-progs
 * implementation.
 */
package backuptool.btrfs;
