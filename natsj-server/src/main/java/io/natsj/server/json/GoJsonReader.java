package io.natsj.server.json;

import io.natsj.server.json.GoStruct.GoJsonException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;

/**
 * Reads JSON documents as Go's {@code encoding/json} reads them (JetStream API requests, pull request bodies): Go's
 * texts for what does not parse ({@link GoJsonSyntax}), any number or string length, nesting up to Go's limit, and
 * bytes that are not UTF-8 inside strings read as U+FFFD.
 *
 * <p>Threading: stateless.
 */
public final class GoJsonReader {

    /** Reads what Go reads: any number length, any string length, nesting as deep as Go's limit. */
    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(GoJsonSyntax.MAX_DEPTH + 1)
                    .maxNumberLength(Integer.MAX_VALUE).maxStringLength(Integer.MAX_VALUE).build())
            .build()).build();

    private GoJsonReader() {
    }

    /**
     * Parses a request body as JSON; Go's texts for what does not parse. Bytes that are not UTF-8 inside strings
     * read as U+FFFD, as Go reads them.
     */
    public static JsonNode parse(byte[] body) {
        String syntaxError = GoJsonSyntax.check(body);
        if (syntaxError != null) {
            throw new GoJsonException(syntaxError);
        }
        try {
            return MAPPER.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw new GoJsonException(e.getOriginalMessage());
        }
    }

    /** Only white space (or nothing). */
    public static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }
}
