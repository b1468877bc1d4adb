package dev.causality.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The hand-written JSON writer, checked by parsing its output with Jackson. */
class JsonTest {
  static final ObjectMapper MAPPER = new ObjectMapper();

  static String write(Object v) {
    return new Json(16).value(v).toString();
  }

  static JsonNode parse(Object v) throws Exception {
    return MAPPER.readTree(new Json(16).value(v).bytes());
  }

  @Test
  void scalars() {
    assertThat(write(null)).isEqualTo("null");
    assertThat(write(true)).isEqualTo("true");
    assertThat(write(false)).isEqualTo("false");
    assertThat(write(42)).isEqualTo("42");
    assertThat(write(-7L)).isEqualTo("-7");
    assertThat(write((short) 3)).isEqualTo("3");
    assertThat(write((byte) -1)).isEqualTo("-1");
    assertThat(write(Long.MIN_VALUE)).isEqualTo("-9223372036854775808");
    assertThat(write(new AtomicLong(5))).isEqualTo("5");
    assertThat(write(new BigInteger("123456789012345678901234567890")))
        .isEqualTo("123456789012345678901234567890");
    assertThat(write(new BigDecimal("1.50"))).isEqualTo("1.50");
    assertThat(write(2.5)).isEqualTo("2.5");
    assertThat(write(3.0)).isEqualTo("3");
    assertThat(write(0.1f)).isEqualTo("0.1");
    assertThat(write(1e300)).isEqualTo("1.0E300");
    assertThat(write(Double.NaN)).isEqualTo("null");
    assertThat(write(Double.POSITIVE_INFINITY)).isEqualTo("null");
    assertThat(write(Float.NEGATIVE_INFINITY)).isEqualTo("null");
  }

