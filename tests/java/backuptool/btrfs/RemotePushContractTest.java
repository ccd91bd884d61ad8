package backuptool.btrfs;

import backuptool.remote.RemotePorts;
import backuptool.ssh.SshServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;

/** The contract against another machine's port whose sends go there from this one (push). */
@Tag("btrfs")
class RemotePushContractTest extends RemoteBtrfsContract {
  @Override
  Btrfs port(SshServer server, Path key, Path controlDir) {
    return RemotePorts.push(server, key, controlDir);
  }
}
