package dev.causality.telemetry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causality.auth.Principal;
import dev.causality.auth.Role;
import dev.causality.http.ErrorBody;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * The read-only telemetry API: {@code GET /api/telemetry} lists the rollups and {@code GET
 * /api/telemetry/<rollup>?from=&to=&service=&project=} answers one, the not yet refreshed tail
 * included. Viewers of the project may read it.
 */
public final class TelemetryRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration DEFAULT_RANGE = Duration.ofDays(7);
  static final Duration MAX_RANGE = Duration.ofDays(400);

  private final Rollups rollups;
  private final InstantSource clock;

  private TelemetryRoutes(Rollups rollups, InstantSource clock) {
    this.rollups = rollups;
    this.clock = clock;
  }

  public static void register(
      JavalinDefaultRoutingApi routes, Rollups rollups, InstantSource clock) {
    TelemetryRoutes r = new TelemetryRoutes(rollups, clock);
    routes.get("/api/telemetry", r::list, Role.VIEWER);
    routes.get("/api/telemetry/{rollup}", r::read, Role.VIEWER);
  }

  private void list(Context ctx) {
    ObjectNode out = JSON.createObjectNode();
    out.put("source", rollups.dialect().id());
    ArrayNode list = out.putArray("rollups");
    for (Rollup r : Rollup.values()) {
      ObjectNode o = list.addObject();
      o.put("name", r.apiName);
      o.put("bucket", r.bucket.sql);
      o.put("path", "/api/telemetry/" + r.apiName);
    }
    ctx.contentType("application/json").result(out.toString());
  }

  private void read(Context ctx) {
    try {
      String project = Optional.ofNullable(ctx.queryParam("project")).orElse("default");
      if (project.isBlank()) {
        throw TelemetryException.invalid("project", "must not be empty");
      }
      Principal.of(ctx).project(project);
      Instant to =
          Optional.ofNullable(ctx.queryParam("to"))
              .map(v -> time("to", v))
              .orElseGet(clock::instant);
      Instant from =
          Optional.ofNullable(ctx.queryParam("from"))
              .map(v -> time("from", v))
              .orElse(to.minus(DEFAULT_RANGE));
      if (!from.isBefore(to)) {
        throw TelemetryException.invalid(
            "from", "must be before to (" + from + " is not before " + to + ")");
      }
      if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
        throw TelemetryException.invalid(
            "from", "the range may span at most " + MAX_RANGE.toDays() + " days");
      }
      Optional<String> service = Optional.ofNullable(ctx.queryParam("service"));
      if (service.isPresent() && service.get().isBlank()) {
        throw TelemetryException.invalid(
            "service", "must not be empty; leave it out for every service");
      }
      Rollups.Answer a =
          rollups.read(new Rollups.Request(ctx.pathParam("rollup"), from, to, project, service));
      ObjectNode out = JSON.createObjectNode();
      out.put("rollup", a.rollup());
      out.put("project", project);
      service.ifPresentOrElse(s -> out.put("service", s), () -> out.putNull("service"));
      out.put("from", a.from().toString());
      out.put("to", a.to().toString());
      a.watermark()
          .ifPresentOrElse(w -> out.put("watermark", w.toString()), () -> out.putNull("watermark"));
      out.put("source", rollups.dialect().id());
      ArrayNode rows = out.putArray("rows");
      for (Map<String, Object> row : a.rows()) {
        ObjectNode o = rows.addObject();
        for (Map.Entry<String, Object> e : row.entrySet()) {
          Object v = e.getValue();
          o.set(
              e.getKey(),
              v instanceof Instant t
                  ? JSON.getNodeFactory().textNode(t.toString())
                  : JSON.valueToTree(v));
        }
      }
      ctx.contentType("application/json").result(out.toString());
    } catch (TelemetryException e) {
      ErrorBody.write(ctx, e);
    }
  }

  /**
   * A day ({@code 2026-11-20}, its start in UTC) or an instant ({@code 2026-11-20T10:00:00Z},
   * offsets allowed).
   */
  static Instant time(String field, String value) {
    String v = value.trim();
    try {
      if (v.length() == 10) {
        return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException e) {
      throw TelemetryException.invalid(
          field,
          "must be a date (2026-11-20) or a time with offset (2026-11-20T10:00:00Z); was '"
              + value
              + "'");
    }
  }
}