  @Test
  void numbersParseBackToTheSameValue() throws Exception {
    assertThat(parse(1e300).doubleValue()).isEqualTo(1e300);
    assertThat(parse(-1.25e-7).doubleValue()).isEqualTo(-1.25e-7);
    assertThat(parse(12.345).doubleValue()).isEqualTo(12.345);
    assertThat(parse(Long.MAX_VALUE).longValue()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void stringsAreEscapedAndEncodedAsUtf8() throws Exception {
    String s =
        "quote\" backslash\\ slash/ nl\n cr\r tab\t bs\b ff\f nul\u0000 unit\u001f del\u007f é ß 中文 🎉 \u2028\u2029 end";
    JsonNode n = parse(s);
    assertThat(n.textValue()).isEqualTo(s);
    String raw = write(s);
    assertThat(raw)
        .contains(
            "\\\"", "\\\\", "\\n", "\\r", "\\t", "\\b", "\\f", "\\u0000", "\\u001f", "\\u2028",
            "\\u2029");
    assertThat(raw).contains("é", "中文", "🎉");
  }

  @Test
  void unpairedSurrogatesBecomeTheReplacementCharacter() throws Exception {
    assertThat(parse("a\uD83Db").textValue()).isEqualTo("a\uFFFDb");
    assertThat(parse("end\uDE00").textValue()).isEqualTo("end\uFFFD");
    assertThat(parse("\uD83D\uD83D\uDE00").textValue()).isEqualTo("\uFFFD\uD83D\uDE00");
  }

  @Test
  void nestedMapsListsArraysAndOptionals() throws Exception {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("list", List.of(1, "two", List.of(3.5)));
    inner.put("nothing", null);
    inner.put("set", Set.of("x"));
    Map<Object, Object> outer = new HashMap<>();
    outer.put("inner", inner);
    outer.put(7, "numeric key");
    outer.put("ints", new int[] {1, 2});
    outer.put("objects", new Object[] {"a", null});
    outer.put("present", Optional.of("yes"));
    outer.put("absent", Optional.empty());
    outer.put("empty", Map.of());
    outer.put("emptyList", new ArrayList<>());
    JsonNode n = parse(outer);
    assertThat(n.path("inner").path("list").toString()).isEqualTo("[1,\"two\",[3.5]]");
    assertThat(n.path("inner").path("nothing").isNull()).isTrue();
    assertThat(n.path("inner").path("set").toString()).isEqualTo("[\"x\"]");
    assertThat(n.path("7").textValue()).isEqualTo("numeric key");
    assertThat(n.path("ints").toString()).isEqualTo("[1,2]");
    assertThat(n.path("objects").toString()).isEqualTo("[\"a\",null]");
    assertThat(n.path("present").textValue()).isEqualTo("yes");
    assertThat(n.path("absent").isNull()).isTrue();
    assertThat(n.path("empty").toString()).isEqualTo("{}");
    assertThat(n.path("emptyList").toString()).isEqualTo("[]");
  }

  enum Plan {
    PRO
  }

  @Test
  void timesEnumsUuidsAndOtherObjects() throws Exception {
    Instant t = Instant.parse("2026-11-23T16:30:00.123Z");
    assertThat(write(t)).isEqualTo("\"2026-11-23T16:30:00.123Z\"");
    assertThat(write(Date.from(t))).isEqualTo("\"2026-11-23T16:30:00.123Z\"");
    assertThat(new Json(4).instant(0).toString()).isEqualTo("\"1970-01-01T00:00:00Z\"");
    assertThat(write(LocalDate.of(2026, 1, 2))).isEqualTo("\"2026-01-02\"");
    assertThat(write(Plan.PRO)).isEqualTo("\"PRO\"");
    UUID u = UUID.randomUUID();
    assertThat(write(u)).isEqualTo("\"" + u + "\"");
    assertThat(write('c')).isEqualTo("\"c\"");
    assertThat(write(new StringBuilder("sb"))).isEqualTo("\"sb\"");
    assertThat(write(Duration.ofSeconds(2))).isEqualTo("\"PT2S\"");
    assertThat(
            write(
                new Object() {
                  @Override
                  public String toString() {
                    return "custom \"thing\"";
                  }
                }))
        .isEqualTo("\"custom \\\"thing\\\"\"");
  }

  @Test
  void aCycleIsAnErrorNotAStackOverflow() {
    Map<String, Object> m = new HashMap<>();
    m.put("self", m);
    assertThatThrownBy(() -> write(m))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deeper than");
  }

  @Test
  void largeValuesGrowTheBuffer() throws Exception {
    char[] chars = new char[100_000];
    Arrays.fill(chars, 'ü');
    String big = new String(chars);
    assertThat(parse(List.of(big, big)).get(1).textValue()).isEqualTo(big);
  }

  @Test
  void truncateRollsBack() {
    Json j = new Json(8).raw('[');
    int mark = j.length();
    j.value("partial");
    j.truncate(mark);
    assertThat(j.raw(']').toString()).isEqualTo("[]");
  }

  @Test
  void propsKeepOrderAndSkipAbsentValues() throws Exception {
    Props p = Props.of("a", 1, "b", null, "c", "", "d", false);
    assertThat(p).hasSize(2);
    assertThat(p.keySet()).containsExactly("a", "d");
    assertThat(p.get("d")).isEqualTo(false);
    assertThat(p.containsKey("b")).isFalse();
    assertThat(write(p)).isEqualTo("{\"a\":1,\"d\":false}");
    Map<String, Object> withNull = new LinkedHashMap<>();
    withNull.put("x", null);
    withNull.put(null, "dropped");
    Props copy = Props.copyOf(withNull);
    assertThat(copy).containsOnlyKeys("x");
    assertThat(write(copy)).isEqualTo("{\"x\":null}");
    assertThat(Props.copyOf(p)).isSameAs(p);
    assertThat(Props.copyOf(null)).isEmpty();
    assertThat(p).isEqualTo(Map.of("a", 1, "d", false));
    assertThatThrownBy(() -> Props.of("odd")).isInstanceOf(IllegalArgumentException.class);
  }
}
