package backuptool.realbtrfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs the system commands that set up and tear down real-btrfs tests. */
public final class Commands {
  private Commands() {}

  /** Runs {@code argv} (no shell) and returns its output; a non-zero exit is an IOException. */
  public static String run(String... argv) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().put("LC_ALL", "C");
    Process p = pb.start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      int exit = p.waitFor();
      if (exit != 0) {
        throw new IOException(
            String.join(" ", List.of(argv)) + " failed (exit " + exit + "): " + output.trim());
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", argv), e);
    }
    return output;
  }
}
