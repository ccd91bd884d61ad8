package backuptool.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Whether standard error is a terminal. Java 17 has no isatty for it ({@code System.console()}
 * looks at standard input and output only), so this asks the kernel where descriptor 2 leads: a
 * terminal device (a pseudo-terminal {@code /dev/pts/N}, a console {@code /dev/ttyN}, {@code
 * /dev/console}, a serial line {@code /dev/ttyS0}) or something else (a pipe or socket, as under
 * cron, journald or a pipeline; a file; {@code /dev/null}).
 */
final class Terminal {
  private Terminal() {}

  private static final Pattern DEVICE =
      Pattern.compile("/dev/pts/[0-9]+|/dev/tty[A-Za-z]*[0-9]*|/dev/console");

  static boolean stderr() {
    return isTerminal(Path.of("/proc/self/fd/2"));
  }

  /** True if {@code descriptor} (a /proc/.../fd/N link) leads to a terminal device. */
  static boolean isTerminal(Path descriptor) {
    try {
      return isTerminalDevice(Files.readSymbolicLink(descriptor).toString());
    } catch (IOException | UnsupportedOperationException e) {
      return false; // no /proc, or no descriptor 2: nobody to draw for
    }
  }

  static boolean isTerminalDevice(String target) {
    return DEVICE.matcher(target).matches();
  }
}
