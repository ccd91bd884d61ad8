package backuptool.btrfs;

import java.util.Locale;

/** Byte counts for people: binary units, three significant digits at most. */
public final class Sizes {
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

  private Sizes() {}

  /** "512 B", "1.0 KiB", "394 MiB", "1.5 GiB". */
  public static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    double v = n;
    int unit = 0;
    while (v >= 1024 && unit < UNITS.length - 1) {
      v /= 1024;
      unit++;
    }
    String number =
        v >= 99.95 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    return number + " " + UNITS[unit];
  }
}
