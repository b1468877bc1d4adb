package dev.causality.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/**
 * The one JSON error body of the web APIs: {@code
 * {"success":false,"code":…,"field":…,"message":…}}, {@code field} only when the error is about one
 * request field.
 */
public final class ErrorBody {
  private ErrorBody() {}

  /** Answers {@code e}: its status, code, field and message. */
  public static void write(Context ctx, ApiException e) {
    write(ctx, e.status(), e.code(), e.field(), e.getMessage());
  }

  /** Answers {@code status} with an error body; an empty {@code field} is left out. */
  public static void write(Context ctx, int status, String code, String field, String message) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("success", false);
    out.put("code", code);
    if (!field.isEmpty()) {
      out.put("field", field);
    }
    out.put("message", message);
    ctx.status(status).contentType("application/json").result(out.toString());
  }
}
