package dev.iotjwt.cli.options;

import dev.iotjwt.connect.Profile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConvertersTest {
    @Test
    void aPortToDialIsOneTo65535() {
        Converters.PortConverter ports = new Converters.PortConverter();
        assertThat(ports.convert("1")).isEqualTo(1);
        assertThat(ports.convert("8883")).isEqualTo(8883);
        assertThat(ports.convert(" 65535 ")).isEqualTo(65535);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65536", "-1", "88 83", "mqtt", "", "99999999999"})
    void anythingElseIsNotAPortAndSaysWhatIs(String value) {
        assertThatThrownBy(() -> new Converters.PortConverter().convert(value))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("'" + value + "' is not a TCP port (1 to 65535)");
    }

    @Test
    void aPortToListenOnMayBeZeroForAFreeOne() {
        Converters.ListenPortConverter ports = new Converters.ListenPortConverter();
        assertThat(ports.convert("0")).isZero();
        assertThat(ports.convert("65535")).isEqualTo(65535);
        assertThatThrownBy(() -> ports.convert("-1")).hasMessage("'-1' is not a TCP port (0 to 65535)");
        assertThatThrownBy(() -> ports.convert("65536")).hasMessageContaining("is not a TCP port");
    }

    @Test
    void profilesByTheNamesUsersType() {
        Converters.ProfileConverter profiles = new Converters.ProfileConverter();
        assertThat(profiles.convert("google")).isEqualTo(Profile.google);
        assertThat(profiles.convert("google-lts")).isEqualTo(Profile.google_lts);
        assertThat(profiles.convert("clearblade")).isEqualTo(Profile.clearblade);
        assertThat(profiles.convert("local")).isEqualTo(Profile.local);
        assertThatThrownBy(() -> profiles.convert("aws"))
                .hasMessage("'aws' is not one of google, google-lts, clearblade, local");
    }

    @Test
    void tlsVersionsInEverySpellingBecomeTheJsseName() {
        Converters.TlsVersionConverter versions = new Converters.TlsVersionConverter();
        assertThat(versions.convert("1.2")).isEqualTo("TLSv1.2");
        assertThat(versions.convert("TLSV1_3")).isEqualTo("TLSv1.3");
        assertThat(versions.convert("1.0")).isEqualTo("TLSv1");
        assertThatThrownBy(() -> versions.convert("2.0")).hasMessageStartingWith("'2.0' is not a TLS version");
    }
}
