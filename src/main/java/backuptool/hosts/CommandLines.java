package backuptool.hosts;

import backuptool.btrfs.BtrfsCommands;
import backuptool.model.Host;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The command lines that run each operation on its host, shell-quoted for people: what -v and
 * --json show, from the same lists the ports run. On this machine the btrfs command itself; on
 * another, the ssh command that runs it there.
 */
public interface CommandLines {
  /** For this machine alone (another host is an IllegalArgumentException). */
  CommandLines LOCAL =
      new CommandLines() {
        @Override
        public String snapshot(Host host, Path volume, Path destination) {
          local(host);
          return BtrfsCommands.display(BtrfsCommands.snapshot(volume, destination));
        }

        @Override
        public String send(
            Host from, Path snapshot, Optional<Path> parent, Host to, Path targetDir) {
          local(from);
          local(to);
          return BtrfsCommands.display(BtrfsCommands.send(snapshot, parent))
              + " | "
              + BtrfsCommands.display(BtrfsCommands.receive(targetDir));
        }

        @Override
        public String delete(Host host, List<Path> subvolumes) {
          local(host);
          return BtrfsCommands.display(BtrfsCommands.delete(subvolumes));
        }

        private void local(Host host) {
          if (!host.isLocal()) {
            throw new IllegalArgumentException("not this machine: " + host);
          }
        }
      };

  /** A read-only snapshot of {@code volume} at {@code destination}, both on {@code host}. */
  String snapshot(Host host, Path volume, Path destination);

  /** {@code snapshot} on {@code from} sent into {@code targetDir} on {@code to}. */
  String send(Host from, Path snapshot, Optional<Path> parent, Host to, Path targetDir);

  /** Deletes {@code subvolumes} on {@code host}: one line per command, if it takes several. */
  String delete(Host host, List<Path> subvolumes);
}
