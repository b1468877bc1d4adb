package dev.causality.sdk;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * The {@link Sink} that posts batches to a Causality server (or anything speaking Segment's HTTP
 * tracking API) at {@code POST {endpoint}/v1/batch}: gzip-compressed JSON, the write key as the
 * HTTP Basic user name.
 *
 * <p>2xx is delivered (a {@code "rejected"} list in the answer counts those messages as failed);
 * network errors, timeouts, 408, 429 and 5xx are retried, honouring {@code Retry-After}; every
 * other answer is a permanent rejection. A message over 31 KB of JSON (the server's per-event limit
 * is 32 KB) or one whose properties cannot be written is left out and counted as failed; a batch
 * over 4 MB goes out in several requests.
 */
public final class HttpSink implements Sink {
  static final int MAX_MESSAGE_BYTES = 31 * 1024;
  static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;
  private static final Pattern ACCEPTED = Pattern.compile("\"accepted\"\\s*:\\s*(\\d+)");

  private final URI url;
  private final String authorization;
  private final Duration requestTimeout;
  private final InstantSource clock;
  private HttpClient http;

  private HttpSink(URI url, String writeKey, Duration requestTimeout, InstantSource clock) {
    this.url = url;
    this.authorization =
        "Basic "
            + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
    this.requestTimeout = requestTimeout;
    this.clock = clock;
  }

  /**
   * Built on first use, on the worker's thread: creating a JDK HttpClient takes a second on a slow
   * machine.
   */
  private HttpClient http() {
    if (http == null) {
      http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(requestTimeout)
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
    }
    return http;
  }

  /**
   * A sink posting to {@code endpoint} (e.g. {@code http://analytics:8080}) with a 30 s request
   * timeout.
   */
  public static HttpSink create(String endpoint, String writeKey) {
    return create(
        URI.create(requireNonNull(endpoint, "endpoint is null")), writeKey, Duration.ofSeconds(30));
  }

  /** A sink posting to {@code endpoint} with the given per-request timeout. */
  public static HttpSink create(URI endpoint, String writeKey, Duration requestTimeout) {
    return create(endpoint, writeKey, requestTimeout, InstantSource.system());
  }

