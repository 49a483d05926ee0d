package io.natsj.server.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class RecentStringsTest {

    private final RecentStrings recent = new RecentStrings();

    private String get(String framed, int from, int to) {
        return recent.get(framed.getBytes(StandardCharsets.ISO_8859_1), from, to);
    }

    @Test
    void theSameBytesGiveTheSameStringInstance() {
        String first = get("PUB orders.eu 5", 4, 13);
        String again = get("RMSG $G orders.eu 5", 8, 17);
        assertThat(first).isEqualTo("orders.eu");
        assertThat(again).isSameAs(first);
    }

    @Test
    void differentBytesNeverGiveAKeptString() {
        String a = get("orders.eu", 0, 9);
        String b = get("orders.us", 0, 9);
        String c = get("orders.e", 0, 8);
        assertThat(a).isEqualTo("orders.eu");
        assertThat(b).isEqualTo("orders.us");
        assertThat(c).isEqualTo("orders.e");
        assertThat(get("orders.eu", 0, 9)).isEqualTo("orders.eu");
    }

    @Test
    void manyValuesSharingSlotsAllComeBackRight() {
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 500; i++) {
                String s = "s." + i + ".x";
                assertThat(get(s, 0, s.length())).isEqualTo(s);
            }
        }
    }

    @Test
    void bytesAboveSevenBitsKeepTheirLatin1Value() {
        byte[] b = {'a', (byte) 0xe9, 'b'};
        assertThat(recent.get(b, 0, 3)).isEqualTo("a\u00e9b");
        assertThat(recent.get(new byte[] {'a', (byte) 0xe8, 'b'}, 0, 3)).isEqualTo("a\u00e8b");
    }

    @Test
    void longValuesAndEmptyOnesAreMadeAfresh() {
        String longOne = "x".repeat(RecentStrings.MAX_LENGTH + 1);
        String first = get(longOne, 0, longOne.length());
        assertThat(first).isEqualTo(longOne);
        assertThat(get(longOne, 0, longOne.length())).isEqualTo(longOne).isNotSameAs(first);
        assertThat(get("abc", 1, 1)).isEmpty();
    }
}
