package dev.causality.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonTextTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads trees deeper than JsonText writes itself. */
  private static final ObjectMapper DEEP =
      new ObjectMapper(
          com.fasterxml.jackson.core.JsonFactory.builder()
              .streamReadConstraints(
                  com.fasterxml.jackson.core.StreamReadConstraints.builder()
                      .maxNestingDepth(1000)
                      .build())
              .build());

  @Test
  void writesTreesAsJacksonDoes() throws Exception {
    for (String json :
        new String[] {
          "{}",
          "[]",
          "{\"a\":1,\"b\":-2.5,\"c\":1e300,\"d\":12345678901234567890123,\"e\":true,\"f\":null}",
          "{\"s\":\"q\\\"b\\\\s/\\n\\t\\r\\b\\f\\u0001\\u001f é ✓ \\ud83d\\ude00\"}",
          "{\"nested\":{\"x\":[1,[2,{\"y\":\"z\"}],{}],\"\\\"k\\\"\":0.1}}",
          "{\"n\":-0,\"m\":0.0,\"l\":9223372036854775807}"
        }) {
      JsonNode tree = JSON.readTree(json);
      assertThat(JsonText.of(tree, new StringBuilder())).as(json).isEqualTo(tree.toString());
    }
  }

  @Test
  void deepTreesAreLeftToJackson() throws Exception {
    String json = "[".repeat(500) + "]".repeat(500);
    JsonNode tree = DEEP.readTree(json);
    assertThat(JsonText.of(tree, new StringBuilder())).isEqualTo(tree.toString());
  }

  @Test
  void oneScratchBuilderServesTreeAfterTree() throws Exception {
    StringBuilder scratch = new StringBuilder(4);
    for (String json :
        new String[] {
          "{\"long\":\"" + "x".repeat(3000) + "\"}",
          "{}",
          "{\"a\":[1,2]}",
          "[".repeat(300) + "]".repeat(300), // left to Jackson half-written
          "{\"b\":\"é\"}",
          "[]"
        }) {
      JsonNode tree = DEEP.readTree(json);
      assertThat(JsonText.of(tree, scratch)).as(json).isEqualTo(tree.toString());
    }
  }
}
