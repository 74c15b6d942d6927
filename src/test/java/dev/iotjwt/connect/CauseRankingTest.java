package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.diagnose.StepResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which finding is the cause, from step results alone. */
class CauseRankingTest {
    static final Finding PADDING = Finding.warning("jwt.base64.padding", "padding", null);
    static final Finding EXPIRED = Finding.error("jwt.exp.expired", "expired", null);
    static final Finding CLIENT_ID = Finding.warning("clientid.malformed", "client id", null);
    static final Finding REFUSED = Finding.error("mqtt.connack.bad-credentials", "CONNACK 4", null);

    static StepResult step(String id, Status status, Finding... findings) {
        return new StepResult(id, status, id, Map.of(), List.of(findings), 0);
    }

    static List<StepResult> refusedWith(Finding... inputs) {
        return List.of(step("inputs", inputs.length == 0 ? Status.PASS : Status.WARN, inputs),
                step("dns", Status.PASS), step("tcp", Status.PASS), step("tls", Status.PASS),
                step("trust", Status.PASS), step("mqtt", Status.FAIL, REFUSED));
    }

    @Test
    void noFailedStepNoCause() {
        assertThat(CauseRanking.cause(List.of(step("inputs", Status.WARN, PADDING), step("dns", Status.PASS))))
                .isNull();
    }

    @Test
    void theFailingStepsFirstErrorNotItsWarnings() {
        Finding warning = Finding.warning("tls.sni-missing", "a warning", null);
        Finding error = Finding.error("tls.protocol-version", "the error", null);
        assertThat(CauseRanking.cause(List.of(step("inputs", Status.PASS), step("tls", Status.FAIL, warning, error))))
                .isEqualTo(error);
    }

    @Test
    void aRefusedTokenIsExplainedByTheTokensError() {
        assertThat(CauseRanking.cause(refusedWith(PADDING, EXPIRED))).isEqualTo(EXPIRED);
    }

    @Test
    void aClientIdWarningComesBeforeATokenWarning() {
        assertThat(CauseRanking.cause(refusedWith(PADDING, CLIENT_ID))).isEqualTo(CLIENT_ID);
    }

    @Test
    void whatIotCoreToleratedIsTheCauseWhenAStrictBridgeRefuses() {
        assertThat(CauseRanking.cause(refusedWith(PADDING))).isEqualTo(PADDING);
    }

    @Test
    void aBrokerClosingAfterConnectIsARefusalToo() {
        Finding closed = Finding.error("mqtt.closed", "closed after CONNECT", null);
        assertThat(CauseRanking.cause(List.of(step("inputs", Status.WARN, EXPIRED), step("mqtt", Status.FAIL,
                closed)))).isEqualTo(EXPIRED);
    }

    @Test
    void withCleanInputsTheRefusalItselfIsTheCause() {
        assertThat(CauseRanking.cause(refusedWith())).isEqualTo(REFUSED);
        assertThat(CauseRanking.cause(refusedWith(Finding.warning("ca.expired", "an old root", null))))
                .isEqualTo(REFUSED);
    }

    @Test
    void aTokenProblemDoesNotExplainANetworkFailure() {
        Finding refused = Finding.error("tcp.refused", "RST", null);
        assertThat(CauseRanking.cause(List.of(step("inputs", Status.WARN, EXPIRED), step("dns", Status.PASS),
                step("tcp", Status.FAIL, refused)))).isEqualTo(refused);
    }

    @Test
    void aFailedInputsStepIsItsOwnCause() {
        Finding empty = Finding.error("ca.empty", "no certificate", null);
        assertThat(CauseRanking.cause(List.of(step("inputs", Status.FAIL, PADDING, empty)))).isEqualTo(empty);
    }
}
