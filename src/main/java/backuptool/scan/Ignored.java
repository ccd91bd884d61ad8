package backuptool.scan;

/**
 * An entry of a snapshot or backup directory that is neither a snapshot nor a backup, and why. Only
 * an incomplete receive that the journal shows this tool started may ever be removed.
 */
public record Ignored(String name, String why, Kind kind) {

  /** What the entry is, as far as safety goes. */
  public enum Kind {
    /** Anything else: left alone, listed with -v. */
    OTHER,
    /** An incomplete receive that this tool cannot show it started: left alone, always shown. */
    INCOMPLETE,
    /** An incomplete receive that the journal shows this tool started: removed, then re-sent. */
    LEFT_BY_INTERRUPTED_RUN
  }
}
