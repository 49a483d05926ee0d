package io.natsj.server.protocol;

import static io.natsj.server.protocol.ParserFeeds.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CONNECT decoding, each case as nats-server 2.9.10 answered it on a raw socket. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectOptionsTest {

    private static ConnectOptions parse(String json) {
        byte[] b = bytes("xx" + json + "yy");
        return ConnectOptions.parse(b, 2, b.length - 4);
    }

    @Test
    void readsEveryField() {
        ConnectOptions o = parse("{\"verbose\":false,\"pedantic\":false,\"tls_required\":true,\"auth_token\":\"t\","
            + "\"user\":\"u\",\"pass\":\"p\",\"nkey\":\"UA\",\"sig\":\"s\",\"jwt\":\"j\",\"name\":\"n\",\"lang\":\"java\","
            + "\"version\":\"2.25.0\",\"protocol\":1,\"echo\":false,\"headers\":true,\"no_responders\":true,"
            + "\"account\":\"A\",\"new_account\":true}");
        assertThat(o.verbose()).isFalse();
        assertThat(o.pedantic()).isFalse();
        assertThat(o.tlsRequired()).isTrue();
        assertThat(o.authToken()).isEqualTo("t");
        assertThat(o.user()).isEqualTo("u");
        assertThat(o.pass()).isEqualTo("p");
        assertThat(o.nkey()).isEqualTo("UA");
        assertThat(o.sig()).isEqualTo("s");
        assertThat(o.jwt()).isEqualTo("j");
        assertThat(o.name()).isEqualTo("n");
        assertThat(o.lang()).isEqualTo("java");
        assertThat(o.version()).isEqualTo("2.25.0");
        assertThat(o.protocol()).isEqualTo(1);
        assertThat(o.echo()).isFalse();
        assertThat(o.headers()).isTrue();
        assertThat(o.noResponders()).isTrue();
        assertThat(o.account()).isEqualTo("A");
        assertThat(o.newAccount()).isTrue();
        assertThat(o.toString()).doesNotContain("\"p\"", "=p,", "=t,", "=j,").contains("[REDACTED]");
    }

    @Test
    void defaultsVerbosePedanticAndEchoToTrueAndTheRestToFalse() {
        ConnectOptions o = parse("{}");
        assertThat(o.verbose()).isTrue();
        assertThat(o.pedantic()).isTrue();
        assertThat(o.echo()).isTrue();
        assertThat(o.headers()).isFalse();
        assertThat(o.noResponders()).isFalse();
        assertThat(o.tlsRequired()).isFalse();
        assertThat(o.protocol()).isZero();
        assertThat(o.user()).isNull();
    }

    @Test
    void keepsTheDefaultForNullValuesAndForConnectNull() {
        assertThat(parse("{\"verbose\":null,\"name\":null}").verbose()).isTrue();
        assertThat(parse("null").verbose()).isTrue();
        assertThat(parse(" null ").echo()).isTrue();
    }

    @Test
    void matchesKeysCaseInsensitivelyAndIgnoresUnknownFields() {
        ConnectOptions o = parse("{\"VERBOSE\":false,\"Headers\":true,\"foo\":{\"a\":[1,2]},\"zzz\":null}");
        assertThat(o.verbose()).isFalse();
        assertThat(o.headers()).isTrue();
    }

    @Test
    void decodesEscapedAndUtf8Strings() {
        assertThat(parse("{\"name\":\"\\u00e9\"}").name()).isEqualTo("\u00e9");
        byte[] utf8 = "{\"name\":\"\u00e9\u4e2d\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(ConnectOptions.parse(utf8, 0, utf8.length).name()).isEqualTo("\u00e9\u4e2d");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "garbage", "[]", "{", "{\"verbose\":\"false\"}", "{\"echo\":0}", "{\"protocol\":1.5}",
        "{\"protocol\":\"1\"}", "{\"name\":5}", "{\"verbose\":false} x", "{\"verbose\":false}{\"pedantic\":true}",
        "{\"user\":{}}", "{\"headers\":[true]}", "{\"protocol\":99999999999999999999}"})
    void rejectsWhatNatsServerClosesSilently(String json) {
        assertThatThrownBy(() -> parse(json))
            .isInstanceOfSatisfying(ProtocolException.class, e -> {
                assertThat(e.error()).isEqualTo(ProtocolError.MALFORMED_CONNECT);
                assertThat(e.error().sendsErr()).isFalse();
            });
    }

    @Test
    void checksTheProtocolVersionAndNoRespondersAfterAuth() {
        assertThat(parse("{\"protocol\":2}").check(true)).isEqualTo(ProtocolError.INVALID_CLIENT_PROTOCOL);
        assertThat(parse("{\"protocol\":-1}").check(true)).isEqualTo(ProtocolError.INVALID_CLIENT_PROTOCOL);
        assertThat(parse("{\"protocol\":1}").check(true)).isNull();
        assertThat(parse("{\"protocol\":0}").check(true)).isNull();
        assertThat(parse("{\"no_responders\":true}").check(true))
            .isEqualTo(ProtocolError.NO_RESPONDERS_REQUIRES_HEADERS);
        assertThat(parse("{\"no_responders\":true,\"headers\":true}").check(true)).isNull();
        assertThat(parse("{\"no_responders\":true,\"headers\":true}").check(false))
            .isEqualTo(ProtocolError.NO_RESPONDERS_REQUIRES_HEADERS);
        assertThat(ProtocolError.INVALID_CLIENT_PROTOCOL.sendsErr()).isTrue();
        assertThat(ProtocolError.NO_RESPONDERS_REQUIRES_HEADERS.sendsErr()).isTrue();
    }

    @Test
    void enablesHeadersOnlyWhenBothSidesSupportThem() {
        assertThat(parse("{\"headers\":true}").headersEnabled(true)).isTrue();
        assertThat(parse("{\"headers\":true}").headersEnabled(false)).isFalse();
        assertThat(parse("{}").headersEnabled(true)).isFalse();
    }

    @Test
    void bytesThatAreNotUtf8ReadAsReplacementCharacters() {
        byte[] json = {'{', '"', 'u', 's', 'e', 'r', '"', ':', '"', 'a', (byte) 0xff, 'b', '"', '}'};
        assertThat(ConnectOptions.parse(json, 0, json.length).user()).isEqualTo("a\uFFFDb");
    }
}
