package dev.causality.ingest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/** A request body split into items, with the batch-level fields that apply to all of them. */
record ParsedRequest(
    List<Item> items, ObjectNode batchContext, Optional<String> writeKey, Optional<String> sentAt) {

  ParsedRequest {
    requireNonNull(items, "items is null");
    requireNonNull(batchContext, "batchContext is null");
    requireNonNull(writeKey, "writeKey is null");
    requireNonNull(sentAt, "sentAt is null");
  }

  /** One message of the request, its position in the batch and its size in the body. */
  record Item(int index, JsonNode node, int sizeBytes) {}
}
