package backuptool.realbtrfs;

import backuptool.btrfs.BtrfsException;
import backuptool.btrfs.RealBtrfs;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Runs {@link RealBtrfs#list} in a child JVM that is root without the capabilities to override file
 * modes, so that a directory with mode 000 is unreadable to it, as it is to any other user: the
 * test JVM, as root, reads every directory.
 */
public final class ListWithoutPrivilege {
  private static final int REFUSED = 3;

  private ListWithoutPrivilege() {}

  public static void main(String[] args) {
    try {
      new RealBtrfs().list(Path.of(args[0]));
    } catch (BtrfsException e) {
      System.err.print(e.getMessage());
      System.exit(REFUSED);
    }
  }

  /** Lists {@code dir} in the child; its BtrfsException is rethrown here. */
  public static void list(Path dir) throws BtrfsException, IOException, InterruptedException {
    String drop = "-dac_override,-dac_read_search";
    ProcessBuilder pb =
        new ProcessBuilder(
                "setpriv",
                "--inh-caps=" + drop,
                "--bounding-set=" + drop,
                "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-cp",
                location(RealBtrfs.class) + ":" + location(ListWithoutPrivilege.class),
                ListWithoutPrivilege.class.getName(),
                dir.toString())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = p.waitFor();
    if (exit == REFUSED) {
      throw new BtrfsException(stderr);
    }
    if (exit != 0) {
      throw new IOException(
          String.join(" ", pb.command()) + " failed (exit " + exit + "): " + stderr);
    }
  }

  private static String location(Class<?> c) throws IOException {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IOException("cannot locate the classes of " + c, e);
    }
  }
}
