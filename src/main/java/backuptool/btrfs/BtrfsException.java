package backuptool.btrfs;

/** A btrfs operation or query failed; the message says what and, where known, why. */
public final class BtrfsException extends Exception {
  private static final long serialVersionUID = 1L;

  public BtrfsException(String message) {
    super(message);
  }

  public BtrfsException(String message, Throwable cause) {
    super(message, cause);
  }
}
