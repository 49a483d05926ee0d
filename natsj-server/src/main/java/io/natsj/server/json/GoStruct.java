package io.natsj.server.json;

import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the fields of a JSON object the way Go's {@code encoding/json} fills a struct: absent fields and
 * {@code null} keep their default, unknown fields are ignored, and a value of the wrong type fails with Go's
 * message ({@code json: cannot unmarshal string into Go struct field StreamConfig.max_msgs of type int64}), which
 * nats-server returns inside its "invalid JSON" error. Field names match exactly (Go also accepts other cases;
 * no client relies on that). As in Go 1.24, the struct named in a field error is the innermost one and the field is
 * the whole path of JSON names from the request's top ({@code ConsumerConfig.config.max_deliver}, embedded structs
 * included: {@code StreamConfigRequest.StreamConfig.max_msgs}).
 *
 * <p>Threading: confined to the calling thread.
 */
public final class GoStruct {

    private final JsonNode node;
    private final String structName;
    /** The JSON names from the top down to this struct, each followed by a dot ("" at the top). */
    private final String path;

    private GoStruct(JsonNode node, String structName, String path) {
        this.node = node;
        this.structName = structName;
        this.path = path;
    }

    /**
     * Wraps {@code node}, which must be an object (or null/missing: every field absent).
     *
     * @param structName the Go type, optionally followed by the path its fields are reached by
     *                   ({@code StreamConfigRequest.StreamConfig} for the embedded config)
     */
    public static GoStruct of(JsonNode node, String structName) {
        int dot = structName.indexOf('.');
        String type = dot < 0 ? structName : structName.substring(0, dot);
        if (node != null && !node.isNull() && !node.isMissingNode() && !node.isObject()) {
            throw new GoJsonException("json: cannot unmarshal " + kind(node) + " into Go value of type server."
                    + type);
        }
        return new GoStruct(node, type, dot < 0 ? "" : structName.substring(dot + 1) + ".");
    }

    private JsonNode field(String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    /** Whether the field is present and not null. */
    public boolean has(String name) {
        return field(name) != null;
    }

    /**
     * Whether the field is present as JSON {@code null}. Go leaves most fields untouched then, but hands the null to
     * a type that reads its own JSON (nats-server's enums), which refuses it.
     */
    public boolean isNull(String name) {
        if (node == null || !node.isObject()) {
            return false;
        }
        JsonNode v = node.get(name);
        return v != null && v.isNull();
    }

    /** The raw field, or null. */
    public JsonNode raw(String name) {
        return field(name);
    }

    public String string(String name, String dflt) {
        JsonNode v = field(name);
        if (v == null) {
            return dflt;
        }
        if (!v.isString()) {
            throw typeError(v, name, "string");
        }
        return v.asString();
    }

    public boolean bool(String name) {
        JsonNode v = field(name);
        if (v == null) {
            return false;
        }
        if (!v.isBoolean()) {
            throw typeError(v, name, "bool");
        }
        return v.booleanValue();
    }

    public long int64(String name, long dflt) {
        return integer(name, dflt, "int64", Long.MIN_VALUE, Long.MAX_VALUE);
    }

    public long uint64(String name, long dflt) {
        return integer(name, dflt, "uint64", 0, Long.MAX_VALUE);
    }

    public int int32(String name, int dflt) {
        return (int) integer(name, dflt, "int32", Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** Go's {@code int}: 64 bits on the platforms nats-server runs on, capped to Java's int here. */
    public int intValue(String name, int dflt) {
        return (int) integer(name, dflt, "int", Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** A {@code time.Duration}: integer nanoseconds. */
    public long duration(String name) {
        return integer(name, 0, "time.Duration", Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private long integer(String name, long dflt, String goType, long min, long max) {
        JsonNode v = field(name);
        if (v == null) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw typeError(v, name, goType);
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            throw new GoJsonException("json: cannot unmarshal number " + v + " into Go struct field "
                    + structName + "." + path + name + " of type " + goType);
        }
        return v.longValue();
    }

    /** A {@code []string}; null when absent. */
    public List<String> strings(String name) {
        JsonNode v = field(name);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            throw typeError(v, name, "[]string");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isString()) {
                throw typeError(item, name, "string");
            }
            out.add(item.asString());
        }
        return out;
    }

    /** A {@code map[string]string}; null when absent. */
    public Map<String, String> stringMap(String name) {
        JsonNode v = field(name);
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            throw typeError(v, name, "map[string]string");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (!e.getValue().isString()) {
                throw typeError(e.getValue(), name, "string");
            }
            out.put(e.getKey(), e.getValue().asString());
        }
        return out;
    }

    /** A nested struct; null when absent. */
    public GoStruct struct(String name, String nestedStructName) {
        JsonNode v = field(name);
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            throw typeError(v, name, "server." + nestedStructName);
        }
        return new GoStruct(v, nestedStructName, path + name + ".");
    }

    /**
     * The entries of a {@code []Struct} field as structs of {@code itemStructName} (Go names them by the field's
     * path, without an index); null when absent.
     */
    public List<GoStruct> structs(String name, String itemStructName) {
        JsonNode v = field(name);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            throw typeError(v, name, "[]server." + itemStructName);
        }
        List<GoStruct> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (item.isNull()) {
                out.add(new GoStruct(null, itemStructName, path + name + "."));
            } else if (!item.isObject()) {
                throw typeError(item, name, "server." + itemStructName);
            } else {
                out.add(new GoStruct(item, itemStructName, path + name + "."));
            }
        }
        return out;
    }

