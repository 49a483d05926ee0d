package io.natsj.server.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class SubjectsTest {

    /** UTF-8 bytes as the parser hands them over: one char per byte. */
    private static String wire(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo", "foo.bar", "*", ">", "foo.>", "*.>", "foo.*.bar", "foo.*.*", "foo*", "*foo",
            "foo>", "f>o", ">>", "**", "foo.**", "$foo.bar", "_INBOX.abc.1", "foo\u000bbar", "foo\u0000bar",
            "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j"})
    void subscribeAcceptsWhatNatsServerAccepts(String subject) {
        assertThat(Subjects.isValidSubscribeSubject(subject)).isTrue();
        assertThat(Subjects.isValidSubject(subject)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "foo..bar", ".foo", "foo.", ">.foo", "foo.>.bar", "foo.>.>", "foo.>.",
            ">.x"})
    void subscribeRefusesWhatNatsServerAnswersInvalidSubject(String subject) {
        assertThat(Subjects.isValidSubscribeSubject(subject)).isFalse();
        assertThat(Subjects.isValidSubject(subject)).isFalse();
    }

    @Test
    void formFeedIsAcceptedBySubscribeButNotByTheStrictCheck() {
        assertThat(Subjects.isValidSubscribeSubject("foo\fbar")).isTrue();
        assertThat(Subjects.isValidSubject("foo\fbar")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo bar", "foo\tbar", "foo\rbar", "foo\nbar", "foo\fbar", " ", "foo. ", "\t.foo"})
    void strictCheckRefusesWhiteSpace(String subject) {
        assertThat(Subjects.isValidSubject(subject)).isFalse();
        assertThat(Subjects.isValidPublishSubject(subject)).isFalse();
    }

    @Test
    void utf8SubjectsAreValid() {
        assertThat(Subjects.isValidSubject(wire("föö.bär"))).isTrue();
        assertThat(Subjects.isValidPublishSubject(wire("日本.*"))).isFalse();
        assertThat(Subjects.isValidPublishSubject(wire("日本.語"))).isTrue();
        assertThat(Subjects.tokenCount(wire("日本.語"))).isEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "foo|true", "foo.bar|true", "foo*|true", "f>o|true", "foo.**|true", "foo\fbar|true",
        "*|false", ">|false", "foo.*|false", "foo.>|false", "*.bar|false", "foo..bar|false", "foo.|false",
        ".foo|false"})
    void literalSubjectAsPedanticPublishChecksIt(String subject, boolean valid) {
        assertThat(Subjects.isValidLiteralSubject(subject)).isEqualTo(valid);
    }

    @Test
    void emptyStringIsNeverValid() {
        assertThat(Subjects.isValidLiteralSubject("")).isFalse();
        assertThat(Subjects.isValidPublishSubject("")).isFalse();
        assertThat(Subjects.isWellFormed("")).isFalse();
        assertThat(Subjects.tokenCount("")).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "foo|true", "foo.*|true", "foo.>.bar|true", "*|true", "foo..bar|false", "foo.|false", ".foo|false",
        ".|false"})
    void wellFormedOnlyRefusesEmptyTokens(String subject, boolean wellFormed) {
        assertThat(Subjects.isWellFormed(subject)).isEqualTo(wellFormed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"q", "*", ">", "q.x", "_sys_", "q*", "q\fq", "q\u0000"})
    void queueNamesAcceptedLikeNatsServer(String queue) {
        assertThat(Subjects.isValidQueueName(queue)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a\tb", "a\rb", "a\nb"})
    void queueNamesWithParserSeparatorsAreInvalid(String queue) {
        assertThat(Subjects.isValidQueueName(queue)).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "foo|true", "foo.bar|true", "foo*|true", "*foo|true", "f>o.b*r|true",
        "*|false", ">|false", "foo.*|false", "foo.>|false", "*.foo|false", "a.*.b|false"})
    void literalMeansNoWholeTokenWildcard(String subject, boolean literal) {
        assertThat(Subjects.isLiteral(subject)).isEqualTo(literal);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"a|1", "a.b|2", "a.b.c|3", "*.>|2", "a..b|3"})
    void tokenCountCountsDotsPlusOne(String subject, int count) {
        assertThat(Subjects.tokenCount(subject)).isEqualTo(count);
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "foo|foo|true",
        "foo|bar|false",
        "foo|foo.bar|false",
        "foo.bar|foo|false",
        "foo.*|foo.bar|true",
        "foo.*|foo|false",
        "foo.*|foo.bar.baz|false",
        "foo.>|foo.bar|true",
        "foo.>|foo.bar.baz|true",
        "foo.>|foo|false",
        ">|foo|true",
        ">|foo.bar|true",
        "*|foo|true",
        "*|foo.bar|false",
        "*.*|foo.bar|true",
        "*.bar|foo.bar|true",
        "*.bar|foo.baz|false",
        "foo.*.baz|foo.bar.baz|true",
        "foo.*.baz|foo.bar.bax|false",
        "*.>|foo.bar|true",
        "*.>|foo|false",
        "foo*|foo*|true",
        "foo*|fooX|false",
        "foo>|foo>|true",
        "foo>|foo.bar|false",
        "foo.*|foo.*|true",
        "foo.bar|foo.*|false",
        "foo.>|foo.>|true",
        "foo.*|foo.>|true",
        "fo|foo|false",
        "foo|fo|false",
        "foo.ba|foo.bar|false",
        ">|foo..bar|false",
        ">|foo.|false",
        "foo.*|foo.|false",
        "*|.foo|false",
        "foo..bar|foo..bar|false"})
    void filterMatchesLiteralSubject(String filter, String subject, boolean expected) {
        assertThat(Subjects.matches(filter, subject)).isEqualTo(expected);
    }

    @Test
    void matchingComparesUtf8BytesExactly() {
        assertThat(Subjects.matches(wire("föö.*"), wire("föö.bär"))).isTrue();
        assertThat(Subjects.matches(wire("föö.*"), wire("foo.bär"))).isFalse();
        assertThat(Subjects.matches(wire("*.bär"), wire("日本.bär"))).isTrue();
        assertThat(Subjects.matches("", "foo")).isFalse();
        assertThat(Subjects.matches("foo", "")).isFalse();
    }

    @ParameterizedTest(name = "{0} subset of {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "foo.*|>|true",
        "foo.*|*.*|true",
        "foo.*|foo.*|true",
        "foo.*|foo.bar|false",
        "foo.*|foo.>|true",
        "foo.bar|foo.bar|true",
        "foo.bar|foo.*|true",
        "foo.bar|foo|false",
        "foo|foo.>|false",
        "foo.>|foo.>|true",
        "foo.>|foo.*|false",
        "foo.>|>|true",
        ">|foo.>|false",
        "*|>|true",
        "foo.bar.baz|foo.>|true",
        "foo.bar.baz|foo.*|false",
        "*.bar|foo.*|false",
        "foo.bar|foo.bar.baz|false"})
    void subsetMatchTellsWhetherAFilterCoversASubject(String subject, String filter, boolean expected) {
        assertThat(Subjects.subjectIsSubsetMatch(subject, filter)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} collides with {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "foo|foo|true",
        "foo|bar|false",
        "foo.*|foo.bar|true",
        "foo.bar|foo.*|true",
        "foo.*|bar.*|false",
        "foo.*|*.bar|true",
        "foo.>|foo|false",
        "foo|foo.>|false",
        "foo.>|foo.bar.baz|true",
        "foo.*|foo.>|true",
        "a.*|a.b.>|false",
        "a.>|*.b.c|true",
        "a.*.c|a.>|true",
        ">|foo|true",
        "*|foo.bar|false",
        "*.*|foo.>|true",
        "foo.*.bar|foo.baz.*|true",
        "foo.*.bar|foo.baz.baz|false"})
    void subjectsCollideWhenOneLiteralCouldMatchBoth(String a, String b, boolean expected) {
        assertThat(Subjects.subjectsCollide(a, b)).isEqualTo(expected);
        assertThat(Subjects.subjectsCollide(b, a)).isEqualTo(expected);
    }

    @Test
    void textSubjectsEnterAndLeaveTheWireForm() {
        assertThat(Subjects.fromText("v-é.ü.>")).isEqualTo(wire("v-é.ü.>"));
        assertThat(Subjects.toText(wire("v-é.ü.>"))).isEqualTo("v-é.ü.>");
        String ascii = "foo.bar";
        assertThat(Subjects.fromText(ascii)).isSameAs(ascii);
        assertThat(Subjects.toText(ascii)).isSameAs(ascii);
        assertThat(Subjects.fromText((String) null)).isNull();
        // a byte that is no UTF-8 leaves as U+FFFD, as Go's JSON encoder writes it
        assertThat(Subjects.toText("a.\u00e9")).isEqualTo("a.\ufffd");
        assertThat(Subjects.fromText(java.util.List.of("é", "a"))).containsExactly(wire("é"), "a");
    }
}
