package backuptool.btrfs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import backuptool.realbtrfs.Commands;
import backuptool.realbtrfs.LoopBtrfs;
import backuptool.realbtrfs.RealBtrfsSupport;
import backuptool.realbtrfs.TestData;
import backuptool.remote.RemotePorts;
import backuptool.ssh.SshServer;
import backuptool.ssh.SshSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The figures of sends to and from another machine, over a real sshd: the bytes reported are those
 * of {@code btrfs send ... | wc -c} of the same snapshot, within what the local btrfs process reads
 * or writes besides the stream (a few KiB), for a long full send that is reported on while it runs,
 * an incremental, and tiny incrementals that end between two reads of the count.
 */
@Tag("btrfs")
class RemoteSendFiguresTest {
  /** What the local btrfs process (and the test JVM) may read or write besides the stream. */
  private static final long SLACK = 64 << 10;

  private static LoopBtrfs source;
  private static LoopBtrfs target;
  private static SshServer server;
  private static Path key;
  private static int masters;

  @BeforeAll
  static void start() throws IOException {
    RealBtrfsSupport.assumeAvailable();
    SshSupport.assumeAvailable();
    source = LoopBtrfs.create("wire-figures-source", 1024);
    target = LoopBtrfs.create("wire-figures-target", 1024);
    server = SshServer.start();
    key = server.newClientKey("root");
    server.authorize(List.of(server.authorizedKeysLine(key, "")));
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      LoopBtrfs.closeAll(source, target);
    }
  }

  private static Path controlDir() throws IOException {
    return Files.createDirectory(server.dir().resolve("m" + ++masters));
  }

  @Test
  void pushedBytesAreTheStreamsSize() throws Exception {
    assertFigures(RemotePorts.push(server, key, controlDir()), "push");
  }

  @Test
  void pulledBytesAreTheStreamsSize() throws Exception {
    assertFigures(RemotePorts.pull(server, key, controlDir()), "pull");
  }

  private static void assertFigures(Btrfs btrfs, String name) throws Exception {
    Path dir = Files.createDirectories(source.root().resolve(name));
    Path backups = Files.createDirectories(target.root().resolve(name));
    Path vol = dir.resolve("vol");
    Commands.run("btrfs", "subvolume", "create", vol.toString());
    TestData.fill(vol, 7);
    TestData.randomFile(vol.resolve("random.bin"), 7, 200L << 20);
    Path s1 = snapshot(vol, dir, "s1");

    List<Long> reported = new ArrayList<>();
    Transfer full =
        btrfs.send(
            s1,
            Optional.empty(),
            backups,
            (bytes, elapsed, total) -> {
              synchronized (reported) {
                reported.add(bytes);
              }
            });
    assertClose(streamSize(s1, Optional.empty()), full, name + " full");
    assertTrue(reported.size() >= 2, "reported on while it runs: " + reported);
    assertTrue(reported.get(reported.size() - 1) <= full.bytes() + SLACK, "" + reported);

    TestData.change(vol, 8);
    Path previous = snapshot(vol, dir, "s2");
    assertClose(
        streamSize(previous, Optional.of(s1)),
        btrfs.send(previous, Optional.of(s1), backups),
        name + " incremental");
    for (int i = 3; i <= 6; i++) {
      Files.writeString(vol.resolve("tiny-" + i), "x");
      Path next = snapshot(vol, dir, "s" + i);
      assertClose(
          streamSize(next, Optional.of(previous)),
          btrfs.send(next, Optional.of(previous), backups),
          name + " tiny " + i);
      previous = next;
    }
  }

  private static void assertClose(long expected, Transfer transfer, String what) {
    System.out.printf(
        "remote send figures: %s: stream %d bytes, reported %d (%+d)%n",
        what, expected, transfer.bytes(), transfer.bytes() - expected);
    assertTrue(
        Math.abs(transfer.bytes() - expected) <= SLACK,
        what + ": stream " + expected + " bytes, reported " + transfer.bytes());
    assertTrue(transfer.elapsed().compareTo(Duration.ZERO) > 0);
  }

  private static Path snapshot(Path vol, Path dir, String name) throws IOException {
    Path snapshot = dir.resolve(name);
    Commands.run("btrfs", "subvolume", "snapshot", "-r", vol.toString(), snapshot.toString());
    return snapshot;
  }

  /** {@code btrfs send [-p PARENT] SNAPSHOT | wc -c}. */
  private static long streamSize(Path snapshot, Optional<Path> parent) throws IOException {
    List<Process> ps =
        ProcessBuilder.startPipeline(
            List.of(
                new ProcessBuilder(BtrfsCommands.send(snapshot, parent))
                    .redirectError(ProcessBuilder.Redirect.DISCARD),
                new ProcessBuilder("wc", "-c")));
    String count = new String(ps.get(1).getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      ps.get(0).waitFor();
      ps.get(1).waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return Long.parseLong(count.trim());
  }
}
