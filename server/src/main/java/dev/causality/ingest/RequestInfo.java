package dev.causality.ingest;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** What the HTTP layer knows about a request that enrichment needs. */
record RequestInfo(
    long receivedAtMicros,
    String remoteIp,
    Optional<String> userAgent,
    boolean fromBrowser,
    Optional<String> sentAtHeader) {
  RequestInfo {
    requireNonNull(remoteIp, "remoteIp is null");
    requireNonNull(userAgent, "userAgent is null");
    requireNonNull(sentAtHeader, "sentAtHeader is null");
  }
}
