package io.natsj.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The config file grammar of nats-server, value by value, as {@link ConfigParser} reads it. */
@Timeout(10)
class ConfigParserTest {

    private static final Map<String, String> NO_ENV = Map.of();

    /** The parsed tree with positions stripped: plain Java values. */
    static Object plain(Object v) {
        if (v instanceof ConfigValue cv) {
            return plain(cv.value());
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, val) -> out.put((String) k, plain(val)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(ConfigParserTest::plain).toList();
        }
        return v;
    }

    private static Map<String, Object> parse(String text) {
        return parse(text, NO_ENV);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String text, Map<String, String> env) {
        return (Map<String, Object>) plain(ConfigParser.parse(text, env::get));
    }

    @ParameterizedTest
    @ValueSource(strings = {"port: 4222", "port = 4222", "port 4222", "port:4222", "port=4222", "  port :  4222  ",
            "\"port\": 4222", "'port' = 4222", "port: 4222;", "port: 4222 # comment", "port: 4222 // comment",
            "{ \"port\": 4222 }", "{\n port: 4222\n}\n"})
    void keyValueSeparatorsAndWrapping(String text) {
        assertThat(parse(text)).containsExactly(Map.entry("port", 4222L));
    }

    @Test
    void entriesEndAtNewLinesSemicolonsAndCommas() {
        assertThat(parse("a: 1; b: 2, c: 3\nd: 4")).containsExactly(
                Map.entry("a", 1L), Map.entry("b", 2L), Map.entry("c", 3L), Map.entry("d", 4L));
    }

    @Test
    void emptyInputsAndCommentsOnlyAreValid() {
        assertThat(parse("")).isEmpty();
        assertThat(parse("\n\n   \n")).isEmpty();
        assertThat(parse("# one\n// two\n   # three")).isEmpty();
        assertThat(parse("{}")).isEmpty();
        assertThat(parse("{\n# only a comment\n}\n")).isEmpty();
    }

    @Test
    void stringsQuotedAndBare() {
        Map<String, Object> m = parse("""
                a: "double \\"quoted\\"\\t\\x41"
                b: 'single \\n raw'
                c: bare_word
                d: nats://user:pass@host.example.com:4222
                e: foo#not-a-comment
                f: some\\tescaped
                """);
        assertThat(m).containsEntry("a", "double \"quoted\"\tA")
                .containsEntry("b", "single \\n raw")
                .containsEntry("c", "bare_word")
                .containsEntry("d", "nats://user:pass@host.example.com:4222")
                .containsEntry("e", "foo#not-a-comment")
                .containsEntry("f", "some\tescaped");
    }

