package backuptool.model;

/** Keep what is among the newest {@code count} or younger than {@code days} days. */
public record Retention(int days, int count) {
  public Retention {
    if (days < 0 || count < 1) {
      throw new IllegalArgumentException("invalid retention: " + days + " days, count " + count);
    }
  }

  @Override
  public String toString() {
    return "keep the newest "
        + count
        + " and any younger than "
        + days
        + (days == 1 ? " day" : " days");
  }
}
