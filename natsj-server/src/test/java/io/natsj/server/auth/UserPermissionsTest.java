package io.natsj.server.auth;

import io.natsj.server.auth.Permissions.ResponsePermission;
import io.natsj.server.auth.Permissions.SubjectPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * nats-server's permission rules (2.11 {@code canSubscribe}, {@code pubAllowedFullCheck}), one row per rule: which
 * publishes and subscriptions a permission set allows.
 */
@Timeout(10)
class UserPermissionsTest {

    /** One check: {@code op} is {@code "PUB subject"} or {@code "SUB subject [queue]"}. */
    record Case(String perms, Permissions p, String op, boolean allowed) {
        @Override
        public String toString() {
            return perms + " | " + op + " -> " + (allowed ? "allowed" : "refused");
        }
    }

    static SubjectPermission allow(String... s) {
        return new SubjectPermission(List.of(s), null);
    }

    static SubjectPermission deny(String... s) {
        return new SubjectPermission(null, List.of(s));
    }

    static SubjectPermission allowDeny(List<String> allow, List<String> deny) {
        return new SubjectPermission(allow, deny);
    }

    static Permissions pub(SubjectPermission sp) {
        return new Permissions(sp, null, null);
    }

    static Permissions sub(SubjectPermission sp) {
        return new Permissions(null, sp, null);
    }

    private static void add(List<Case> cases, String name, Permissions p, String... opsThenVerdicts) {
        for (String op : opsThenVerdicts) {
            boolean ok = op.startsWith("+");
            cases.add(new Case(name, p, op.substring(1), ok));
        }
    }

    static final List<Case> CASES = cases();

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        add(c, "no permissions", new Permissions(null, null, null), "+PUB a", "+SUB >", "+SUB a q");
        add(c, "pub allow foo.*", pub(allow("foo.*")), "+PUB foo.bar", "-PUB foo", "-PUB foo.bar.baz", "-PUB bar",
                "+SUB anything");
        add(c, "pub allow foo.>", pub(allow("foo.>")), "+PUB foo.a.b", "+PUB foo.a", "-PUB foo");
        add(c, "pub allow literal", pub(allow("foo", "bar.baz")), "+PUB foo", "+PUB bar.baz", "-PUB bar");
        add(c, "pub allow foo.* deny foo.secret", pub(allowDeny(List.of("foo.*"), List.of("foo.secret"))),
                "+PUB foo.x", "-PUB foo.secret");
        add(c, "pub deny a.*", pub(deny("a.*")), "-PUB a.b", "+PUB a", "+PUB b.c");
        add(c, "pub deny >", pub(deny(">")), "-PUB a", "-PUB a.b.c");
        add(c, "pub allow > deny $JS.API.STREAM.CREATE.>",
                pub(allowDeny(List.of(">"), List.of("$JS.API.STREAM.CREATE.>"))), "-PUB $JS.API.STREAM.CREATE.S",
                "+PUB $JS.API.STREAM.INFO.S");
        add(c, "pub on a wildcard subject", pub(allow("foo.*")), "+PUB foo.*", "+PUB foo.>", "-PUB >");
        add(c, "responses only", new Permissions(null, null, ResponsePermission.DEFAULT), "-PUB a", "+SUB a");
        add(c, "responses with pub allow", new Permissions(allow("a"), null, ResponsePermission.DEFAULT), "+PUB a",
                "-PUB b");
        add(c, "sub allow foo.*", sub(allow("foo.*")), "+SUB foo.bar", "+SUB foo.*", "+SUB foo.>", "-SUB >",
                "-SUB foo", "-SUB *", "-SUB foo.bar.baz", "+SUB foo.bar q", "+PUB x");
        add(c, "sub allow foo.>", sub(allow("foo.>")), "+SUB foo.>", "+SUB foo.*", "+SUB foo.a.b", "-SUB >",
                "-SUB foo");
        add(c, "sub allow literal", sub(allow("foo")), "+SUB foo", "+SUB foo q", "-SUB foo.*", "-SUB *");
        add(c, "sub allow queue-only", sub(allow("foo v1")), "-SUB foo", "+SUB foo v1", "-SUB foo v2");
        add(c, "sub allow plain and queue", sub(allow("foo", "foo v1")), "+SUB foo", "+SUB foo v1", "-SUB foo v2");
        add(c, "sub allow queue wildcard", sub(allow("foo v1.*")), "+SUB foo v1.a", "-SUB foo v1", "-SUB foo v2.a",
                "+SUB foo v1.*");
        add(c, "sub allow wildcard subject with queue", sub(allow("foo.* v1")), "+SUB foo.bar v1",
                "-SUB foo.bar v2", "-SUB foo.bar");
        add(c, "sub deny foo", sub(deny("foo")), "-SUB foo", "-SUB foo q", "+SUB bar", "+SUB *", "+SUB >");
        add(c, "sub deny queue", sub(deny("foo v1")), "+SUB foo", "-SUB foo v1", "+SUB foo v2");
        add(c, "sub deny plain and queue", sub(deny("foo", "foo v1")), "-SUB foo", "-SUB foo v1", "+SUB foo v2");
        add(c, "sub allow > deny secret.>", sub(allowDeny(List.of(">"), List.of("secret.>"))), "-SUB secret.a",
                "-SUB secret.>", "-SUB secret.*", "+SUB >", "+SUB public.a");
        add(c, "sub allow and deny the same", sub(allowDeny(List.of("a.*"), List.of("a.*"))), "-SUB a.b",
                "-SUB a.*");
        add(c, "unicode entries", sub(allow("café.*")), "+SUB " + wire("café.x"), "-SUB cafe.x");
        return c;
    }

    /** A subject as it arrives from the wire: UTF-8 bytes, one char per byte. */
    private static String wire(String s) {
        return new String(s.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("CASES")
    void appliesNatsServersRules(Case c) {
        UserPermissions up = UserPermissions.compile(c.p());
        String[] f = c.op().split(" ");
        boolean got = f[0].equals("PUB") ? up.publishAllowed(f[1])
                : up.subscribeAllowed(f[1], f.length > 2 ? f[2] : null);
        assertThat(got).isEqualTo(c.allowed());
    }

    @Test
    void aWildcardSubscriptionOverDeniedSubjectsFiltersDeliveries() {
        UserPermissions up = UserPermissions.compile(sub(deny("foo.bar")));
        assertThat(up.subscribeAllowed("foo.*", null)).isTrue();
        assertThat(up.needsDeliveryFilter("foo.*")).isTrue();
        assertThat(up.needsDeliveryFilter("foo.baz")).isFalse();
        assertThat(up.needsDeliveryFilter("other.*")).isFalse();
        assertThat(up.deliveryDenied("foo.bar")).isTrue();
        assertThat(up.deliveryDenied("foo.baz")).isFalse();
    }

    @Test
    void responsePermissionWithoutPublishAllowListAllowsNothingElse() {
        Permissions p = new Permissions(deny("x"), null, ResponsePermission.DEFAULT).effective();
        assertThat(p.publish().allow()).isEmpty();
        assertThat(p.publish().deny()).containsExactly("x");
    }
}
