package io.natsj.server.auth;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * NATS NKey public keys and the signatures made with them: just what a server needs to check a client that signs
 * the INFO nonce.
 *
 * <pre>
 * public key text = base32(prefix | key | crc16)     RFC 4648 alphabet A-Z 2-7, no padding; 56 characters
 *   prefix  1 byte   the key's role, in its top 5 bits: user 20 ('U'), account 0 ('A'), server 13 ('N'), ...
 *   key    32 bytes  the raw Ed25519 public key
 *   crc16   2 bytes  CRC-16/XMODEM (polynomial 0x1021, initial 0) of prefix | key, little-endian
 * </pre>
 *
 * <p>The signature of a nonce is Ed25519 over the nonce's bytes as the INFO line carries them, sent by the client
 * as URL-safe base64 without padding (standard base64 is accepted as well, as nats-server does). Verification
 * uses the JDK's Ed25519.
 *
 * <p>Threading: stateless; any thread.
 */
public final class NKeys {

    /** Prefix byte of a user's public key ('U' as the first character). */
    public static final int PREFIX_USER = 20 << 3;

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final int PUBLIC_KEY_CHARS = 56;
    private static final int KEY_BYTES = 32;
    /** DER prefix of an X.509 SubjectPublicKeyInfo holding a raw Ed25519 key (OID 1.3.101.112). */
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03,
            0x21, 0x00};
    private static final int[] CRC_TABLE = crcTable();

    private NKeys() {
    }

    /** Whether {@code text} is a well-formed public NKey of a user (prefix 'U', valid checksum). */
    public static boolean isValidPublicUserKey(String text) {
        try {
            decodePublicKey(text, PREFIX_USER);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The raw 32-byte Ed25519 key of a public NKey with the given prefix byte.
     *
     * @throws IllegalArgumentException when the text is not base32 of the right length, the checksum does not
     *                                  match, or the prefix is another
     */
    public static byte[] decodePublicKey(String text, int expectedPrefix) {
        if (text == null || text.length() != PUBLIC_KEY_CHARS) {
            throw new IllegalArgumentException("not a public nkey: wrong length");
        }
        byte[] raw = base32Decode(text);
        int crcAt = raw.length - 2;
        int expectedCrc = (raw[crcAt] & 0xff) | (raw[crcAt + 1] & 0xff) << 8;
        if (crc16(raw, 0, crcAt) != expectedCrc) {
            throw new IllegalArgumentException("not a public nkey: invalid checksum");
        }
        if ((raw[0] & 0xff) != expectedPrefix) {
            throw new IllegalArgumentException("not a public nkey of the expected kind");
        }
        return Arrays.copyOfRange(raw, 1, 1 + KEY_BYTES);
    }

    /**
     * Whether {@code signature} (URL-safe or standard base64) is the Ed25519 signature of {@code message} by the
     * user whose public NKey is {@code publicUserKey}. Any malformed input gives false.
     */
    public static boolean verifyUserSignature(String publicUserKey, byte[] message, String signature) {
        if (signature == null || signature.isEmpty()) {
            return false;
        }
        try {
            byte[] key = decodePublicKey(publicUserKey, PREFIX_USER);
            byte[] sig = decodeBase64(signature);
            if (sig == null) {
                return false;
            }
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(ed25519Key(key));
            verifier.update(message);
            return verifier.verify(sig);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] decodeBase64(String text) {
        try {
            return Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException notUrl) {
            try {
                return Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException notStd) {
                return null;
            }
        }
    }

    private static PublicKey ed25519Key(byte[] raw) throws GeneralSecurityException {
        byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + KEY_BYTES);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, KEY_BYTES);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }

    /** RFC 4648 base32 without padding, for a text whose length is a multiple of 8 characters. */
    static byte[] base32Decode(String text) {
        if (text.length() % 8 != 0) {
            throw new IllegalArgumentException("base32 text length is not a multiple of 8");
        }
        byte[] out = new byte[text.length() * 5 / 8];
        long buffer = 0;
        int bits = 0;
        int pos = 0;
        for (int i = 0; i < text.length(); i++) {
            int v = ALPHABET.indexOf(text.charAt(i));
            if (v < 0) {
                throw new IllegalArgumentException("not base32: " + text.charAt(i));
            }
            buffer = buffer << 5 | v;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out[pos++] = (byte) (buffer >>> bits);
            }
        }
        return out;
    }

    /** CRC-16/XMODEM of {@code data[off, off+len)}. */
    static int crc16(byte[] data, int off, int len) {
        int crc = 0;
        for (int i = off; i < off + len; i++) {
            crc = ((crc << 8) & 0xffff) ^ CRC_TABLE[((crc >>> 8) ^ data[i]) & 0xff];
        }
        return crc;
    }

    private static int[] crcTable() {
        int[] table = new int[256];
        for (int i = 0; i < 256; i++) {
            int c = i << 8;
            for (int bit = 0; bit < 8; bit++) {
                c = (c & 0x8000) != 0 ? (c << 1) ^ 0x1021 : c << 1;
            }
            table[i] = c & 0xffff;
        }
        return table;
    }
}