  static HttpSink create(
      URI endpoint, String writeKey, Duration requestTimeout, InstantSource clock) {
    requireNonNull(endpoint, "endpoint is null");
    requireNonNull(writeKey, "writeKey is null");
    requireNonNull(requestTimeout, "requestTimeout is null");
    if (writeKey.isBlank()) {
      throw new IllegalArgumentException("writeKey must not be blank");
    }
    String scheme = endpoint.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw new IllegalArgumentException("endpoint must be an http or https URL, was " + endpoint);
    }
    String base = endpoint.toString().replaceAll("/+$", "");
    return new HttpSink(URI.create(base + "/v1/batch"), writeKey, requestTimeout, clock);
  }

  /** The URL batches are posted to. */
  public URI url() {
    return url;
  }

  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
  }

  @Override
  public Delivery send(Batch batch) {
    Encoded encoded = encode(batch.messages(), batch.context(), batch.service());
    int rejected = encoded.rejected;
    String reason = encoded.reason;
    for (byte[] items : encoded.requests) {
      Delivery d = post(items, batch.context());
      switch (d) {
        case Delivery.Delivered ok -> {
          rejected += ok.rejected();
          if (ok.rejected() > 0) {
            reason = ok.reason();
          }
        }
        case Delivery.Retry r -> {
          return r;
        }
        case Delivery.Rejected r -> {
          return r;
        }
      }
    }
    return new Delivery.Delivered(rejected, reason);
  }

  /**
   * Items of the batch as JSON, split into request-sized groups; unwritable or oversized ones left
   * out.
   */
  record Encoded(List<byte[]> requests, int rejected, String reason) {}

  static Encoded encode(List<Message> messages, Map<String, Object> context, String service) {
    List<byte[]> requests = new ArrayList<>(1);
    Json json = new Json(512 * Math.min(messages.size(), 100) + 64);
    int rejected = 0;
    String reason = "";
    for (Message m : messages) {
      int start = json.length();
      if (start > 0) {
        json.raw(',');
      }
      int itemStart = json.length();
      try {
        item(json, m, service);
      } catch (RuntimeException e) {
        json.truncate(start);
        rejected++;
        reason = "message " + m.messageId() + " could not be written as JSON: " + e.getMessage();
        continue;
      }
      int itemBytes = json.length() - itemStart;
      if (itemBytes > MAX_MESSAGE_BYTES) {
        json.truncate(start);
        rejected++;
        reason =
            "message "
                + m.messageId()
                + " is "
                + itemBytes
                + " bytes of JSON, over the limit of "
                + MAX_MESSAGE_BYTES;
        continue;
      }
      if (json.length() > MAX_REQUEST_BYTES && start > 0) {
        byte[] all = json.buffer();
        requests.add(java.util.Arrays.copyOfRange(all, 0, start));
        byte[] rest = java.util.Arrays.copyOfRange(all, itemStart, json.length());
        json.truncate(0);
        json.raw(rest);
      }
    }
    if (json.length() > 0) {
      requests.add(json.bytes());
    }
    return new Encoded(requests, rejected, reason);
  }

  static void item(Json json, Message m, String service) {
    json.raw("{\"type\":\"")
        .raw(m.type().wire())
        .raw("\",\"messageId\":\"")
        .raw(m.messageId())
        .raw("\",\"timestamp\":")
        .instant(m.epochMillis());
    if (m.userIdOrNull() != null) {
      json.raw(",\"userId\":").string(m.userIdOrNull());
    } else {
      json.raw(",\"anonymousId\":").string(m.anonymousIdOrNull());
    }
    String name = m.nameOrNull();
    switch (m.type()) {
      case TRACK -> json.raw(",\"event\":").string(name).raw(",\"properties\":");
      case PAGE, SCREEN -> {
        if (name != null) {
          json.raw(",\"name\":").string(name);
        }
        json.raw(",\"properties\":");
      }
      case IDENTIFY -> json.raw(",\"traits\":");
      case GROUP -> json.raw(",\"groupId\":").string(name).raw(",\"traits\":");
      case ALIAS -> json.raw(",\"previousId\":").string(name);
    }
    if (m.type() != MessageType.ALIAS) {
      properties(json, m.props(), m.type() == MessageType.TRACK ? service : null);
    }
    json.raw('}');
  }

  /**
   * The properties object; a track's gets the service name unless it has a {@code service} itself.
   */
  private static void properties(Json json, Props p, String service) {
    json.raw('{');
    boolean first = true;
    if (service != null && !p.containsKey("service")) {
      json.name("service").string(service);
      first = false;
    }
    for (int i = 0; i < p.count(); i++) {
      if (!first) {
        json.raw(',');
      }
      first = false;
      json.name(p.key(i)).value(p.value(i));
    }
    json.raw('}');
  }

  private Delivery post(byte[] items, Map<String, Object> context) {
    Json body = new Json(items.length + 512);
    body.raw("{\"batch\":[")
        .raw(items)
        .raw("],\"context\":")
        .value(context)
        .raw(",\"sentAt\":")
        .instant(clock.millis())
        .raw('}');
    byte[] gz;
    try {
      gz = gzip(body);
    } catch (IOException e) {
      return Delivery.Retry.of("could not compress the batch: " + e);
    }
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(requestTimeout)
            .header("Authorization", authorization)
            .header("Content-Type", "application/json")
            .header("Content-Encoding", "gzip")
            .header("User-Agent", "causality-java/" + Causality.VERSION)
            .POST(HttpRequest.BodyPublishers.ofByteArray(gz))
            .build();
    HttpResponse<String> response;
    try {
      response = http().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return Delivery.Retry.of("POST " + url + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Delivery.Retry.of("interrupted while posting to " + url);
    }
    return outcome(
        response.statusCode(),
        response.body(),
        response.headers().firstValue("Retry-After").orElse(""),
        clock);
  }

  static Delivery outcome(int status, String body, String retryAfter, InstantSource clock) {
    String brief = status + " from the server: " + abbreviate(body);
    if (status >= 200 && status < 300) {
      if (body.contains("\"rejected\"")) {
        Matcher m = ACCEPTED.matcher(body);
        int accepted = m.find() ? Integer.parseInt(m.group(1)) : 0;
        int rejected = countRejected(body);
        return new Delivery.Delivered(
            rejected > 0 ? rejected : 0, accepted + " accepted; " + abbreviate(body));
      }
      return Delivery.Delivered.all();
    }
    if (status == 408 || status == 429 || status >= 500) {
      return new Delivery.Retry(brief, retryAfter(retryAfter, clock));
    }
    return new Delivery.Rejected(brief);
  }

  /** Items of the server's {@code "rejected":[{…},…]} list. */
  private static int countRejected(String body) {
    int at = body.indexOf("\"rejected\"");
    int open = body.indexOf('[', at);
    if (at < 0 || open < 0) {
      return 0;
    }
    int depth = 0;
    int items = 0;
    boolean inString = false;
    for (int i = open; i < body.length(); i++) {
      char c = body.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '[' || c == '{') {
        if (depth == 1 && c == '{') {
          items++;
        }
        depth++;
      } else if (c == ']' || c == '}') {
        depth--;
        if (depth == 0) {
          break;
        }
      }
    }
    return items;
  }

  /** {@code Retry-After} as delta-seconds or an HTTP date; zero when absent or unreadable. */
  static Duration retryAfter(String value, InstantSource clock) {
    String v = value.trim();
    if (v.isEmpty()) {
      return Duration.ZERO;
    }
    try {
      long seconds = Long.parseLong(v);
      return seconds > 0 ? Duration.ofSeconds(Math.min(seconds, 3600)) : Duration.ZERO;
    } catch (NumberFormatException notSeconds) {
      try {
        Duration d =
            Duration.between(
                clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
        return d.isNegative()
            ? Duration.ZERO
            : (d.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : d);
      } catch (DateTimeParseException notDate) {
        return Duration.ZERO;
      }
    }
  }

  private static String abbreviate(String body) {
    String b = body == null ? "" : body.strip();
    return b.length() > 300 ? b.substring(0, 300) + "…" : b;
  }

  private static byte[] gzip(Json body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(256, body.length() / 4));
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192)) {
      gz.write(body.buffer(), 0, body.length());
    }
    return out.toByteArray();
  }
}
