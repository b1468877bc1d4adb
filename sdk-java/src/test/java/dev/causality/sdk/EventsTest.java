package dev.causality.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The typed event catalog: snake_case names and keys, absent fields left out, constructors that
 * never throw.
 */
class EventsTest {
  static final List<String> CATALOG =
      List.of(
          "auth_login_attempt",
          "auth_code_verified",
          "auth_token_refresh",
          "auth_session_validated",
          "task_created",
          "task_started",
          "task_completed",
          "task_failed",
          "task_cancelled",
          "integration_connected",
          "integration_disconnected",
          "integration_used",
          "integration_error",
          "oauth_flow_started",
          "oauth_flow_completed",
          "webhook_received",
          "webhook_processed",
          "cocoon_registered",
          "cocoon_connected",
          "cocoon_disconnected",
          "cocoon_claimed",
          "cocoon_setup_token_created",
          "cocoon_setup_token_used",
          "project_created",
          "project_updated",
          "project_deleted",
          "api_request",
          "database_query",
          "application_error");

  /** Every catalog record, built with a sample value for each component by reflection. */
  static List<AnalyticsEvent> samples(boolean withNulls) throws Exception {
    List<AnalyticsEvent> out = new ArrayList<>();
    for (Class<?> c : Events.class.getDeclaredClasses()) {
      if (!c.isRecord()) {
        continue;
      }
      RecordComponent[] rc = c.getRecordComponents();
      Object[] args = new Object[rc.length];
      Class<?>[] types = new Class<?>[rc.length];
      for (int i = 0; i < rc.length; i++) {
        types[i] = rc[i].getType();
        args[i] = withNulls && !types[i].isPrimitive() ? null : sample(types[i], rc[i].getName());
      }
      out.add((AnalyticsEvent) c.getDeclaredConstructor(types).newInstance(args));
    }
    return out;
  }

  static Object sample(Class<?> t, String name) {
    if (t == String.class) {
      return name + "-value";
    }
    if (t == boolean.class) {
      return true;
    }
    if (t == int.class) {
      return 404;
    }
    if (t == long.class) {
      return 2048L;
    }
    if (t == Duration.class) {
      return Duration.ofMillis(1500);
    }
    if (t == List.class) {
      return List.of("name");
    }
    throw new AssertionError("no sample for " + t);
  }

  @Test
  void theCatalogHasEveryEventWithSnakeCaseNamesAndKeys() throws Exception {
    List<AnalyticsEvent> events = samples(false);
    assertThat(events)
        .extracting(AnalyticsEvent::name)
        .containsExactlyInAnyOrderElementsOf(CATALOG);
    for (AnalyticsEvent e : events) {
      assertThat(e.name()).matches("[a-z][a-z_]*");
      assertThat(e.properties()).isNotEmpty();
      assertThat(e.properties().keySet()).allSatisfy(k -> assertThat(k).matches("[a-z][a-z_]*"));
      assertThat(e.properties().values()).doesNotContainNull();
      if (e.getClass().getRecordComponents()[0].getName().equals("userId")) {
        assertThat(e.userId()).isEqualTo("userId-value");
      } else {
        assertThat(e.userId()).isEmpty();
      }
    }
  }

  @Test
  void durationsAreMillisecondsAndNullFieldsAreLeftOut() throws Exception {
    for (AnalyticsEvent e : samples(false)) {
      e.properties()
          .forEach((k, v) -> {
            if (k.endsWith("_ms")) {
              assertThat(v).isEqualTo(1500.0);
            }
          });
    }
    for (AnalyticsEvent e : samples(true)) {
      assertThat(e.userId()).isEmpty();
      assertThat(e.properties().values()).doesNotContainNull();
    }
  }

  @Test
  void applicationErrorFromAnException() {
    Events.ApplicationError e =
        Events.ApplicationError.of(new IllegalStateException("bad state"), "billing", false);
    assertThat(e.properties())
        .isEqualTo(
            Map.of(
                "error_type",
                "java.lang.IllegalStateException",
                "error_message",
                "bad state",
                "component",
                "billing",
                "fatal",
                false));
    assertThat(Events.ApplicationError.of(null, "x", true).properties())
        .isEqualTo(Map.of("component", "x", "fatal", true));
    assertThat(
            new Events.IntegrationError("u", "github", "sync", "rate_limited", "", 0).properties())
        .doesNotContainKey("status_code")
        .doesNotContainKey("error_message");
  }
}
