package io.natsj.server.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files nats-server takes ({@code cert_file}, {@code key_file}, {@code ca_file}) with the JDK alone:
 * certificates ({@code CERTIFICATE} blocks) and one private key as PKCS#8 ({@code PRIVATE KEY}: RSA, EC, Ed25519),
 * PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}); the last two are rewrapped as PKCS#8 so that
 * {@link KeyFactory} reads them. Encrypted keys are refused, as nats-server refuses them.
 *
 * <pre>
 * PKCS#8 = SEQUENCE { INTEGER 0, SEQUENCE { OID algorithm, parameters }, OCTET STRING { the key in its own format } }
 *   PKCS#1 RSA: algorithm rsaEncryption (1.2.840.113549.1.1.1), parameters NULL
 *   SEC1 EC:    algorithm id-ecPublicKey (1.2.840.10045.2.1), parameters = the curve OID found in SEC1's [0]
 * </pre>
 *
 * <p>Threading: stateless.
 */
public final class PemFiles {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
        (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02,
        0x01};
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"};

    private PemFiles() {
    }

    /** One PEM block: its label ({@code CERTIFICATE}, {@code PRIVATE KEY}, ...) and decoded bytes. */
    record Block(String label, byte[] der) {
    }

    /** Every certificate in {@code file}, in file order; at least one. */
    public static List<X509Certificate> certificates(Path file) throws GeneralSecurityException {
        List<X509Certificate> certs = certificates(blocks(read(file)));
        if (certs.isEmpty()) {
            throw new CertificateException("failed to find any PEM data in certificate input " + file);
        }
        return certs;
    }

    /** The first private key in {@code file}. */
    public static PrivateKey privateKey(Path file) throws GeneralSecurityException {
        List<Block> blocks = blocks(read(file));
        for (Block b : blocks) {
            switch (b.label()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(b.der());
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(Der.sequence(Der.INTEGER_ZERO, RSA_ALGORITHM, Der.octetString(b.der())));
                }
                case "EC PRIVATE KEY" -> {
                    return pkcs8(Der.sequence(Der.INTEGER_ZERO, Der.sequence(EC_PUBLIC_KEY_OID, curveOid(b.der())),
                            Der.octetString(b.der())));
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new GeneralSecurityException(
                        "encrypted private keys are not supported: " + file);
                default -> {
                    // nats-server skips other blocks (EC PARAMETERS, certificates) while looking for the key
                }
            }
        }
        if (blocks.stream().anyMatch(b -> b.label().equals("CERTIFICATE"))) {
            throw new GeneralSecurityException("found a certificate rather than a key in the PEM for the private key "
                    + file);
        }
        throw new GeneralSecurityException("failed to find any PEM data in key input " + file);
    }

    /**
     * Checks that {@code key} belongs to {@code certificate} by signing a random challenge and verifying it with the
     * certificate's public key (key types without a known signature are not checked).
     */
    public static void checkPair(X509Certificate certificate, PrivateKey key) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> null;
        };
        if (algorithm == null) {
            return;
        }
        PublicKey pub = certificate.getPublicKey();
        if (!pub.getAlgorithm().equals(key.getAlgorithm())) {
            throw new GeneralSecurityException("private key type does not match public key type");
        }
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(challenge);
        byte[] sig = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(pub);
        verifier.update(challenge);
        if (!verifier.verify(sig)) {
            throw new GeneralSecurityException("private key does not match public key");
        }
    }

    static List<X509Certificate> certificates(List<Block> blocks) throws CertificateException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> certs = new ArrayList<>();
        for (Block b : blocks) {
            if (b.label().equals("CERTIFICATE")) {
                certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
            }
        }
        return certs;
    }

    static List<Block> blocks(String pem) throws GeneralSecurityException {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            try {
                blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new GeneralSecurityException("bad base64 in PEM block " + m.group(1), e);
            }
        }
        return blocks;
    }

    private static String read(Path file) throws GeneralSecurityException {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new GeneralSecurityException("open " + file + ": no such file or directory", e);
        } catch (IOException e) {
            throw new GeneralSecurityException("open " + file + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                last = e instanceof GeneralSecurityException g ? g : new GeneralSecurityException(e);
            }
        }
        throw new GeneralSecurityException("failed to parse private key: " + last.getMessage(), last);
    }

    /** The named curve of a SEC1 {@code ECPrivateKey}: the OID inside its {@code [0]} parameters. */
    private static byte[] curveOid(byte[] sec1) throws GeneralSecurityException {
        Der.Tlv seq = Der.read(sec1, 0);
        int pos = seq.valueOffset();
        int end = seq.end();
        while (pos < end) {
            Der.Tlv field = Der.read(sec1, pos);
            if (field.tag() == (byte) 0xA0) {
                Der.Tlv oid = Der.read(sec1, field.valueOffset());
                if (oid.tag() != 0x06) {
                    break;
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(sec1, field.valueOffset(), oid.end() - field.valueOffset());
                return out.toByteArray();
            }
            pos = field.end();
        }
        throw new GeneralSecurityException("EC private key without a named curve");
    }
}
