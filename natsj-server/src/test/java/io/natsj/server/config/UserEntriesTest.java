package io.natsj.server.config;

import io.nats.client.NKey;
import io.natsj.server.ServerOptions;
import io.natsj.server.auth.Permissions;
import io.natsj.server.auth.Permissions.ResponsePermission;
import io.natsj.server.auth.UserEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code authorization { users, permissions, default_permissions }} read as nats-server reads them. */
@Timeout(10)
class UserEntriesTest {

    @TempDir
    Path dir;

    private ServerOptions options(String text) throws IOException {
        Path file = dir.resolve("auth.conf");
        Files.writeString(file, text);
        return ConfigLoader.load(file, Map.<String, String>of()::get).options().build();
    }

    private void assertRefused(String text, String errorEnd) {
        assertThatThrownBy(() -> options(text)).isInstanceOf(ConfigException.class).hasMessageEndingWith(errorEnd);
    }

    private static UserEntry user(ServerOptions o, String name) {
        return o.users().stream().filter(u -> u.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void readsUsersWithPasswordsPermissionsAndConnectionTypes() throws IOException {
        ServerOptions o = options("""
                authorization {
                  users: [
                    { user: alice, password: "$2a$11$abc", permissions: { publish: "a.>", subscribe: ["b.*", "c q"] } }
                    { username: bob, pass: pw, allowed_connection_types: ["standard", "WEBSOCKET"] }
                  ]
                  timeout: 3
                }
                """);
        assertThat(o.authRequired()).isTrue();
        assertThat(o.users()).hasSize(2);
        UserEntry alice = user(o, "alice");
        assertThat(alice.password()).isEqualTo("$2a$11$abc");
        assertThat(alice.nkey()).isFalse();
        assertThat(alice.account()).isNull();
        assertThat(alice.permissions().publish().allow()).containsExactly("a.>");
        assertThat(alice.permissions().subscribe().allow()).containsExactly("b.*", "c q");
        UserEntry bob = user(o, "bob");
        assertThat(bob.password()).isEqualTo("pw");
        assertThat(bob.permissions()).isNull();
        assertThat(bob.connectionTypes()).isEqualTo(Set.of("STANDARD", "WEBSOCKET"));
        assertThat(o.authTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void readsNkeyUsers() throws Exception {
        String key = new String(NKey.createUser(new SecureRandom()).getPublicKey());
        ServerOptions o = options("authorization { users: [ { nkey: " + key + " } ] }");
        assertThat(o.users()).singleElement().satisfies(u -> {
            assertThat(u.nkey()).isTrue();
            assertThat(u.name()).isEqualTo(key);
            assertThat(u.password()).isNull();
        });
    }

    @Test
    void defaultPermissionsGoToUsersWithoutTheirOwn() throws IOException {
        ServerOptions o = options("""
                authorization {
                  default_permissions: { publish: { deny: ">" } }
                  users: [ { user: a, password: a }, { user: b, password: b, permissions: { publish: "x" } } ]
                }
                """);
        assertThat(user(o, "a").permissions().publish().deny()).containsExactly(">");
        assertThat(user(o, "b").permissions().publish().allow()).containsExactly("x");
        assertThat(o.defaultPermissions().publish().deny()).containsExactly(">");
    }

    @Test
    void readsEveryPermissionForm() throws IOException {
        ServerOptions o = options("""
                authorization { users: [
                  { user: old, password: p, permissions: { pub: "a", sub: ["b", "c"] } }
                  { user: new, password: p, permissions: { publish: { allow: ["a.*"], deny: "a.b" }, subscribe: { deny: ["x"] } } }
                  { user: resp, password: p, permissions: { allow_responses: true } }
                  { user: respmap, password: p, permissions: { subscribe: ">", allow_responses: { max: 5, expires: "1m" } } }
                  { user: respzero, password: p, permissions: { allow_responses: { max: 0 } } }
                  { user: respoff, password: p, permissions: { allow_responses: false } }
                  { user: empty, password: p, permissions: { publish: {}, subscribe: [] } }
                ] }
                """);
        Permissions old = user(o, "old").permissions();
        assertThat(old.publish().allow()).containsExactly("a");
        assertThat(old.subscribe().allow()).containsExactly("b", "c");
        Permissions nw = user(o, "new").permissions();
        assertThat(nw.publish().allow()).containsExactly("a.*");
        assertThat(nw.publish().deny()).containsExactly("a.b");
        assertThat(nw.subscribe().allow()).isNull();
        assertThat(nw.subscribe().deny()).containsExactly("x");
        Permissions resp = user(o, "resp").permissions();
        assertThat(resp.responses()).isEqualTo(ResponsePermission.DEFAULT);
        assertThat(resp.publish().allow()).as("allow_responses alone denies other publishes").isEmpty();
        assertThat(user(o, "respmap").permissions().responses())
                .isEqualTo(new ResponsePermission(5, Duration.ofMinutes(1)));
        assertThat(user(o, "respzero").permissions().responses()).isEqualTo(ResponsePermission.DEFAULT);
        assertThat(user(o, "respoff").permissions().responses()).isNull();
        assertThat(user(o, "respoff").permissions().publish()).isNull();
        Permissions empty = user(o, "empty").permissions();
        assertThat(empty.publish()).isNull();
        assertThat(empty.subscribe().allow()).isNull();
    }

    @Test
    void refusesWhatNatsServerRefuses() {
        assertRefused("authorization { user: a, password: b, users: [ { user: c, password: d } ] }",
                ":1:1: Can not have a single user/pass and a users array");
        assertRefused("authorization { token: t, users: [] }", ":1:1: Can not have a token and a users array");
        assertRefused("authorization { users: [ { user: a, password: b }, { user: a, password: c } ] }",
                ":1:1: Duplicate user \"a\" detected");
        assertRefused("authorization { users: [ { password: b } ] }", ": User entry requires a user");
        assertRefused("authorization { users: [ { nkey: UABC } ] }", ": Not a valid public nkey for a user");
        assertRefused("authorization { users: { user: a } }", ": Expected users field to be an array, got {user=a}");
        assertRefused("authorization { users: [ a ] }", ": Expected user entry to be a map/struct, got a");
        assertRefused("authorization { users: [ { user: a, color: red } ] }", ": unknown field \"color\"");
        assertRefused("authorization { users: [ { user: a, allowed_connection_types: [ PIGEON ] } ] }",
                ": unknown connection type \"PIGEON\"");
        assertRefused("authorization { users: [ { user: a, permissions: { publish: \"a b c\" } } ] }",
                ": subject \"a b c\" is not a valid subject");
        assertRefused("authorization { users: [ { user: a, permissions: { publish: \"a..b\" } } ] }",
                ": subject \"a..b\" is not a valid subject");
        assertRefused("authorization { users: [ { user: a, permissions: { publish: 5 } } ] }",
                ": Expected subject permissions to be a subject, or array of subjects, got int64");
        assertRefused("authorization { users: [ { user: a, permissions: { publish: [ 5 ] } } ] }",
                ": Subject in permissions array cannot be cast to string");
        assertRefused("authorization { users: [ { user: a, permissions: { publish: { permit: x } } } ] }",
                ": Unknown field name \"permit\" parsing subject permissions, only 'allow' or 'deny' are permitted");
        assertRefused("authorization { users: [ { user: a, permissions: { read: x } } ] }",
                ": Unknown field \"read\" parsing permissions");
        assertRefused("authorization { users: [ { user: a, permissions: x } ] }",
                ": Expected permissions to be a map/struct, got x");
        assertRefused("authorization { users: [ { user: a, permissions: { allow_responses: 1 } } ] }",
                ": error parsing response permissions, expected a boolean or a map");
        assertRefused("authorization { users: [ { user: a, permissions: { allow_responses: { expires: 5 } } } ] }",
                ": error parsing expires, not a duration string");
    }

    @Test
    void usersParseForAnAccount() {
        ConfigValue list = ConfigParser.parse("users: [ { user: a, password: b } ]", k -> null).get("users");
        List<String> errors = new java.util.ArrayList<>();
        List<UserEntry> users = UserEntries.parse(list, "A", errors);
        assertThat(errors).isEmpty();
        assertThat(users).singleElement().extracting(UserEntry::account).isEqualTo("A");
    }
}
