package backuptool.config;

import backuptool.remote.SshOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/**
 * Reads an {@code [ssh]} table (the file's, or a pair's {@code ssh} table), key by key: a pair's
 * keys override the file's, and what neither sets keeps OpenSSH's default. Each problem is reported
 * at its key.
 */
final class SshTable {
  static final String IDENTITY_FILE = "identity_file";
  static final String KNOWN_HOSTS_FILE = "known_hosts_file";
  static final String PORT = "port";
  static final String USER = "user";
  static final String CONNECT_TIMEOUT = "connect_timeout";
  static final String CIPHER = "cipher";
  static final String SUDO = "sudo";
  static final String EXTRA_OPTIONS = "extra_options";
  static final String STALL_TIMEOUT = "stall_timeout";
  static final String ACCEPT_NEW_HOST_KEYS = "accept_new_host_keys";

  static final Set<String> KEYS =
      Set.of(
          IDENTITY_FILE,
          KNOWN_HOSTS_FILE,
          PORT,
          USER,
          CONNECT_TIMEOUT,
          CIPHER,
          SUDO,
          EXTRA_OPTIONS,
          STALL_TIMEOUT,
          ACCEPT_NEW_HOST_KEYS);

  /** An hour: a longer wait for a connection is a typo. */
  private static final int MAX_CONNECT_TIMEOUT = 3600;

  /** A week: a transfer that moves nothing for longer is not coming back. */
  private static final int MAX_STALL_TIMEOUT = 7 * 24 * 3600;

  private SshTable() {}

  /** The keys one table sets; absent ones are left to the table below it, then to the defaults. */
  record Settings(
      Optional<Path> identityFile,
      Optional<Path> knownHostsFile,
      OptionalInt port,
      Optional<String> user,
      OptionalInt connectTimeout,
      Optional<String> cipher,
      Optional<Boolean> acceptNewHostKeys,
      Optional<Boolean> sudo,
      Optional<List<String>> extraOptions,
      Optional<Duration> stallTimeout) {

    static final Settings NONE =
        new Settings(
            Optional.empty(),
            Optional.empty(),
            OptionalInt.empty(),
            Optional.empty(),
            OptionalInt.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());

    /** These settings, and {@code below}'s where these set nothing. */
    Settings over(Settings below) {
      return new Settings(
          identityFile.or(below::identityFile),
          knownHostsFile.or(below::knownHostsFile),
          port.isPresent() ? port : below.port,
          user.or(below::user),
          connectTimeout.isPresent() ? connectTimeout : below.connectTimeout,
          cipher.or(below::cipher),
          acceptNewHostKeys.or(below::acceptNewHostKeys),
          sudo.or(below::sudo),
          extraOptions.or(below::extraOptions),
          stallTimeout.or(below::stallTimeout));
    }

    SshOptions options() {
      SshOptions d = SshOptions.DEFAULTS;
      return new SshOptions(
          identityFile,
          knownHostsFile,
          port,
          user,
          connectTimeout.isPresent() ? connectTimeout : d.connectTimeoutSeconds(),
          cipher,
          acceptNewHostKeys.orElse(d.acceptNewHostKeys()),
          sudo.orElse(d.sudo()),
          extraOptions.orElse(d.extraOptions()),
          d.serverAliveIntervalSeconds(),
          d.serverAliveCountMax(),
          d.controlPersistSeconds());
    }
  }

  /** Reads {@code table}, named {@code name} in messages ("ssh", "backup_pairs.ssh"). */
  static Settings read(TomlTable table, String name, ConfigLoader loader) {
    Reader r = new Reader(table, name, loader);
    return new Settings(
        r.path(IDENTITY_FILE),
        r.path(KNOWN_HOSTS_FILE),
        r.integer(PORT, 1, 65535),
        r.checked(USER, r.string(USER), SshOptions::userProblems),
        r.integer(CONNECT_TIMEOUT, 1, MAX_CONNECT_TIMEOUT),
        r.checked(CIPHER, r.string(CIPHER), SshOptions::cipherProblems),
        r.bool(ACCEPT_NEW_HOST_KEYS),
        r.bool(SUDO),
        r.checked(EXTRA_OPTIONS, r.strings(EXTRA_OPTIONS), SshOptions::extraOptionsProblems),
        r.seconds(STALL_TIMEOUT, MAX_STALL_TIMEOUT));
  }

