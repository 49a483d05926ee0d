package io.natsj.server.json;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.CharacterEscapes;
import tools.jackson.core.io.SerializedString;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

import java.math.BigDecimal;

/**
 * Writes monitoring JSON byte for byte as Go's {@code encoding/json} writes it (nats-server uses
 * {@code json.MarshalIndent(v, "", "  ")} for most endpoints and {@code json.Marshal} for {@code /healthz}):
 *
 * <pre>
 * {                                  indented: two spaces per level, "key": value, one entry per line
 *   "num": 2,                        floats with no fraction print as integers (2, not 2.0)
 *   "empty_object": {},              empty containers stay on one line
 *   "empty_array": [],
 *   "html": "a&#92;u003cb"             &lt; &gt; &amp; U+2028 U+2029 are escaped, control characters as \n \r \t \b \f or
 * }                                  &#92;u00xx with lower-case hex
 * </pre>
 *
 * <p>Threading: the writers are immutable and safe from any thread.
 */
public final class GoJson {

    private static final JsonMapper MAPPER = JsonMapper.builder(
                    JsonFactory.builder().characterEscapes(new GoEscapes()).build())
            .addModule(new SimpleModule("go-floats")
                    .addSerializer(Double.class, new GoFloatSerializer())
                    .addSerializer(Float.class, new GoFloatSerializer()))
            .build();

    /** {@code json.MarshalIndent(v, "", "  ")}. */
    public static final ObjectWriter INDENTED = MAPPER.writer().with(goStylePrinter());
    /** {@code json.Marshal(v)}. */
    public static final ObjectWriter COMPACT = MAPPER.writer();

    private GoJson() {
    }

    private static DefaultPrettyPrinter goStylePrinter() {
        Separators separators = Separators.createDefaultInstance()
                .withObjectNameValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        return new DefaultPrettyPrinter(separators)
                .withObjectIndenter(indenter)
                .withArrayIndenter(indenter);
    }

    /**
     * A float64 as Go's encoder prints it: shortest round-trip digits, plain notation for magnitudes in
     * [1e-6, 1e21), otherwise exponent notation such as {@code 1e-7} or {@code 1.5e+21}.
     */
    public static String goFloat(double d) {
        if (!Double.isFinite(d)) {
            return "0";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0" : "0";
        }
        BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        double abs = Math.abs(d);
        if (abs >= 1e-6 && abs < 1e21) {
            return bd.toPlainString();
        }
        String digits = bd.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - bd.scale();
        StringBuilder sb = new StringBuilder(24);
        if (d < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(exp < 0 ? '-' : '+');
        int absExp = Math.abs(exp);
        if (absExp < 10 && exp >= 0) {
            sb.append('0');
        }
        return sb.append(absExp).toString();
    }

    private static final class GoFloatSerializer extends ValueSerializer<Number> {
        @Override
        public void serialize(Number value, JsonGenerator gen, SerializationContext ctxt) {
            gen.writeNumber(goFloat(value.doubleValue()));
        }
    }

    /** Go's string escaping: HTML-safe, lower-case hex, line and paragraph separators escaped. */
    private static final class GoEscapes extends CharacterEscapes {
        private final int[] ascii = CharacterEscapes.standardAsciiEscapesForJSON();

        GoEscapes() {
            for (int c = 0; c < 0x20; c++) {
                if (c != '\n' && c != '\r' && c != '\t' && c != '\b' && c != '\f') {
                    ascii[c] = ESCAPE_CUSTOM;
                }
            }
            ascii['<'] = ESCAPE_CUSTOM;
            ascii['>'] = ESCAPE_CUSTOM;
            ascii['&'] = ESCAPE_CUSTOM;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if (ch < 0x80 && ascii[ch] == ESCAPE_CUSTOM || ch == 0x2028 || ch == 0x2029) {
                return new SerializedString(String.format("\\u%04x", ch));
            }
            return null;
        }
    }
}
