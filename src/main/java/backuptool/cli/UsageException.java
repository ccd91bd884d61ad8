package backuptool.cli;

/** The command line cannot be used; the message says why. */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
