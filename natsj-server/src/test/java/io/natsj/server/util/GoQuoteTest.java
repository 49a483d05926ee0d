package io.natsj.server.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Go's {@code %q} of wire bytes, as nats-server quotes subjects in its violation texts. */
@Timeout(10)
class GoQuoteTest {

    private static String wire(String unicode) {
        return new String(unicode.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private static String wireBytes(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void plainSubjectsAreOnlyQuoted() {
        assertThat(GoQuote.quoteWire("foo.bar.>")).isEqualTo("\"foo.bar.>\"");
        assertThat(GoQuote.quoteWire("")).isEqualTo("\"\"");
    }

    @Test
    void quotesAndBackslashesAreEscaped() {
        assertThat(GoQuote.quoteWire("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
    }

    @Test
    void printableUnicodeStaysAsItIs() {
        assertThat(GoQuote.quoteWire(wire("café.😀"))).isEqualTo("\"café.😀\"");
    }

    @Test
    void controlCharactersUseGosEscapes() {
        assertThat(GoQuote.quoteWire("a\fb\tc\u0001\u007f\u0007\u000b"))
                .isEqualTo("\"a\\fb\\tc\\x01\\x7f\\a\\v\"");
    }

    @Test
    void nonPrintableUnicodeUsesUEscapes() {
        assertThat(GoQuote.quoteWire(wire("a\u00adb\u2028"))).isEqualTo("\"a\\u00adb\\u2028\"");
        assertThat(GoQuote.quoteWire(wire("\u00a0"))).isEqualTo("\"\\u00a0\"");
    }

    @Test
    void invalidUtf8BytesUseXEscapes() {
        assertThat(GoQuote.quoteWire(wireBytes('a', 0xff, 'b'))).isEqualTo("\"a\\xffb\"");
        assertThat(GoQuote.quoteWire(wireBytes(0xc3))).isEqualTo("\"\\xc3\"");
        assertThat(GoQuote.quoteWire(wireBytes(0xc0, 0xaf))).isEqualTo("\"\\xc0\\xaf\"");
        assertThat(GoQuote.quoteWire(wireBytes(0xed, 0xa0, 0x80))).isEqualTo("\"\\xed\\xa0\\x80\"");
    }
}
