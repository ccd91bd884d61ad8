package backuptool.config;

import java.util.List;

/**
 * Keys as tomlj's key paths. Given a key as a string, tomlj reads it with its whole TOML grammar at
 * every lookup (a lexer and a parser each time: most of a cold run's time in checking the
 * configuration, and work for the JIT compiler); a path it looks up directly, and a path holds any
 * key exactly, whatever its characters.
 */
final class TomlKeys {
  private TomlKeys() {}

  /** The path of {@code dotted}: one of this tool's own keys, bare names joined by dots. */
  static List<String> path(String dotted) {
    return List.of(dotted.split("\\.", -1));
  }
}
