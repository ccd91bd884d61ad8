package backuptool.status;

import java.util.Locale;

/** A pair's one-line verdict: ok, stale, broken or unreachable, and why. */
public record Health(Verdict verdict, String reason) {

  /** From good to bad; a pair gets the worst that applies. */
  public enum Verdict {
    OK,
    STALE,
    BROKEN,
    UNREACHABLE;

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** "stale: newest backup 3 days old". */
  public String line() {
    return verdict.word() + ": " + reason;
  }
}
