package dev.causality.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.causality.event.Events;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogTest {
  @TempDir Path dir;

  @Test
  void listsEventsKeysTypesAndTopValues() {
    Catalog c = new Catalog();
    c.observe(
        List.of(
            Events.track("Purchase")
                .properties("{\"plan\":\"pro\",\"amount\":10,\"item\":{\"sku\":\"A\"}}")
                .build(),
            Events.track("Purchase").properties("{\"plan\":\"pro\",\"amount\":\"n/a\"}").build(),
            Events.track("Purchase").properties("{\"plan\":\"team\"}").build(),
            Events.track("Signed Up").properties("{}").build(),
            Events.track(null).type("page").properties("{\"url\":\"https://x\"}").build()));
    assertThat(c.events("default"))
        .extracting(Catalog.EventInfo::event)
        .containsExactly("Purchase", "$pageview", "Signed Up");
    assertThat(c.events("other")).isEmpty();
    List<Catalog.PropertyInfo> props = c.properties("default", "Purchase", 10);
    assertThat(props)
        .extracting(Catalog.PropertyInfo::key)
        .containsExactly("plan", "amount", "item.sku");
    Catalog.PropertyInfo plan = props.getFirst();
    assertThat(plan.types()).isEqualTo(Map.of("string", 3L));
    assertThat(plan.topValues()).containsExactly(Map.entry("pro", 2L), Map.entry("team", 1L));
    assertThat(props.get(1).types()).isEqualTo(Map.of("number", 1L, "string", 1L));
    assertThat(c.properties("default", "$any", 10))
        .extracting(Catalog.PropertyInfo::key)
        .contains("url", "plan");
  }

  @Test
  void flattensThreeLevelsAndCountsScalarsOnly() {
    Catalog c = new Catalog();
    c.observe(
        List.of(
            Events.track("E")
                .properties(
                    "{\"a\":{\"b\":{\"c\":{\"d\":1}},\"e\":\"x\"},\"arr\":[1,{\"x\":2}],\"n\":null,\"t\":true,"
                        + "\"f\":1.5,\"big\":1.0E300,\"long\":\""
                        + "y".repeat(101)
                        + "\"}")
                .build()));
    Map<String, Catalog.PropertyInfo> byKey = new java.util.HashMap<>();
    c.properties("default", "E", 10).forEach(p -> byKey.put(p.key(), p));
    assertThat(byKey).containsOnlyKeys("a.b.c", "a.e", "arr", "n", "t", "f", "big", "long");
    assertThat(byKey.get("a.b.c").types()).isEqualTo(Map.of("object", 1L));
    assertThat(byKey.get("a.b.c").topValues()).isEmpty();
    assertThat(byKey.get("arr").types()).isEqualTo(Map.of("array", 1L));
    assertThat(byKey.get("arr").topValues()).isEmpty();
    assertThat(byKey.get("n").types()).isEqualTo(Map.of("null", 1L));
    assertThat(byKey.get("n").topValues()).isEmpty();
    assertThat(byKey.get("t").topValues()).containsExactly(Map.entry("true", 1L));
    assertThat(byKey.get("f").topValues()).containsExactly(Map.entry("1.5", 1L));
    assertThat(byKey.get("big").topValues()).containsExactly(Map.entry("1.0E300", 1L));
    assertThat(byKey.get("a.e").topValues()).containsExactly(Map.entry("x", 1L));
    assertThat(byKey.get("long").types()).isEqualTo(Map.of("string", 1L));
    assertThat(byKey.get("long").topValues()).isEmpty();
  }

  @Test
  void manyDistinctValuesMarkAKeyHighCardinalityAndStayBounded() {
    Catalog c = new Catalog();
    for (int batch = 0; batch < 3; batch++) {
      List<dev.causality.event.Event> rows = new java.util.ArrayList<>();
      for (int i = 0; i < 80; i++) {
        rows.add(Events.track("E").properties("{\"id\":\"v" + batch + "-" + i + "\"}").build());
      }
      c.observe(rows);
    }
    Catalog.PropertyInfo id = c.properties("default", "E", 200).getFirst();
    assertThat(id.highCardinality()).isTrue();
    assertThat(id.topValues()).hasSizeLessThanOrEqualTo(Catalog.MAX_VALUES);
    assertThat(id.count()).isEqualTo(240);
  }

  @Test
  void survivesRestartExactlyAsLoaded() {
    Path file = dir.resolve("w.duckdb");
    try (DuckDbWarehouse w = DuckDbWarehouse.open(file, "256MB")) {
      w.load(
          List.of(
              Events.track("A").properties("{\"k\":\"x\"}").build(),
              Events.track("A").properties("{\"k\":\"y\"}").build()),
          List.of(),
          1);
      w.load(List.of(Events.track("B").build()), List.of(), 2);
    }
    try (DuckDbWarehouse w = DuckDbWarehouse.open(file, "256MB")) {
      assertThat(w.catalog().events("default"))
          .extracting(Catalog.EventInfo::event, Catalog.EventInfo::count)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("A", 2L),
              org.assertj.core.groups.Tuple.tuple("B", 1L));
      assertThat(w.catalog().properties("default", "A", 10).getFirst().topValues())
          .containsExactly(Map.entry("x", 1L), Map.entry("y", 1L));
      w.load(List.of(Events.track("A").properties("{\"k\":\"x\"}").build()), List.of(), 3);
    }
    try (DuckDbWarehouse w = DuckDbWarehouse.open(file, "256MB")) {
      assertThat(w.catalog().properties("default", "A", 10).getFirst().topValues())
          .containsExactly(Map.entry("x", 2L), Map.entry("y", 1L));
      assertThat(
              ((Number)
                      w.query("SELECT count(*) FROM catalog_increments WHERE kind = 'value'", 1)
                          .rows()
                          .getFirst()
                          .getFirst())
                  .longValue())
          .isEqualTo(2);
    }
  }
}
