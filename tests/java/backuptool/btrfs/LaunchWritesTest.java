package backuptool.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * A window measures a child's launch writes only when no other child of the tool ran in it: one
 * read ahead over ssh on another thread would add its own writes (measured so, a push once
 * subtracted 2.4 KB per child from a 4 KB stream and reported 0 bytes sent).
 */
class LaunchWritesTest {
  private static Process run(List<String> argv) throws Exception {
    return Processes.start(List.of(Processes.builder(argv)), String.join(" ", argv)).get(0);
  }

  private static OptionalLong measure(List<String> argv) throws Exception {
    LaunchWrites.Window window = LaunchWrites.Window.open();
    Process p = run(argv);
    window.started();
    long out = p.getInputStream().readAllBytes().length;
    out += p.getErrorStream().readAllBytes().length;
    p.waitFor();
    return window.reaped(p, out);
  }

  /**
   * Waits until no child of the tool runs in this JVM: an earlier test's child may still be ending
   * (an ssh master told to exit, a listing read ahead and never taken), and a window in which one
   * runs rightly measures nothing.
   */
  private static void awaitNoOtherChild() throws InterruptedException {
    for (int i = 0; i < 1000 && !Processes.noneRunningBut(null); i++) {
      Thread.sleep(10);
    }
    assertTrue(Processes.noneRunningBut(null), "the other tests' children ended within 10 s");
  }

  @Test
  void aChildAloneIsMeasured() throws Exception {
    awaitNoOtherChild();
    OptionalLong launch = measure(List.of("printf", "%s", "hello"));
    assertTrue(launch.isPresent(), "measured");
    assertTrue(launch.getAsLong() < 1024, "a launch writes a few bytes: " + launch);
  }

  @Test
  void aWindowInWhichAnotherChildRanMeasuresNothing() throws Exception {
    awaitNoOtherChild();
    Process other = run(List.of("sh", "-c", "sleep 0.3; head -c 4000 /dev/zero"));
    try {
      assertEquals(OptionalLong.empty(), measure(List.of("printf", "%s", "hello")), "running");
    } finally {
      other.getInputStream().readAllBytes();
      other.waitFor();
    }
    // Started and ended within the window.
    LaunchWrites.Window window = LaunchWrites.Window.open();
    Process p = run(List.of("printf", "%s", "hello"));
    window.started();
    Process quick = run(List.of("head", "-c", "4000", "/dev/zero"));
    quick.getInputStream().readAllBytes();
    quick.waitFor();
    long out = p.getInputStream().readAllBytes().length;
    p.waitFor();
    assertEquals(OptionalLong.empty(), window.reaped(p, out), "started and ended meanwhile");
  }
}
