package dev.causality.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class PostgresSinkTest {
  @Test
  void connectionAndTransactionFailuresAreRetriedOthersAreNot() {
    assertThat(PostgresSink.retriable(new SQLException("refused", "08001"))).isTrue();
    assertThat(PostgresSink.retriable(new SQLException("serialization", "40001"))).isTrue();
    assertThat(PostgresSink.retriable(new SQLException("shutting down", "57P01"))).isTrue();
    assertThat(PostgresSink.retriable(new SQLException("no state"))).isTrue();
    assertThat(PostgresSink.retriable(new SQLException("no table", "42P01"))).isFalse();
    assertThat(PostgresSink.retriable(new SQLException("out of range", "22003"))).isFalse();
  }
}
