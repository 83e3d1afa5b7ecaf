package io.github.mpr4j.server;

import java.util.Objects;

/** A setting of the server is missing, malformed or inconsistent; the message names the variable. */
public final class ConfigurationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String variable;

  /**
   * @param variable the environment variable at fault
   * @param problem what is wrong with it (without the value when the value may be a secret)
   */
  public ConfigurationException(String variable, String problem) {
    super(Objects.requireNonNull(variable, "variable") + ": " + problem);
    this.variable = variable;
  }

  /** The environment variable at fault, for example {@code WS_PORT}. */
  public String variable() {
    return variable;
  }
}
