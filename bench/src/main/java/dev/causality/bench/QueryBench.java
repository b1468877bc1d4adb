package dev.causality.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The query benchmark of issue 3: three questions (trends, 3-step funnel, weekly retention) asked
 * through the query API and, in the same run, written by hand in DuckDB SQL and sent through
 * /api/sql — same server, same HTTP path, so the ratio is the engine's own overhead.
 *
 * <p>Usage: {@code QueryBench <baseUrl> <adminToken> <runs>}; prints a markdown table.
 */
public final class QueryBench {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Question(String name, String apiPath, String apiBody, String sql) {}

  public static void main(String[] args) throws Exception {
    String base = args[0];
    String token = args[1];
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long events =
        JSON.readTree(
                post(
                    http,
                    base,
                    token,
                    "/api/sql",
                    "{\"sql\":\"SELECT count(*) AS n FROM events\"}"))
            .path("rows")
            .get(0)
            .get(0)
            .asLong();
    List<Question> questions =
        List.of(
            new Question(
                "trends: 30 days x daily, unique users, breakdown by country (top 10)",
                "/api/query/trends",
                "{\"series\":[{\"event\":\"$any\",\"metric\":\"unique_users\"}],\"dateRange\":{\"last\":30,\"unit\":\"days\"},"
                    + "\"granularity\":\"day\",\"breakdown\":\"country\",\"breakdownLimit\":10}",
                // the best we could write by hand: users as the BIGINT user_key, rows deduplicated
                // on
                // (day, country, user) first, so that a country's users on a day are a plain count;
                // exact totals rank the countries; only the rows outside the top 10 are aggregated
                // again, as $other. (One GROUPING SETS aggregation with count(DISTINCT) for values
                // and
                // totals together measured ~25 % slower.)
                "WITH f AS (SELECT DISTINCT date_trunc('day', timestamp) AS day, coalesce(country, '(none)') AS country,"
                    + " user_key AS u FROM events WHERE app_id = 'default' AND timestamp >= current_date - INTERVAL 29 DAY"
                    + " AND user_key IS NOT NULL),"
                    + " t AS (SELECT country, count(DISTINCT u) AS users FROM f GROUP BY country),"
                    + " top AS (SELECT country FROM t ORDER BY users DESC, country LIMIT 10)"
                    + " SELECT NULL AS day, country, users FROM t SEMI JOIN top USING (country)"
                    + " UNION ALL SELECT day, country, count(*) FROM f SEMI JOIN top USING (country) GROUP BY day, country"
                    + " UNION ALL SELECT day, '$other', count(DISTINCT u) FROM f ANTI JOIN top USING (country)"
                    + " GROUP BY GROUPING SETS ((day), ())"),
            new Question(
                "funnel: Viewed Product -> Added to Cart -> Purchase, 7-day window, last 30 days",
                "/api/query/funnels",
                "{\"steps\":[{\"event\":\"Viewed Product\"},{\"event\":\"Added to Cart\"},{\"event\":\"Purchase\"}],\"window\":\"7d\","
                    + "\"dateRange\":{\"last\":30,\"unit\":\"days\"}}",
                "WITH e AS (SELECT user_key AS u, timestamp AS t, event FROM events WHERE app_id = 'default'"
                    + " AND timestamp >= current_date - INTERVAL 29 DAY AND event IN ('Viewed Product', 'Added to Cart', 'Purchase')"
                    + " AND user_key IS NOT NULL),"
                    + " s1 AS (SELECT u, min(t) AS t1 FROM e WHERE event = 'Viewed Product' GROUP BY u),"
                    + " s2 AS (SELECT s1.u, s1.t1, min(e.t) AS t2 FROM s1 JOIN e ON e.u = s1.u AND e.event = 'Added to Cart'"
                    + " AND e.t > s1.t1 AND e.t <= s1.t1 + INTERVAL 7 DAY GROUP BY ALL),"
                    + " s3 AS (SELECT s2.u FROM s2 JOIN e ON e.u = s2.u AND e.event = 'Purchase' AND e.t > s2.t2"
                    + " AND e.t <= s2.t1 + INTERVAL 7 DAY GROUP BY ALL)"
                    + " SELECT (SELECT count(*) FROM s1), (SELECT count(*) FROM s2), (SELECT count(*) FROM s3)"),
            new Question(
                "retention: Signed Up -> any event, weekly, 8 weeks",
                "/api/query/retention",
                "{\"cohort\":{\"event\":\"Signed Up\"},\"returning\":{\"event\":\"$any\"},\"period\":\"week\",\"periods\":8,"
                    + "\"dateRange\":{\"last\":8,\"unit\":\"weeks\"}}",
                "WITH c AS (SELECT user_key AS u, date_trunc('week', min(timestamp)) AS w FROM events"
                    + " WHERE app_id = 'default' AND event = 'Signed Up' AND timestamp >= date_trunc('week', current_date) - INTERVAL 7 WEEK GROUP BY u),"
                    + " a AS (SELECT DISTINCT user_key AS u, date_trunc('week', timestamp) AS w FROM events"
                    + " WHERE app_id = 'default' AND timestamp >= date_trunc('week', current_date) - INTERVAL 7 WEEK)"
                    + " SELECT c.w, datediff('week', c.w, a.w) AS k, count(*) FROM c JOIN a ON a.u = c.u AND a.w >= c.w GROUP BY ALL ORDER BY 1, 2"));
    System.out.printf(
        "events in the warehouse: %,d; %d measured runs each after 2 warm-ups%n%n", events, runs);
    System.out.println(
        "| question | API p50 ms | API p90 ms | hand SQL p50 ms | hand SQL p90 ms | API / SQL (p50) | rows/s per core (API p50) |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    int cores = Runtime.getRuntime().availableProcessors();
    for (Question q : questions) {
      String sqlBody = JSON.createObjectNode().put("sql", q.sql()).toString();
      for (int i = 0; i < 2; i++) {
        post(http, base, token, q.apiPath(), q.apiBody());
        post(http, base, token, "/api/sql", sqlBody);
      }
      List<Double> api = new ArrayList<>();
      List<Double> sql = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        api.add(time(() -> post(http, base, token, q.apiPath(), q.apiBody())));
        sql.add(time(() -> post(http, base, token, "/api/sql", sqlBody)));
      }
      double a50 = pct(api, 50), s50 = pct(sql, 50);
      System.out.printf(
          "| %s | %.0f | %.0f | %.0f | %.0f | %.2f | %,.0f |%n",
          q.name(),
          a50,
          pct(api, 90),
          s50,
          pct(sql, 90),
          a50 / s50,
          events / (a50 / 1000.0) / cores);
    }
  }

  interface Call {
    String run() throws Exception;
  }

  static double time(Call c) throws Exception {
    long t = System.nanoTime();
    c.run();
    return (System.nanoTime() - t) / 1e6;
  }

  static double pct(List<Double> xs, int p) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1));
  }

  static String post(HttpClient http, String base, String token, String path, String body)
      throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }
}