  /** Reads one table's keys, reporting each problem at its key. */
  private static final class Reader {
    private final TomlTable table;
    private final String name;
    private final ConfigLoader loader;

    Reader(TomlTable table, String name, ConfigLoader loader) {
      this.table = table;
      this.name = name;
      this.loader = loader;
    }

    private String key(String key) {
      return name + "." + key;
    }

    private void typeError(String key, String expected) {
      loader.error(
          table.inputPositionOf(TomlKeys.path(key)),
          "'"
              + key(key)
              + "' must be "
              + expected
              + ", not "
              + TomlTypes.describe(table.get(TomlKeys.path(key))));
    }

    Optional<Path> path(String key) {
      Optional<String> text = string(key);
      if (text.isEmpty()) {
        return Optional.empty();
      }
      try {
        return Optional.of(ConfigLoader.absolute(key(key), text.get()));
      } catch (IllegalArgumentException e) {
        loader.error(table.inputPositionOf(TomlKeys.path(key)), e.getMessage());
        return Optional.empty();
      }
    }

    Optional<String> string(String key) {
      return typed(key, String.class, "a string");
    }

    Optional<Boolean> bool(String key) {
      return typed(key, Boolean.class, "true or false");
    }

    /**
     * The value at {@code key} if it is a {@code type}; otherwise a type error (say {@code
     * expected}).
     */
    private <T> Optional<T> typed(String key, Class<T> type, String expected) {
      Object value = table.get(TomlKeys.path(key));
      if (value == null) {
        return Optional.empty();
      }
      if (type.isInstance(value)) {
        return Optional.of(type.cast(value));
      }
      typeError(key, expected);
      return Optional.empty();
    }

    Optional<List<String>> strings(String key) {
      Object value = table.get(TomlKeys.path(key));
      if (value == null) {
        return Optional.empty();
      }
      if (value instanceof TomlArray array) {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
          if (!(array.get(i) instanceof String s)) {
            typeError(key, "a list of strings such as [\"IPQoS=throughput\"]");
            return Optional.empty();
          }
          strings.add(s);
        }
        return Optional.of(List.copyOf(strings));
      }
      typeError(key, "a list of strings such as [\"IPQoS=throughput\"]");
      return Optional.empty();
    }

    OptionalInt integer(String key, int min, int max) {
      Object value = table.get(TomlKeys.path(key));
      if (value == null) {
        return OptionalInt.empty();
      }
      if (!(value instanceof Long n)) {
        typeError(key, "a whole number");
        return OptionalInt.empty();
      }
      if (n < min || n > max) {
        loader.error(
            table.inputPositionOf(TomlKeys.path(key)),
            "'" + key(key) + "' must be between " + min + " and " + max + ", not " + n);
        return OptionalInt.empty();
      }
      return OptionalInt.of(n.intValue());
    }

    Optional<Duration> seconds(String key, int max) {
      OptionalInt n = integer(key, 1, max);
      return n.isPresent() ? Optional.of(Duration.ofSeconds(n.getAsInt())) : Optional.empty();
    }

    /** {@code value}, unless {@code problems} finds some, which are reported at its key. */
    <T> Optional<T> checked(
        String key, Optional<T> value, java.util.function.Function<T, List<String>> problems) {
      if (value.isEmpty()) {
        return value;
      }
      List<String> found = problems.apply(value.get());
      found.forEach(
          p -> loader.error(table.inputPositionOf(TomlKeys.path(key)), "'" + key(key) + "': " + p));
      return found.isEmpty() ? value : Optional.empty();
    }
  }
}
