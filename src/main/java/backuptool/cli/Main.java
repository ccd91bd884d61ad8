package backuptool.cli;

/** The process entry point; everything testable lives in {@link Cli#run}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(Cli.run(args, System.out, System.err, Environment.real()));
  }
}
