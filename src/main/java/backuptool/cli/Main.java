package backuptool.cli;

import java.util.function.Supplier;

/** The process entry point; everything testable lives in {@link Cli#run}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(Cli.run(args, System.out, System.err, new RealEnvironment()));
  }

  /**
   * The real environment, made when the run needs it. A class, not {@code Environment::real}: the
   * first lambda of a run links Java's method-handle machinery, about 10 ms that a cold --version
   * does not need.
   */
  private static final class RealEnvironment implements Supplier<Environment> {
    @Override
    public Environment get() {
      return Environment.real();
    }
  }
}
