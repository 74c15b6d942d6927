package dev.iotjwt.broker;

import dev.iotjwt.broker.tls.TlsProfile;
import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BrokerSettingsTest {
    private static BrokerSettings settings() {
        return new BrokerSettings(new Registry("p", "us-central1", "r", new LinkedHashMap<>()), "127.0.0.1", 0,
                Path.of("state"), List.of("localhost"), false, false, Duration.ofMinutes(10), Fixtures.CLOCK);
    }

    @Test
    void theBridgeTakesHalfTheProcessorsUnlessToldAndAtLeastOne() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(BrokerSettings.defaultThreads()).isEqualTo(Math.max(1, cores / 2));
        assertThat(settings().threads()).isZero();
        assertThat(settings().eventLoopThreads()).isEqualTo(BrokerSettings.defaultThreads());
        assertThat(settings().withThreads(3).eventLoopThreads()).isEqualTo(3);
        assertThat(settings().withThreads(0).eventLoopThreads()).isEqualTo(BrokerSettings.defaultThreads());
        assertThatThrownBy(() -> settings().withThreads(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theThreadCountSurvivesTheOtherWithers() {
        BrokerSettings s = settings().withThreads(5).withApi(0, "secret-token").withTls(TlsProfile.DEFAULT, false);
        assertThat(s.eventLoopThreads()).isEqualTo(5);
        assertThat(s.apiPort()).isZero();
        assertThat(s.nativeTls()).isFalse();
        assertThat(s.toString()).contains("threads=5").doesNotContain("secret-token");
    }
}
