package io.natsj.server.routing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Subject mappings as streams use them for subject_transform and republish. */
@Timeout(5)
class SubjectTransformTest {

    @Test
    void wildcardReferencesInBothSyntaxes() {
        SubjectTransform t = SubjectTransform.compile("orders.*.*", "shop.{{wildcard(2)}}.$1");
        assertThat(t.apply("orders.eu.new")).isEqualTo("shop.new.eu");
        assertThat(t.apply("orders.eu")).isNull();
        assertThat(t.apply("billing.eu.new")).isNull();
        assertThat(t.apply("orders.eu.new.x")).isNull();
    }

    @Test
    void fullWildcardCarriesTheRest() {
        SubjectTransform t = SubjectTransform.compile("in.>", "out.>");
        assertThat(t.apply("in.a.b.c")).isEqualTo("out.a.b.c");
        assertThat(t.apply("in")).isNull();
        assertThat(SubjectTransform.compile("", "copy.>").apply("x.y")).isEqualTo("copy.x.y");
        assertThat(SubjectTransform.compile(">", "all").apply("x.y")).isEqualTo("all");
    }

    @Test
    void partitionsAreStableAndInRange() {
        SubjectTransform t = SubjectTransform.compile("events.*", "p.{{partition(4,1)}}.$1");
        for (String key : new String[]{"a", "b", "customer-17", "zz"}) {
            String mapped = t.apply("events." + key);
            assertThat(mapped).matches("p\\.[0-3]\\." + key);
            assertThat(t.apply("events." + key)).isEqualTo(mapped);
        }
    }

    @Test
    void badMappingsAreRefused() {
        assertThatThrownBy(() -> SubjectTransform.compile("a.*", "b.$2")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> SubjectTransform.compile("a.*", "b.>")).hasMessageContaining("'>'");
        assertThatThrownBy(() -> SubjectTransform.compile("a..b", "c")).hasMessageContaining("invalid subject");
        assertThatThrownBy(() -> SubjectTransform.compile("a.*", "b.*")).hasMessageContaining("wildcard");
        assertThatThrownBy(() -> SubjectTransform.compile("a.*", "{{random(5)}}")).hasMessageContaining("natsj");
    }
}
