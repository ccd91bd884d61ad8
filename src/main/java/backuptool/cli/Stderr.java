package backuptool.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Standard error, where errors and warnings go. When it is the journal's stream (a systemd
 * service), each line starts with its syslog priority as sd-daemon(3) describes ({@code <3>} error,
 * {@code <4>} warning, {@code <6>} info): journald files the line at that level and strips the
 * prefix, where it would otherwise file every line at the stream's level, info by default. Anywhere
 * else (a terminal, cron's mail, a file) lines go out as they are.
 */
final class Stderr {
  private final PrintStream err;
  private final boolean journal;

  Stderr(PrintStream err, boolean journal) {
    this.err = err;
    this.journal = journal;
  }

  /**
   * The stream itself, for the progress line on a terminal, which redraws in place and is never the
   * journal's stream.
   */
  PrintStream terminal() {
    return err;
  }

  /** Something failed or was refused. */
  void error(String text) {
    print("<3>", text);
  }

  /** Something was left undone, but the run went on: a busy pair, the metrics file. */
  void warning(String text) {
    print("<4>", text);
  }

  /** Context for a person, such as the usage synopsis before a usage error. */
  void info(String text) {
    print("<6>", text);
  }

  /** Every line of {@code text} (a final newline ends the last one), each with the priority. */
  private void print(String priority, String text) {
    String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    for (String line : body.split("\n", -1)) {
      err.println(journal ? priority + line : line);
    }
    err.flush();
  }

  /**
   * Whether standard error is the journal stream that {@code journalStream} (the value of
   * $JOURNAL_STREAM, or null) names. systemd.exec(5): the variable alone is not enough, since a
   * service may start a process with its standard error sent elsewhere (a shell's 2>file) without
   * unsetting it; its device and inode must be those of the stream on descriptor 2.
   */
  static boolean isJournal(String journalStream) {
    if (journalStream == null) {
      return false;
    }
    try {
      Map<String, Object> fd2 = Files.readAttributes(Path.of("/proc/self/fd/2"), "unix:dev,ino");
      return names(journalStream, (Long) fd2.get("dev"), (Long) fd2.get("ino"));
    } catch (IOException | RuntimeException e) {
      return false; // no descriptor 2, or no /proc: not the journal as far as can be told
    }
  }

  /** Whether $JOURNAL_STREAM's "DEVICE:INODE", both decimal, names this device and inode. */
  static boolean names(String journalStream, long dev, long ino) {
    return journalStream.equals(Long.toUnsignedString(dev) + ":" + Long.toUnsignedString(ino));
  }
}
