package io.natsj.server.json;

import io.natsj.server.json.GoStruct.GoJsonException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RFC 3339 times read as Go reads a {@code time.Time} from JSON, with Go's texts (checked against Go's time package). */
class GoTimeTest {

    @Test
    void readsRfc3339WithAnyFractionAndOffset() {
        assertThat(GoTime.parseRfc3339("2024-01-02T03:04:05Z")).isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));
        assertThat(GoTime.parseRfc3339("2024-01-02T03:04:05.5+01:30"))
                .isEqualTo(Instant.parse("2024-01-02T01:34:05.5Z"));
        assertThat(GoTime.parseRfc3339("2024-01-01T00:00:00.1234567891Z"))
                .isEqualTo(Instant.parse("2024-01-01T00:00:00.123456789Z"));
        assertThat(GoTime.parseRfc3339("2024-01-01T00:00:00+23:59"))
                .isEqualTo(Instant.parse("2023-12-31T00:01:00Z"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "nope                      | parsing time \"nope\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"nope\" as \"2006\"",
            "202                       | parsing time \"202\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"202\" as \"2006\"",
            "2024-1-02T00:00:00Z       | parsing time \"2024-1-02T00:00:00Z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"1-02T00:00:00Z\" as \"01\"",
            "2024-13-01T00:00:00Z      | parsing time \"2024-13-01T00:00:00Z\": month out of range",
            "2024-02-30T00:00:00Z      | parsing time \"2024-02-30T00:00:00Z\": day out of range",
            "2024-01-01T24:00:00Z      | parsing time \"2024-01-01T24:00:00Z\": hour out of range",
            "2024-01-01T00:60:00Z      | parsing time \"2024-01-01T00:60:00Z\": minute out of range",
            "2024-01-01T00:00:60Z      | parsing time \"2024-01-01T00:00:60Z\": second out of range",
            "2024-01-01T00:00:00       | parsing time \"2024-01-01T00:00:00\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"Z07:00\"",
            "2024-01-01T00:00:00.5+0100 | parsing time \"2024-01-01T00:00:00.5+0100\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"+0100\" as \"Z07:00\"",
            "2024-01-01T00:00:00Zx     | parsing time \"2024-01-01T00:00:00Zx\": extra text: \"x\"",
            "2024-01-01T00:00:00Zé     | parsing time \"2024-01-01T00:00:00Z\\xc3\\xa9\": extra text: \"\\xc3\\xa9\"",
            "2024-01-01t00:00:00Z      | parsing time \"2024-01-01t00:00:00Z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"t00:00:00Z\" as \"T\"",
            // the checks Go 1.20+ adds for strict RFC 3339
            "2024-01-01T0:00:00Z       | parsing time \"2024-01-01T0:00:00Z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"0\" as \"15\"",
            "2024-01-01T00:00:00,5Z    | parsing time \"2024-01-01T00:00:00,5Z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \",\" as \".\"",
            "2024-01-01T00:00:00+24:00 | parsing time \"2024-01-01T00:00:00+24:00\": timezone hour out of range",
            "2024-01-01T00:00:00+01:60 | parsing time \"2024-01-01T00:00:00+01:60\": timezone minute out of range",
            "2024-01-01T00:00:00+25:00 | parsing time \"2024-01-01T00:00:00+25:00\": time zone offset hour out of range",
    })
    void refusesWithGoTexts(String value, String message) {
        assertThatThrownBy(() -> GoTime.parseRfc3339(value)).isInstanceOf(GoJsonException.class)
                .hasMessage(message);
    }

    @Test
    void structFieldsReadTimesAndRefuseOtherJsonTypes() {
        GoStruct s = GoStruct.of(tools.jackson.databind.json.JsonMapper.builder().build()
                .readTree("{\"a\":\"2024-01-02T03:04:05Z\",\"b\":5,\"c\":null}"), "X");
        assertThat(s.time("a")).isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));
        assertThat(s.time("c")).isNull();
        assertThat(s.time("missing")).isNull();
        assertThatThrownBy(() -> s.time("b")).hasMessage("Time.UnmarshalJSON: input is not a JSON string");
    }
}
