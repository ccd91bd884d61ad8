package backuptool.btrfs;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The kernel's count of bytes written ({@code wchar} in {@code /proc/.../io}): every successful
 * write(2) and its kin, to any file, pipe or terminal, as the kernel counted it. A process's count
 * also holds what its reaped children wrote, which is how the JVM learns a finished child's last
 * count (see {@link SendMeter}). Empty when the file cannot be read (a process that is gone, or a
 * /proc that hides it).
 */
final class ProcIo {
  private ProcIo() {}

  private static final Path JVM = Path.of("/proc/self/io");
  private static final Path THIS_THREAD = Path.of("/proc/thread-self/io");

  /** The whole JVM: its live threads, its ended threads, and its reaped children. */
  static OptionalLong jvm() {
    return wchar(JVM);
  }

  /** The calling thread alone: what it wrote itself. */
  static OptionalLong thisThread() {
    return wchar(THIS_THREAD);
  }

  /** Process {@code pid}, while it exists (running, or exited and not yet reaped). */
  static OptionalLong process(long pid) {
    return wchar(Path.of("/proc", Long.toString(pid), "io"));
  }

  static OptionalLong wchar(Path ioFile) {
    // A FileInputStream, not a channel (Files.readString): a channel closes on an interrupted
    // thread instead of reading, and a count must not be lost to an interrupt.
    try (InputStream in = new FileInputStream(ioFile.toFile())) {
      return parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  static OptionalLong parse(String io) {
    for (String line : io.split("\n", -1)) {
      if (line.startsWith("wchar:")) {
        try {
          return OptionalLong.of(Long.parseLong(line.substring("wchar:".length()).trim()));
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }
}
