package io.natsj.server.jetstream.error;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The error catalogue: one constant per code, the codes clients match on, placeholders filled. */
@Timeout(5)
class JsErrorCodeTest {

    @Test
    void everyErrCodeIsUnique() {
        Set<Integer> codes = Arrays.stream(JsErrorCode.values()).map(JsErrorCode::errCode).collect(Collectors.toSet());
        assertThat(codes).hasSize(JsErrorCode.values().length);
        assertThat(JsErrorCode.values()).hasSizeGreaterThanOrEqualTo(226);
    }

    @Test
    void wellKnownCodesMatchNatsServer() {
        assertThat(JsErrorCode.STREAM_NOT_FOUND.error()).isEqualTo(new JsApiError(404, 10059, "stream not found"));
        assertThat(JsErrorCode.NOT_ENABLED.error()).isEqualTo(new JsApiError(503, 10076, "JetStream not enabled"));
        assertThat(JsErrorCode.STREAM_SUBJECT_OVERLAP.errCode()).isEqualTo(10065);
        assertThat(JsErrorCode.STREAM_REPLICAS_NOT_SUPPORTED.error().code()).isEqualTo(500);
    }

    @Test
    void placeholdersAreFilled() {
        assertThat(JsErrorCode.STREAM_WRONG_LAST_SEQUENCE.with("seq", "42").description())
                .isEqualTo("wrong last sequence: 42");
    }
}
