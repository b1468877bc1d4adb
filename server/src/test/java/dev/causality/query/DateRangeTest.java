package dev.causality.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class DateRangeTest {
  @Test
  void thePreviousPeriodHasExactlyTheSameLengthSubSecondPartsIncluded() {
    LocalDateTime from = LocalDateTime.parse("2026-12-04T10:00:00");
    LocalDateTime to = LocalDateTime.parse("2026-12-04T10:00:01.500");
    DateRange.Window previous = new DateRange.Window(from, to).shiftedBack();
    // it ended at `from` and started 1.5 s before it: whole seconds only made it 1 s long
    assertThat(previous.to()).isEqualTo(from);
    assertThat(previous.from()).isEqualTo(LocalDateTime.parse("2026-12-04T09:59:58.500"));
    assertThat(Duration.between(previous.from(), previous.to()))
        .isEqualTo(Duration.between(from, to));
  }
}
