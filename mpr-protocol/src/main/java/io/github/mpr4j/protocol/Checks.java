package io.github.mpr4j.protocol;

import java.util.List;

/** Argument checks shared by the option records; failures name the field, as -32602 errors do. */
final class Checks {
  private Checks() {}

  static String nonEmpty(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw invalid(field + " must be a non-empty string");
    }
    return value;
  }

  static String optional(String field, String value) {
    if (value != null && value.isEmpty()) {
      throw invalid(field + " must be a non-empty string when given");
    }
    return value;
  }

  static List<String> nonEmptyStrings(String field, List<String> values, boolean allowEmptyList) {
    if (values == null || (!allowEmptyList && values.isEmpty())) {
      throw invalid(field + " must be a non-empty array of strings");
    }
    for (String v : values) {
      if (v == null || v.isEmpty()) {
        throw invalid(field + " must contain only non-empty strings");
      }
    }
    return List.copyOf(values);
  }

  static void oneOf(String field, String value, String... allowed) {
    for (String a : allowed) {
      if (a.equals(value)) {
        return;
      }
    }
    throw invalid(field + " must be one of " + String.join(", ", allowed) + (value == null ? "" : ", not '" + value + "'"));
  }

  static MprRpcException invalid(String message) {
    return new MprRpcException(RpcErrors.INVALID_PARAMS, message, null);
  }
}
