package io.natsj.server.monitor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.security.auth.x500.X500Principal;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Certificate subjects written as nats-server (Go) writes them in {@code /connz}'s {@code tls_peer_certs}. */
@Timeout(10)
class GoDistinguishedNameTest {

    /** X500Principal takes an RFC 2253 string: its leftmost attribute is encoded last. */
    private static String go(String rfc2253) {
        return GoDistinguishedName.of(new X500Principal(rfc2253, Map.of("POSTALCODE", "2.5.4.17")));
    }

    @Test
    void goOrderNotEncodingOrder() {
        assertThat(go("CN=alice,OU=eng,O=Acme,L=Paris,ST=IDF,C=FR"))
                .isEqualTo("CN=alice,OU=eng,O=Acme,L=Paris,ST=IDF,C=FR");
        assertThat(go("O=Acme,CN=alice")).as("encoded CN then O").isEqualTo("CN=alice,O=Acme");
        assertThat(go("C=FR,OU=ops,CN=bob")).isEqualTo("CN=bob,OU=ops,C=FR");
    }

    @Test
    void severalValuesOfOneTypeShareAnRdnAndTheLastCommonNameWins() {
        assertThat(go("OU=ops,OU=eng,CN=alice,O=Acme")).isEqualTo("CN=alice,OU=eng+OU=ops,O=Acme");
        assertThat(go("CN=second,CN=first")).isEqualTo("CN=second");
    }

    @Test
    void serialNumberAndPostalCodeByName() {
        assertThat(go("SERIALNUMBER=42,CN=alice,POSTALCODE=75001"))
                .isEqualTo("SERIALNUMBER=42,CN=alice,POSTALCODE=75001");
    }

    @Test
    void specialCharactersEscapedAsGoDoes() {
        assertThat(go("CN=a\\,b\\+c=d,O=\\#x")).isEqualTo("CN=a\\,b\\+c=d,O=\\#x");
    }

    @Test
    void attributesGoCannotNameComeLast() {
        assertThat(go("DC=example,CN=alice")).startsWith("CN=alice,");
    }
}
