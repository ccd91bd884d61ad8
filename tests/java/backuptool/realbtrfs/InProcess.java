package backuptool.realbtrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import backuptool.btrfs.Btrfs;
import backuptool.cli.Cli;
import backuptool.cli.Environment;
import backuptool.cli.Interruption;
import backuptool.cli.Privileges;
import backuptool.hosts.Remotes;
import backuptool.journal.FileReceiveJournal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;

/**
 * The tool's command line run in this JVM against {@code env}: the configuration text is written to
 * backup_config.toml in {@code work} and named with --config.
 */
public final class InProcess {
  private InProcess() {}

  /**
   * The environment of an in-process run on real btrfs as root: the real journal, {@code clock}, no
   * signals, {@code work} as working directory (its locks there, no system configuration) and
   * {@code remotes} for other machines.
   */
  public static Environment environment(Btrfs btrfs, Clock clock, Path work, Remotes remotes) {
    return new Environment(
        btrfs,
        new FileReceiveJournal(),
        clock,
        Interruption.none(),
        work,
        work.resolve("none.toml"),
        work.resolve("locks"),
        Privileges.root(),
        false,
        System::nanoTime,
        false,
        remotes);
  }

  /** What a run printed, and its exit code. */
  public record Run(int exit, String out, String err) {}

  public static Run run(Environment env, Path work, String config, String... args)
      throws IOException {
    Path file = work.resolve("backup_config.toml");
    Files.writeString(file, config);
    String[] argv =
        Stream.concat(Stream.of(args), Stream.of("--config", file.toString()))
            .toArray(String[]::new);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Cli.run(
            argv,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env);
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** {@link #run}, which must exit 0 with nothing on standard error. */
  public static Run ok(Environment env, Path work, String config, String... args)
      throws IOException {
    Run r = run(env, work, config, args);
    assertEquals(0, r.exit(), () -> r.out() + r.err());
    assertEquals("", r.err());
    return r;
  }
}
