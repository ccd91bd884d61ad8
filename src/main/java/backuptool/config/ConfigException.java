package backuptool.config;

import java.util.List;

/** The configuration cannot be used; {@link #errors()} holds every problem, one line each. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;
  private final List<String> errors;

  ConfigException(List<String> errors) {
    super(String.join("\n", errors));
    this.errors = List.copyOf(errors);
  }

  public List<String> errors() {
    return errors;
  }
}