    /**
     * A {@code time.Time} (RFC 3339 in a JSON string); null when absent or null. Go's texts for what is not one
     * ({@link GoTime}).
     */
    public Instant time(String name) {
        JsonNode v = field(name);
        if (v == null) {
            return null;
        }
        if (!v.isString()) {
            throw new GoJsonException(GoTime.NOT_A_STRING);
        }
        return GoTime.parseRfc3339(v.asString());
    }

    /**
     * A string-valued enum: the string, or an error shaped like nats-server's own unmarshalers ({@code can not
     * unmarshal "5"}; the compression reads a Go string first). A JSON {@code null} is refused as they refuse it.
     */
    public String enumString(String name, String dflt, String goType) {
        if (isNull(name)) {
            // the type's own reader gets the null: the compression reads it as "", the others quote it
            throw new GoJsonException(goType.equals("server.StoreCompression") ? "unknown compression algorithm"
                    : "can not unmarshal \"null\"");
        }
        JsonNode v = field(name);
        if (v == null) {
            return dflt;
        }
        if (!v.isString() && goType.equals("server.StoreCompression")) {
            throw new GoJsonException("json: cannot unmarshal " + kind(v) + " into Go value of type string");
        }
        if (!v.isString()) {
            // nats-server's enum types read their JSON themselves and quote what they cannot read
            throw new GoJsonException("can not unmarshal \"" + v.toString().replace("\\", "\\\\")
                    .replace("\"", "\\\"") + "\"");
        }
        return v.asString();
    }

    private GoJsonException typeError(JsonNode v, String name, String goType) {
        return new GoJsonException("json: cannot unmarshal " + kind(v) + " into Go struct field " + structName + "."
                + path + name + " of type " + goType);
    }


    private static String kind(JsonNode v) {
        if (v.isString()) {
            return "string";
        }
        if (v.isNumber()) {
            return "number";
        }
        if (v.isBoolean()) {
            return "bool";
        }
        if (v.isArray()) {
            return "array";
        }
        return "object";
    }

    /** A JSON document that does not fit the Go struct; the message is Go's. */
    public static final class GoJsonException extends RuntimeException {
        public GoJsonException(String message) {
            super(message, null, false, false);
        }
    }
}
