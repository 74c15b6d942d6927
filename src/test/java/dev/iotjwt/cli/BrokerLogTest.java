package dev.iotjwt.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The bridge's start banner names a few devices, not a fleet's every id. */
class BrokerLogTest {
    @Test
    void aSmallRegistryIsNamedWhole() {
        assertThat(BrokerLog.someIds(List.of("dev-a", "dev-b", "dev-c"))).isEqualTo("dev-a, dev-b, dev-c");
        List<String> twenty = IntStream.range(0, 20).mapToObj(i -> "d" + i).toList();
        assertThat(BrokerLog.someIds(twenty)).endsWith("d18, d19").doesNotContain("more");
    }

    @Test
    void aFleetIsNamedByItsFirstTwentyAndCounted() {
        List<String> ids = IntStream.range(0, 10_000).mapToObj(i -> "bench-" + i).toList();
        String shown = BrokerLog.someIds(ids);
        assertThat(shown).startsWith("bench-0, bench-1, ").endsWith("bench-19 and 9980 more")
                .doesNotContain("bench-20,");
    }
}
