package dev.causality.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DedupCapTest {
  @Test
  void theDedupWindowNeverTakesMoreThanAQuarterOfTheHeap() {
    long heap = 768L << 20;
    int capped = CausalityServer.dedupMaxIds(10_000_000, heap);
    assertThat((long) capped * CausalityServer.DEDUP_BYTES_PER_ID).isLessThanOrEqualTo(heap / 4);
    assertThat(capped).isEqualTo((int) (heap / 4 / CausalityServer.DEDUP_BYTES_PER_ID));
    assertThat(CausalityServer.dedupMaxIds(50_000, heap)).isEqualTo(50_000);
    assertThat(CausalityServer.dedupMaxIds(10_000_000, 16L << 30)).isEqualTo(10_000_000);
  }
}
