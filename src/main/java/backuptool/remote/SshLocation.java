package backuptool.remote;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * A side of a pair on another machine: {@code ssh://[user@]host[:port]/absolute/path}.
 *
 * <p>Not a general URL: everything after the host (and port) is the path exactly as written (no
 * percent-decoding, no query or fragment), because that is what users write for directories with
 * spaces or {@code #} in their names. The path is normalised ({@code //} and {@code .} dropped, no
 * trailing slash); {@code ..} is refused rather than resolved, since the remote side's symbolic
 * links decide what it means.
 *
 * @param user the remote user, if the URL names one (otherwise the [ssh] table's or ssh's default)
 * @param host a host name, an IPv4 address, or an IPv6 address (without the brackets of the URL)
 * @param port the port, if the URL names one
 * @param path the absolute, normalised path on the remote machine
 */
public record SshLocation(Optional<String> user, String host, OptionalInt port, String path) {
  public static final String SCHEME = "ssh://";

  /** What ssh and login accept as a user name, and no option (no leading '-'). */
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

  /** Host names and IPv4 addresses; no leading '-', which ssh would take for an option. */
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?");

  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /** The URL back, in its normalised form. */
  @Override
  public String toString() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return SCHEME
        + user.map(u -> u + "@").orElse("")
        + h
        + (port.isPresent() ? ":" + port.getAsInt() : "")
        + path;
  }

  /** A parsed location, or every problem found; exactly one of them is present. */
  public record Parsed(Optional<SshLocation> location, List<String> problems) {
    public Parsed {
      problems = List.copyOf(problems);
      if (location.isPresent() == !problems.isEmpty()) {
        throw new IllegalArgumentException("a location or problems, not both");
      }
    }
  }

  /** Whether {@code text} is meant as an ssh location (and is then parsed by {@link #parse}). */
  public static boolean isSsh(String text) {
    return text.startsWith(SCHEME);
  }

  /** {@code url} as a location, or every reason why it is not one, each saying what to write. */
  public static Parsed parse(String url) {
    List<String> problems = new ArrayList<>();
    if (!isSsh(url)) {
      return new Parsed(
          Optional.empty(),
          List.of(
              Shown.text(url) + " is not an ssh:// location: write ssh://[user@]host[:port]/path"));
    }
    String rest = url.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String rawPath = slash < 0 ? "" : rest.substring(slash);

    Optional<String> user = Optional.empty();
    int at = authority.lastIndexOf('@');
    String hostPort = authority;
    if (at >= 0) {
      String u = authority.substring(0, at);
      hostPort = authority.substring(at + 1);
      if (u.isEmpty()) {
        problems.add("the user before '@' is empty: write ssh://user@host/path, or leave out '@'");
      } else if (u.contains(":")) {
        problems.add(
            "a password in the URL is not supported: leave it out and use a key (identity_file)");
      } else if (!USER.matcher(u).matches()) {
        problems.add(
            "the user "
                + Shown.text(u)
                + " is not a valid user name: use letters, digits, '_', '.' and '-', not first '-'");
      } else {
        user = Optional.of(u);
      }
    }

    String host = hostPort;
    String portText = null;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close < 0) {
        problems.add("the IPv6 address has no closing ']': write ssh://[2001:db8::1]/path");
        host = "";
      } else {
        host = hostPort.substring(1, close);
        String after = hostPort.substring(close + 1);
        if (after.startsWith(":")) {
          portText = after.substring(1);
        } else if (!after.isEmpty()) {
          problems.add("unexpected " + Shown.text(after) + " after the IPv6 address");
        }
        if (!host.isEmpty() && !IPV6.matcher(host).matches()) {
          problems.add(Shown.text(host) + " in brackets is not an IPv6 address");
        }
      }
    } else {
      int colon = hostPort.lastIndexOf(':');
      if (colon >= 0) {
        host = hostPort.substring(0, colon);
        portText = hostPort.substring(colon + 1);
      }
      if (!host.isEmpty() && !HOST.matcher(host).matches()) {
        problems.add(
            "the host "
                + Shown.text(host)
                + " is not a host name or address: use letters, digits, '.', '-' and '_', not"
                + " first '-' (an IPv6 address goes in brackets: ssh://[2001:db8::1]/path)");
      }
    }
    if (host.isEmpty()) {
      problems.add("no host: write ssh://host/path (with the host's name or address)");
    }

    OptionalInt port = OptionalInt.empty();
    if (portText != null) {
      port = port(portText, problems);
    }

    String path = path(rawPath, problems);
    if (!problems.isEmpty()) {
      return new Parsed(Optional.empty(), problems);
    }
    return new Parsed(Optional.of(new SshLocation(user, host, port, path)), List.of());
  }

  private static OptionalInt port(String text, List<String> problems) {
    if (text.isEmpty()) {
      problems.add("the port after ':' is empty: write ssh://host:2222/path, or leave out ':'");
      return OptionalInt.empty();
    }
    if (text.length() <= 5 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      int p = Integer.parseInt(text);
      if (p >= 1 && p <= 65535) {
        return OptionalInt.of(p);
      }
    }
    if (text.chars().anyMatch(c -> c < '0' || c > '9')) {
      // host:path is scp's form, not a URL's: the path would be relative to the home directory.
      problems.add(
          "the port "
              + Shown.text(text)
              + " is not a number: a URL has the port after ':' and the absolute path after '/',"
              + " e.g. ssh://host:2222/backup (scp's host:path form is not accepted)");
    } else {
      problems.add("the port " + Shown.text(text) + " is not a number from 1 to 65535");
    }
    return OptionalInt.empty();
  }

  /** The normalised absolute path, or "" after adding its problems. */
  private static String path(String raw, List<String> problems) {
    if (raw.isEmpty()) {
      problems.add(
          "no path: write the absolute path after the host, e.g. ssh://host/backup/laptop");
      return "";
    }
    int before = problems.size();
    RemoteShell.problem(raw).ifPresent(p -> problems.add("the path " + Shown.text(raw) + " " + p));
    if (raw.startsWith("/~")) {
      problems.add(
          "the path "
              + Shown.text(raw)
              + " starts with '~', which is not expanded (it is not relative to a home directory):"
              + " write the absolute path, e.g. ssh://host/home/user/backup");
    }
    List<String> parts = new ArrayList<>();
    for (String part : raw.split("/", -1)) {
      if (part.equals("..")) {
        problems.add(
            "the path "
                + Shown.text(raw)
                + " has a '..' component: write the directory it means without '..'");
        break;
      }
      if (!part.isEmpty() && !part.equals(".")) {
        parts.add(part);
      }
    }
    return problems.size() > before ? "" : "/" + String.join("/", parts);
  }
}