    @Test
    void valuesThatStartWithDigitsButAreNotNumbersAreStrings() {
        Map<String, Object> m = parse("""
                listen: 127.0.0.1:4222
                ipv4: 10.0.0.1
                dur: "10s"
                bare_dur: 10s
                mixed: 3xyz
                ver: 1.2.3
                """);
        assertThat(m).containsEntry("listen", "127.0.0.1:4222").containsEntry("ipv4", "10.0.0.1")
                .containsEntry("dur", "10s").containsEntry("bare_dur", "10s").containsEntry("mixed", "3xyz")
                .containsEntry("ver", "1.2.3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "yes", "on", "On"})
    void trueWords(String word) {
        assertThat(parse("x: " + word)).containsEntry("x", true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "False", "no", "off", "OFF"})
    void falseWords(String word) {
        assertThat(parse("x: " + word)).containsEntry("x", false);
    }

    @Test
    void quotedBooleansStayStrings() {
        assertThat(parse("x: \"true\"")).containsEntry("x", "true");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"1, 1", "-12, -12", "1k, 1000", "1K, 1000", "2kb, 2048", "2KB, 2048", "2ki, 2048", "2KiB, 2048",
            "1m, 1000000", "1MB, 1048576", "1mib, 1048576", "1g, 1000000000", "1GB, 1073741824", "1t, 1000000000000",
            "1TB, 1099511627776", "1p, 1000000000000000", "1pb, 1125899906842624", "1e, 1000000000000000000",
            "-2k, -2000", "2m, 2000000"})
    void integersWithSizeSuffixes(String text, long expected) {
        assertThat(parse("x: " + text)).containsEntry("x", expected);
    }

    @Test
    void floatsAndDatetimes() {
        assertThat(parse("x: 2.5")).containsEntry("x", 2.5);
        assertThat(parse("x: -0.25")).containsEntry("x", -0.25);
        assertThat(parse("x: 2024-02-29T13:14:15Z")).containsEntry("x", Instant.parse("2024-02-29T13:14:15Z"));
    }

    @Test
    void arraysSeparatedByCommasOrNewLines() {
        Map<String, Object> m = parse("""
                a: [1, 2, 3]
                b: [
                  nats://a:4222   # first
                  nats://b:4222,
                  "c"
                ]
                c: []
                d: [ {x: 1}, {x: 2} ]
                e: [1, 2,]
                """);
        assertThat(m.get("a")).isEqualTo(List.of(1L, 2L, 3L));
        assertThat(m.get("b")).isEqualTo(List.of("nats://a:4222", "nats://b:4222", "c"));
        assertThat(m.get("c")).isEqualTo(List.of());
        assertThat(m.get("d")).isEqualTo(List.of(Map.of("x", 1L), Map.of("x", 2L)));
        assertThat(m.get("e")).isEqualTo(List.of(1L, 2L));
    }

    @Test
    void nestedMapsWithAnySeparators() {
        Map<String, Object> m = parse("""
                authorization {
                  user: alice
                  password = "s3cret"; timeout 2.5
                  nested { deeper: { x = 1 } }
                }
                jetstream: { store_dir: "/tmp/js", max_mem: 1G }
                """);
        assertThat(m.get("authorization")).isEqualTo(Map.of("user", "alice", "password", "s3cret",
                "timeout", 2.5, "nested", Map.of("deeper", Map.of("x", 1L))));
        assertThat(m.get("jetstream")).isEqualTo(Map.of("store_dir", "/tmp/js", "max_mem", 1_000_000_000L));
    }

    @Test
    void blockStringsRunToAClosingParenthesisAloneOnALine() {
        Map<String, Object> m = parse("text: (\nline one\n  (line two)\n)\nafter: 1\n");
        assertThat(m).containsEntry("text", "\nline one\n  (line two)\n").containsEntry("after", 1L);
    }

    @Test
    void variablesComeFromEnclosingMapsThenTheEnvironment() {
        Map<String, Object> m = parse("""
                TOKEN: "abc"
                limit = 100
                outer {
                  inner_limit: 5
                  block { a: $TOKEN, b: $limit, c: $inner_limit, d: $FROM_ENV, e: $SIZE_ENV, f: $QUOTED_ENV }
                }
                """, Map.of("FROM_ENV", "hello", "SIZE_ENV", "2MB", "QUOTED_ENV", "'3xyz'", "limit", "ignored"));
        @SuppressWarnings("unchecked")
        Map<String, Object> block = (Map<String, Object>) ((Map<String, Object>) m.get("outer")).get("block");
        assertThat(block).containsEntry("a", "abc").containsEntry("b", 100L).containsEntry("c", 5L)
                .containsEntry("d", "hello").containsEntry("e", 2L * 1024 * 1024).containsEntry("f", "3xyz");
    }

    @Test
    void variablesReadingAValueMarkItUsed() {
        Map<String, ConfigValue> m = ConfigParser.parse("A: 1\nB: 2\nx: $A", NO_ENV::get);
        assertThat(m.get("A").usedAsVariable()).isTrue();
        assertThat(m.get("B").usedAsVariable()).isFalse();
    }

    @Test
    void bcryptHashesAreNotVariables() {
        String hash = "$2a$11$ooo7vjJYLWuS/3v4lmLGuOlXd1FvAUsy5v.pUmSZyMhlZUxpBhQhW";
        assertThat(parse("password: " + hash)).containsEntry("password", hash);
    }

    @Test
    void unknownVariableNamesTheReferenceAndItsLine() {
        assertThatThrownBy(() -> parse("a: 1\nb: $NOPE\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("<string>:2:4: variable reference for 'NOPE' on line 2 can not be found");
    }

    @Test
    void includesAreRelativeToTheIncludingFile(@TempDir Path dir) throws IOException {
        Path sub = Files.createDirectories(dir.resolve("conf.d"));
        Files.writeString(sub.resolve("auth.conf"), "authorization { user: bob, password: pw }\n");
        Files.writeString(sub.resolve("main.conf"), """
                port: 4333
                include ./auth.conf
                include 'limits.conf'
                jetstream {
                  include "js.conf"
                }
                """);
        Files.writeString(sub.resolve("limits.conf"), "max_payload: 2MB\n");
        Files.writeString(sub.resolve("js.conf"), "store_dir: /data/js\n");
        Map<String, Object> m = (Map<String, Object>) plain(ConfigParser.parseFile(sub.resolve("main.conf"),
                NO_ENV::get));
        assertThat(m).containsEntry("port", 4333L)
                .containsEntry("authorization", Map.of("user", "bob", "password", "pw"))
                .containsEntry("max_payload", 2L * 1024 * 1024)
                .containsEntry("jetstream", Map.of("store_dir", "/data/js"));
    }

    @Test
    void includeErrorsNameBothFiles(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("bad.conf"), "ok: 1\nbroken: \"unterminated\n");
        Path main = dir.resolve("main.conf");
        Files.writeString(main, "port: 1\ninclude bad.conf\n");
        assertThatThrownBy(() -> ConfigParser.parseFile(main, NO_ENV::get))
                .hasMessageStartingWith(main + ":2:9: error parsing include file 'bad.conf', bad.conf:3:1: "
                        + "Unexpected EOF");
        Files.writeString(main, "include missing.conf\n");
        assertThatThrownBy(() -> ConfigParser.parseFile(main, NO_ENV::get))
                .hasMessageContaining("missing.conf: no such file or directory");
    }

    @Test
    void includeCyclesFailInsteadOfLooping(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.conf"), "include b.conf\n");
        Files.writeString(dir.resolve("b.conf"), "include a.conf\n");
        assertThatThrownBy(() -> ConfigParser.parseFile(dir.resolve("a.conf"), NO_ENV::get))
                .hasMessageContaining("includes nested deeper than");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "port: 4222 x                 | <string>:1:12: Expected a top-level value to end with a new line, comment or EOF, but got 'x' instead.",
            "a {\\n  b: 1 x\\n}             | <string>:2:8: Expected a map value terminator ',' or a map terminator '}', but got 'x' instead.",
            "a: [1 2]                     | <string>:1:7: Expected an array value terminator ',' or an array terminator ']', but got '2' instead.",
            "a: [, 1]                     | <string>:1:5: Unexpected array value terminator ','.",
            "a: .5                        | <string>:1:4: Floats must start with a digit",
            "a: 1.x                       | <string>:1:6: Floats must have a digit after the '.', but got 'x' instead.",
            "a: 2024-1                    | <string>:1:10: Expected digit in ISO8601 datetime, but found 'EOF' instead.",
            "a: \"x\\q\"                   | <string>:1:8: Invalid escape character 'q'. Only the following escape characters are allowed: \\xXX, \\t, \\n, \\r, \\\", \\\\.",
            "a: {                         | <string>:1:5: Unexpected EOF processing map.",
            "a: [1,                       | <string>:1:7: Unexpected EOF processing array.",
            "a: 1\\n: 2                   | <string>:2:1: Unexpected key separator ':'.",
            "aaaaaaaa                     | <string>:1:1: config is invalid: key \"aaaaaaaa\" has no value",
            "a,a,a,a                      | <string>:1:1: config is invalid: key \"a,a,a,a\" has no value",
            "a: 99999999999999999999      | <string>:1:24: integer '99999999999999999999' is out of the range",
            "a: 9999999999999999999k      | <string>:1:24: integer '9999999999999999999k' is out of the range",
            "a:\\n 1                      | <string>:1:3: Expected value but found new line",
    })
    void syntaxErrorsNameLineAndColumn(String text, String message) {
        assertThatThrownBy(() -> parse(text.replace("\\n", "\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    @Test
    void positionsOfValuesAreTheirKeys() {
        Map<String, ConfigValue> m = ConfigParser.parse("\n  port: 1\nhttp {\n   x: 2 }", NO_ENV::get);
        assertThat(m.get("port").position()).isEqualTo(new ConfigPosition("<string>", 2, 3));
        @SuppressWarnings("unchecked")
        Map<String, ConfigValue> http = (Map<String, ConfigValue>) m.get("http").value();
        assertThat(http.get("x").position()).isEqualTo(new ConfigPosition("<string>", 4, 4));
    }
}
