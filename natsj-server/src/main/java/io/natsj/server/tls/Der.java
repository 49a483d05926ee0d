package io.natsj.server.tls;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;

/**
 * The little DER (ASN.1) that {@link PemFiles} needs to rewrap PKCS#1 and SEC1 keys as PKCS#8: read one
 * tag-length-value, write a SEQUENCE or an OCTET STRING.
 *
 * <pre>
 * tag (1 byte) | length: 0x00-0x7F, or 0x8N followed by N big-endian bytes | value (length bytes)
 * </pre>
 *
 * <p>Threading: stateless.
 */
final class Der {

    /** {@code INTEGER 0}, the PKCS#8 version. */
    static final byte[] INTEGER_ZERO = {0x02, 0x01, 0x00};

    private Der() {
    }

    /** One element: its tag, where its value starts and how long it is. */
    record Tlv(byte tag, int valueOffset, int length) {
        int end() {
            return valueOffset + length;
        }
    }

    static Tlv read(byte[] buf, int off) throws GeneralSecurityException {
        if (off + 2 > buf.length) {
            throw new GeneralSecurityException("truncated DER");
        }
        byte tag = buf[off];
        int first = buf[off + 1] & 0xFF;
        int pos = off + 2;
        int length;
        if (first < 0x80) {
            length = first;
        } else {
            int n = first & 0x7F;
            if (n == 0 || n > 3 || pos + n > buf.length) {
                throw new GeneralSecurityException("unsupported DER length");
            }
            length = 0;
            for (int i = 0; i < n; i++) {
                length = (length << 8) | (buf[pos++] & 0xFF);
            }
        }
        if (pos + length > buf.length) {
            throw new GeneralSecurityException("truncated DER");
        }
        return new Tlv(tag, pos, length);
    }

    static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            content.writeBytes(p);
        }
        return tlv(0x30, content.toByteArray());
    }

    static byte[] octetString(byte[] value) {
        return tlv(0x04, value);
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        int len = value.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }
}
