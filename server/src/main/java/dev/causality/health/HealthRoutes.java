package dev.causality.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causality.auth.Principal;
import dev.causality.auth.Role;
import dev.causality.warehouse.QueryResult;
import dev.causality.warehouse.Warehouse;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /api/ingestion/health} (rates, rejections by reason, duplicates, dead letters, log
 * lag, loader freshness, last event per project and per key) and {@code GET
 * /api/ingestion/dead-letters} (admins: the payloads may hold any project's data).
 */
public final class HealthRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final IngestionHealth health;
  private final MeterRegistry registry;
  private final Warehouse warehouse;
  private final BooleanSupplier loaderRunning;
  private final Supplier<String> loaderError;

  private HealthRoutes(
      IngestionHealth health,
      MeterRegistry registry,
      Warehouse warehouse,
      BooleanSupplier loaderRunning,
      Supplier<String> loaderError) {
    this.health = health;
    this.registry = registry;
    this.warehouse = warehouse;
    this.loaderRunning = loaderRunning;
    this.loaderError = loaderError;
  }

  public static void register(
      JavalinDefaultRoutingApi routes,
      IngestionHealth health,
      MeterRegistry registry,
      Warehouse warehouse,
      BooleanSupplier loaderRunning,
      Supplier<String> loaderError) {
    HealthRoutes r = new HealthRoutes(health, registry, warehouse, loaderRunning, loaderError);
    routes.get("/api/ingestion/health", r::health, Role.VIEWER);
    routes.get("/api/ingestion/dead-letters", r::deadLetters, Role.ADMIN);
  }

  private double counter(String name) {
    Counter c = registry.find(name).counter();
    return c == null ? 0 : c.count();
  }

  private double gauge(String name) {
    Gauge g = registry.find(name).gauge();
    return g == null ? 0 : g.value();
  }

  private void health(Context ctx) {
    Principal p = Principal.of(ctx);
    ObjectNode out = JSON.createObjectNode();
    long[] perSecond = health.perSecond(60);
    long total = 0;
    long now = health.nowSecond();
    ArrayNode series = out.putArray("perSecond");
    for (int i = 0; i < perSecond.length; i++) {
      total += perSecond[i];
      series.addObject().put("second", now - perSecond.length + 1 + i).put("events", perSecond[i]);
    }
    out.put("eventsPerSecond", total / 60.0);
    out.put("accepted", (long) counter("causality_events_accepted"));
    out.put("loaded", (long) counter("causality_events_loaded"));
    out.put("deduplicated", (long) counter("causality_events_deduplicated"));
    out.put("deadLetters", (long) gauge("causality_dead_letters"));
    ArrayNode rejected = out.putArray("rejected");
    registry.find("causality_events_rejected").counters().stream()
        .filter(c -> c.count() > 0)
        .sorted((a, b) -> Double.compare(b.count(), a.count()))
        .forEach(c ->
            rejected
                .addObject()
                .put("reason", Objects.requireNonNullElse(c.getId().getTag("reason"), "?"))
                .put("count", (long) c.count()));
    out.put("logLagBytes", (long) gauge("causality_log_lag_bytes"));
    out.put("loaderRunning", loaderRunning.getAsBoolean());
    out.put("loaderError", loaderError.get());
    Timer freshness = registry.find("causality_loader_freshness").timer();
    double p50 = 0;
    double p99 = 0;
    if (freshness != null) {
      for (ValueAtPercentile v : freshness.takeSnapshot().percentileValues()) {
        if (v.percentile() == 0.5) {
          p50 = v.value(java.util.concurrent.TimeUnit.MILLISECONDS);
        } else if (v.percentile() == 0.99) {
          p99 = v.value(java.util.concurrent.TimeUnit.MILLISECONDS);
        }
      }
    }
    out.put("freshnessP50Ms", Math.round(p50));
    out.put("freshnessP99Ms", Math.round(p99));
    ArrayNode projects = out.putArray("projects");
    QueryResult r =
        warehouse.query(
            "SELECT app_id, count(*), strftime(max(received_at), '%Y-%m-%dT%H:%M:%S.%gZ') FROM events GROUP BY app_id ORDER BY 3 DESC",
            List.of(), 1000, Duration.ofSeconds(10));
    for (List<Object> row : r.rows()) {
      String project = String.valueOf(row.get(0));
      if (p.canSee(project)) {
        projects
            .addObject()
            .put("project", project)
            .put("events", ((Number) row.get(1)).longValue())
            .put("lastEventAt", row.get(2) == null ? null : row.get(2).toString());
      }
    }
    ArrayNode keys = out.putArray("keys");
    for (IngestionHealth.KeyActivity k : health.keys()) {
      if (p.canSee(k.project())) {
        keys.addObject()
            .put("keyId", k.keyId())
            .put("name", k.name())
            .put("project", k.project())
            .put("events", k.events())
            .put("lastEventAt", k.lastEventAt().toString());
      }
    }
    ctx.contentType("application/json").result(out.toString());
  }

  private void deadLetters(Context ctx) {
    int limit =
        Math.min(200, Math.max(1, ctx.queryParamAsClass("limit", Integer.class).getOrDefault(50)));
    int offset = Math.max(0, ctx.queryParamAsClass("offset", Integer.class).getOrDefault(0));
    QueryResult r =
        warehouse.query(
            "SELECT log_position, error, payload, strftime(failed_at, '%Y-%m-%dT%H:%M:%S.%gZ') FROM dead_letters"
                + " ORDER BY log_position DESC LIMIT ? OFFSET ?",
            List.of(limit, offset), limit, Duration.ofSeconds(10));
    ObjectNode out = JSON.createObjectNode();
    ArrayNode rows = out.putArray("rows");
    for (List<Object> row : r.rows()) {
      rows.addObject()
          .put("position", ((Number) row.get(0)).longValue())
          .put("error", String.valueOf(row.get(1)))
          .put("payload", String.valueOf(row.get(2)))
          .put("failedAt", String.valueOf(row.get(3)));
    }
    out.put("total", (long) gauge("causality_dead_letters"));
    ctx.contentType("application/json").result(out.toString());
  }
}
