package backuptool.remote;

import backuptool.btrfs.BtrfsCommands;
import backuptool.hosts.CommandLines;
import backuptool.model.Host;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The command lines of operations on any host of a run: this machine's as {@link
 * CommandLines#LOCAL} shows them, another's as the ssh command that runs them there, from the same
 * lists that {@link RemoteBtrfs} runs.
 */
final class SshCommandLines implements CommandLines {
  /** Characters that double quotes would not keep literal in a shell. */
  private static final Pattern NOT_IN_DOUBLE_QUOTES = Pattern.compile("[\"$`\\\\!]");

  private final Function<SshHost, Connection> connections;

  SshCommandLines(Function<SshHost, Connection> connections) {
    this.connections = connections;
  }

  @Override
  public String snapshot(Host host, Path volume, Path destination) {
    if (host.isLocal()) {
      return LOCAL.snapshot(host, volume, destination);
    }
    return remote(host, RemoteCommands.snapshot(volume, destination));
  }

  @Override
  public String send(Host from, Path snapshot, Optional<Path> parent, Host to, Path targetDir) {
    if (from.isLocal() && to.isLocal()) {
      return LOCAL.send(from, snapshot, parent, to, targetDir);
    }
    if (from.isLocal()) {
      return BtrfsCommands.display(BtrfsCommands.send(snapshot, parent))
          + " | "
          + remote(to, RemoteCommands.receive(targetDir));
    }
    if (to.isLocal()) {
      return remote(from, RemoteCommands.send(snapshot, parent))
          + " | "
          + BtrfsCommands.display(BtrfsCommands.receiveConfined(targetDir));
    }
    throw new IllegalArgumentException("both sides on other machines: " + from + ", " + to);
  }

  @Override
  public String delete(Host host, List<Path> subvolumes) {
    if (host.isLocal()) {
      return LOCAL.delete(host, subvolumes);
    }
    return RemoteCommands.deleteBatches(subvolumes).stream()
        .map(batch -> remote(host, batch))
        .collect(Collectors.joining("\n"));
  }

  private String remote(Host host, List<String> command) {
    return display(connections.apply((SshHost) host).argv(command));
  }

  /**
   * {@code argv} for a shell, as {@link BtrfsCommands#display} shows it, but the last word (the
   * remote command line, full of single quotes) in double quotes when that keeps it literal: easier
   * to read than single quotes escaped, and just as exact.
   */
  static String display(List<String> argv) {
    String last = argv.get(argv.size() - 1);
    String shown =
        NOT_IN_DOUBLE_QUOTES.matcher(last).find()
            ? BtrfsCommands.display(List.of(last))
            : "\"" + last + "\"";
    return BtrfsCommands.display(argv.subList(0, argv.size() - 1)) + " " + shown;
  }
}
