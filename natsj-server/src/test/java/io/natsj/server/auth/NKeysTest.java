package io.natsj.server.auth;

import io.nats.client.NKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** natsj's NKey decoder and signature check against keys and signatures made by jnats' {@link NKey}. */
@Timeout(10)
class NKeysTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] NONCE = "Xa3bQ1c-d_EfGhI".getBytes(StandardCharsets.US_ASCII);

    private static String publicKey(NKey key) throws Exception {
        return new String(key.getPublicKey());
    }

    @Test
    void decodesTheRawKeyOfAUserPublicKey() throws Exception {
        NKey user = NKey.createUser(RANDOM);
        byte[] raw = NKeys.decodePublicKey(publicKey(user), NKeys.PREFIX_USER);
        byte[] encoded = user.getKeyPair().getPublic().getEncoded(); // X.509: 12-byte header, then the raw key
        assertThat(raw).hasSize(32).isEqualTo(java.util.Arrays.copyOfRange(encoded, encoded.length - 32,
                encoded.length));
        assertThat(NKeys.isValidPublicUserKey(publicKey(user))).isTrue();
    }

    @Test
    void refusesKeysOfOtherKindsBadChecksumsAndBadText() throws Exception {
        String account = publicKey(NKey.createAccount(RANDOM));
        assertThat(NKeys.isValidPublicUserKey(account)).isFalse();
        String user = publicKey(NKey.createUser(RANDOM));
        char flipped = user.charAt(20) == 'A' ? 'B' : 'A';
        assertThat(NKeys.isValidPublicUserKey(user.substring(0, 20) + flipped + user.substring(21))).isFalse();
        assertThat(NKeys.isValidPublicUserKey(user.substring(1))).isFalse();
        assertThat(NKeys.isValidPublicUserKey(user.toLowerCase())).isFalse();
        assertThat(NKeys.isValidPublicUserKey(null)).isFalse();
        assertThatThrownBy(() -> NKeys.decodePublicKey(account, NKeys.PREFIX_USER))
                .isInstanceOf(IllegalArgumentException.class);
        String seed = new String(NKey.createUser(RANDOM).getSeed());
        assertThat(NKeys.isValidPublicUserKey(seed)).isFalse();
    }

    @Test
    void verifiesJnatsSignaturesOfTheNonceInBothBase64Alphabets() throws Exception {
        NKey user = NKey.createUser(RANDOM);
        byte[] sig = user.sign(NONCE);
        String url = Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        String std = Base64.getEncoder().encodeToString(sig);
        assertThat(NKeys.verifyUserSignature(publicKey(user), NONCE, url)).isTrue();
        assertThat(NKeys.verifyUserSignature(publicKey(user), NONCE, std)).isTrue();
    }

    @Test
    void refusesSignaturesOfAnotherNonceOrKeyAndGarbage() throws Exception {
        NKey user = NKey.createUser(RANDOM);
        NKey other = NKey.createUser(RANDOM);
        String sig = Base64.getUrlEncoder().withoutPadding().encodeToString(user.sign(NONCE));
        assertThat(NKeys.verifyUserSignature(publicKey(user), "another-nonce00".getBytes(StandardCharsets.US_ASCII),
                sig)).isFalse();
        assertThat(NKeys.verifyUserSignature(publicKey(other), NONCE, sig)).isFalse();
        assertThat(NKeys.verifyUserSignature(publicKey(user), NONCE, "not base64 !")).isFalse();
        assertThat(NKeys.verifyUserSignature(publicKey(user), NONCE, "AAAA")).isFalse();
        assertThat(NKeys.verifyUserSignature(publicKey(user), NONCE, "")).isFalse();
        assertThat(NKeys.verifyUserSignature(publicKey(user), NONCE, null)).isFalse();
        assertThat(NKeys.verifyUserSignature("UBAD", NONCE, sig)).isFalse();
    }

    @Test
    void crc16IsXmodem() {
        assertThat(NKeys.crc16("123456789".getBytes(StandardCharsets.US_ASCII), 0, 9)).isEqualTo(0x31C3);
    }
}
