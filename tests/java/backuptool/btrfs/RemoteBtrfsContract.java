package backuptool.btrfs;

import backuptool.realbtrfs.LoopBtrfs;
import backuptool.realbtrfs.RealBtrfsSupport;
import backuptool.ssh.SshServer;
import backuptool.ssh.SshSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The contract against the port of another machine, over a real sshd: every question and change
 * goes over ssh, each send crosses between the two machines (both see the same loop filesystems,
 * see {@link SshServer}). A second key, whose forced command drops the capabilities that let root
 * read any directory, lists as a user to whom file modes apply.
 */
abstract class RemoteBtrfsContract extends RealFilesystemsContract {
  private static LoopBtrfs source;
  private static LoopBtrfs target;
  private static LoopBtrfs plainFs;
  static SshServer server;
  static Path key;
  static Path unprivilegedKey;
  private static int masters;

  private Btrfs btrfs;
  private Btrfs unprivileged;

  /** The port under test, through {@code key} and a master in {@code controlDir}. */
  abstract Btrfs port(SshServer server, Path key, Path controlDir);

  @BeforeAll
  static void start() throws IOException {
    RealBtrfsSupport.assumeAvailable();
    SshSupport.assumeAvailable();
    source = LoopBtrfs.create("wire source fs", 512);
    target = LoopBtrfs.create("wire target");
    plainFs = LoopBtrfs.tmpfs("wire plain");
    server = SshServer.start();
    key = server.newClientKey("root");
    unprivilegedKey = server.newClientKey("unprivileged");
    String drop = "-dac_override,-dac_read_search";
    server.authorize(
        List.of(
            server.authorizedKeysLine(key, ""),
            server.authorizedKeysLine(
                unprivilegedKey,
                "command=\"setpriv --inh-caps="
                    + drop
                    + " --bounding-set="
                    + drop
                    + " -- sh -c \\\"$SSH_ORIGINAL_COMMAND\\\"\",restrict")));
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      if (server != null) {
        server.close(); // first: its sessions may still use the filesystems
      }
    } finally {
      LoopBtrfs.closeAll(source, target, plainFs);
    }
  }

  @BeforeEach
  void ports() throws IOException {
    btrfs = port(server, key, Files.createDirectory(server.dir().resolve("m" + ++masters)));
    unprivileged =
        port(server, unprivilegedKey, Files.createDirectory(server.dir().resolve("m" + ++masters)));
  }

  @Override
  Btrfs btrfs() {
    return btrfs;
  }

  @Override
  Path sourceFs() {
    return source.root();
  }

  @Override
  Path targetFs() {
    return target.root();
  }

  @Override
  Path plainFs() {
    return plainFs.root();
  }

  @Override
  void listWithPermissionChecks(Path dir) throws BtrfsException {
    unprivileged.list(dir);
  }
}
