package io.natsj.server.monitor;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A certificate subject written the way nats-server (Go's {@code pkix.Name.String}) writes it: not in the order
 * the certificate encodes its attributes but in Go's fixed order, most specific first
 * ({@code CN, SERIALNUMBER, OU, O, POSTALCODE, STREET, L, ST, C}), several values of one type joined with {@code +}
 * (one common name and serial number: the last), and attributes Go has no name for at the end.
 *
 * <pre>
 *   encoded  C=US, O=Acme, CN=alice, OU=eng, OU=ops
 *   Go       CN=alice,OU=eng+OU=ops,O=Acme,C=US
 * </pre>
 *
 * <p>Threading: stateless.
 */
final class GoDistinguishedName {

    /** Go's named attribute types, in the order of its RDN sequence (reversed when written). */
    private static final List<String> ORDER = List.of("C", "ST", "L", "STREET", "POSTALCODE", "O", "OU", "CN",
            "SERIALNUMBER");
    private static final Map<String, String> EXTRA_KEYWORDS = Map.of("2.5.4.5", "SERIALNUMBER",
            "2.5.4.17", "POSTALCODE");

    private GoDistinguishedName() {
    }

    static String of(X500Principal principal) {
        String rfc2253 = principal.getName(X500Principal.RFC2253, EXTRA_KEYWORDS);
        List<Rdn> encoded;
        try {
            encoded = new LdapName(rfc2253).getRdns(); // index 0 = first encoded
        } catch (InvalidNameException e) {
            return rfc2253;
        }
        List<String> sequence = new ArrayList<>();
        for (Rdn rdn : encoded) {
            if (!ORDER.contains(rdn.getType().toUpperCase(Locale.ROOT))) {
                sequence.add(rdn.toString()); // Go places attributes it has no name for first: last when written
            }
        }
        for (String type : ORDER) {
            List<String> values = new ArrayList<>();
            for (Rdn rdn : encoded) {
                if (rdn.getType().equalsIgnoreCase(type)) {
                    values.add(type + "=" + escape(String.valueOf(rdn.getValue())));
                }
            }
            if (values.isEmpty()) {
                continue;
            }
            if (type.equals("CN") || type.equals("SERIALNUMBER")) {
                sequence.add(values.getLast());
            } else {
                sequence.add(String.join("+", values));
            }
        }
        return String.join(",", sequence.reversed());
    }

    /** Go's escaping: {@code , + " \ < > ;} anywhere, a space at either end, {@code #} at the start. */
    private static String escape(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean escape = switch (c) {
                case ',', '+', '"', '\\', '<', '>', ';' -> true;
                case ' ' -> i == 0 || i == value.length() - 1;
                case '#' -> i == 0;
                default -> false;
            };
            if (escape) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
