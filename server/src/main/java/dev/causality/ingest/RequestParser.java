package dev.causality.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parse step: turns a body into a {@link ParsedRequest}, streaming over batch arrays so each
 * item's size is known and a batch over the limit stops early. Jackson's read constraints bound
 * nesting, number and string sizes, so hostile bodies fail fast with a 400 that names the limit.
 */
final class RequestParser {
  private final ObjectMapper mapper;
  private final IngestLimits limits;

  RequestParser(IngestLimits limits) {
    this.limits = limits;
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(limits.maxNestingDepth())
                    .maxNumberLength(100)
                    .maxStringLength(limits.maxRequestBytes())
                    .maxNameLength(1000)
                    .build())
            .build();
    this.mapper = new ObjectMapper(factory);
  }

  ObjectMapper mapper() {
    return mapper;
  }

  ParsedRequest parse(byte[] body, Route route) {
    if (body.length == 0) {
      throw IngestException.badRequest("request body is empty; expected a JSON object");
    }
    try (JsonParser p = mapper.createParser(body)) {
      JsonToken first = p.nextToken();
      List<ParsedRequest.Item> items = new ArrayList<>();
      ObjectNode top = JsonNodeFactory.instance.objectNode();
      if (first == JsonToken.START_ARRAY && route.shape() == Route.Shape.NATIVE) {
        readItems(p, items);
      } else if (first != JsonToken.START_OBJECT) {
        throw IngestException.badRequest(
            "request body must be a JSON object, found " + describe(first));
      } else if (route.shape() == Route.Shape.SINGLE || route.shape() == Route.Shape.FLOWMIND) {
        JsonNode node = mapper.readTree(p);
        items.add(new ParsedRequest.Item(0, node, body.length));
        top = (ObjectNode) node;
      } else {
        String arrayField = route.shape() == Route.Shape.NATIVE ? "events" : "batch";
        boolean sawArray = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken value = p.nextToken();
          if (name.equals(arrayField)) {
            if (value != JsonToken.START_ARRAY) {
              throw IngestException.badRequest(
                  "'" + arrayField + "' must be an array, found " + describe(value));
            }
            readItems(p, items);
            sawArray = true;
          } else {
            top.set(name, mapper.readTree(p));
          }
        }
        if (!sawArray) {
          throw IngestException.badRequest("request body has no '" + arrayField + "' array");
        }
      }
      if (p.nextToken() != null) {
        throw IngestException.badRequest("unexpected content after the JSON value");
      }
      return new ParsedRequest(
          items,
          top.get("context") instanceof ObjectNode ctx && route.shape() == Route.Shape.BATCH
              ? ctx
              : JsonNodeFactory.instance.objectNode(),
          text(top.get("writeKey")),
          route.shape() == Route.Shape.BATCH ? text(top.get("sentAt")) : Optional.empty());
    } catch (StreamConstraintsException e) {
      throw IngestException.badRequest(
          "request body exceeds a parser limit (max nesting depth "
              + limits.maxNestingDepth()
              + ", max number length 100 digits, max field name length 1000 characters): "
              + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw IngestException.badRequest(
          "malformed JSON at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ": "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw IngestException.badRequest("cannot parse the request body: " + e.getMessage());
    }
  }

  private void readItems(JsonParser p, List<ParsedRequest.Item> items) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) {
        throw IngestException.badRequest("request body ended inside the batch array");
      }
      if (items.size() == limits.maxBatchEvents()) {
        throw IngestException.badRequest(
            "batch has more than "
                + limits.maxBatchEvents()
                + " events (limit: max batch events, CAUSALITY_MAX_BATCH_EVENTS)");
      }
      long start = p.currentTokenLocation().getByteOffset();
      JsonNode node = mapper.readTree(p);
      long end = p.currentLocation().getByteOffset();
      items.add(new ParsedRequest.Item(items.size(), node, (int) (end - start)));
    }
  }

  private static Optional<String> text(JsonNode n) {
    return n != null && n.isTextual() && !n.asText().isEmpty()
        ? Optional.of(n.asText())
        : Optional.empty();
  }

  private static String describe(JsonToken t) {
    if (t == null) {
      return "nothing";
    }
    return switch (t) {
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.asString() == null ? t.name() : t.asString();
    };
  }
}
