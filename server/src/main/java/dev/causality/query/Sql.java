package dev.causality.query;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** SQL text with positional parameters, built up by the compilers. */
final class Sql {
  private final StringBuilder text = new StringBuilder();
  private final List<Object> params = new ArrayList<>();

  Sql append(String s, Object... values) {
    text.append(s);
    Collections.addAll(params, values);
    return this;
  }

  Sql append(Sql other) {
    text.append(other.text);
    params.addAll(other.params);
    return this;
  }

  String text() {
    return text.toString();
  }

  List<Object> params() {
    return params;
  }

  @Override
  public String toString() {
    return text + " " + params;
  }
}
