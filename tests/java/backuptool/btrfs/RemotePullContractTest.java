package backuptool.btrfs;

import backuptool.remote.RemotePorts;
import backuptool.ssh.SshServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;

/** The contract against another machine's port whose sends come from there to this one (pull). */
@Tag("btrfs")
class RemotePullContractTest extends RemoteBtrfsContract {
  @Override
  Btrfs port(SshServer server, Path key, Path controlDir) {
    return RemotePorts.pull(server, key, controlDir);
  }
}
