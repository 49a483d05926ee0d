package io.natsj.server.json;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The syntax check's texts and limits, as Go's {@code encoding/json} scanner words them (checked against Go). */
class GoJsonSyntaxTest {

    private static String check(String s) {
        return GoJsonSyntax.check(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void nestsAsDeepAsGoAllowsWithoutRecursion() {
        String ok = "[".repeat(GoJsonSyntax.MAX_DEPTH) + "]".repeat(GoJsonSyntax.MAX_DEPTH);
        assertThat(check(ok)).isNull();
        assertThat(check("{\"x\":" + ok + "}")).isEqualTo("invalid character '[' exceeded max depth");
        assertThat(check("[".repeat(1_000_000))).isEqualTo("invalid character '[' exceeded max depth");
    }

    @Test
    void quotesBytesAsGo() {
        assertThat(check("\u0007")).isEqualTo("invalid character '\\a' looking for beginning of value");
        assertThat(check("\u000b")).isEqualTo("invalid character '\\v' looking for beginning of value");
        assertThat(check("\u0001")).isEqualTo("invalid character '\\x01' looking for beginning of value");
        assertThat(check("\u0080")).isEqualTo("invalid character '\\u0080' looking for beginning of value");
        assertThat(check("\u00a0")).isEqualTo("invalid character '\\u00a0' looking for beginning of value");
        assertThat(check("\u00ad")).isEqualTo("invalid character '\\u00ad' looking for beginning of value");
        assertThat(check("\u00ff")).isEqualTo("invalid character 'ÿ' looking for beginning of value");
    }

    @Test
    void reportsTheFirstErrorOfEachKind() {
        assertThat(check("{\"a\":1}{}")).isEqualTo("invalid character '{' after top-level value");
        assertThat(check("{\"a\" 1}")).isEqualTo("invalid character '1' after object key");
        assertThat(check("{\"a\":1 \"b\"}")).isEqualTo("invalid character '\"' after object key:value pair");
        assertThat(check("[1 2]")).isEqualTo("invalid character '2' after array element");
        assertThat(check("{,}")).isEqualTo("invalid character ',' looking for beginning of object key string");
        assertThat(check("[1,")).isEqualTo("unexpected end of JSON input");
        assertThat(check("\t")).isEqualTo("unexpected end of JSON input");
        assertThat(check(" [ {\"a\" : [ true , null , -1.5e3 , \"\\u00e9\" ] } , { } ] ")).isNull();
    }
}
