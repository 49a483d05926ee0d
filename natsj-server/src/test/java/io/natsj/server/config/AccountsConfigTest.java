package io.natsj.server.config;

import io.natsj.server.ServerOptions;
import io.natsj.server.account.AccountConfig;
import io.natsj.server.account.AccountConfig.Export;
import io.natsj.server.account.AccountConfig.Import;
import io.natsj.server.account.AccountConfig.ResponseType;
import io.natsj.server.jetstream.JetStreamAccountLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** nats-server's {@code accounts} block: JetStream per account, exports and imports, and their errors. */
@Timeout(10)
class AccountsConfigTest {

    @TempDir
    Path dir;

    private ServerOptions options(String text) throws IOException {
        Path file = dir.resolve("accounts.conf");
        Files.writeString(file, text);
        return ConfigLoader.load(file, Map.<String, String>of()::get).options().build();
    }

    private List<String> errors(String text) {
        try {
            options(text);
        } catch (ConfigException e) {
            return e.errors().stream().map(s -> s.substring(s.indexOf(".conf:") + 6)).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("expected the config to be refused");
    }

    @Test
    void accountsWithJetStreamExportsAndImports() throws IOException {
        ServerOptions o = options("""
                system_account: SYS
                accounts {
                  SYS: {}
                  A: {
                    jetstream: { max_memory: 1MB, max_file: 2GB, max_streams: 3, max_consumers: 4,
                                 max_ack_pending: 50, memory_max_stream_bytes: 1024, max_bytes_required: true }
                    exports: [
                      { stream: "news.>" }
                      { service: "help.*", accounts: [B], response_type: stream, response_threshold: "5s" }
                    ]
                  }
                  B: {
                    jetstream: enabled
                    imports: [
                      { stream: { account: A, subject: "news.>" }, prefix: "a" }
                      { service: { account: A, subject: "help.*" }, to: "ask.*" }
                    ]
                  }
                  C: { jetstream: false }
                }
                """);
        assertThat(o.systemAccount()).isEqualTo("SYS");
        assertThat(o.accounts()).extracting(AccountConfig::name).containsExactly("SYS", "A", "B", "C");
        AccountConfig a = o.accounts().get(1);
        assertThat(a.jetStream()).isEqualTo(new JetStreamAccountLimits(1024 * 1024, 2L << 30, 3, 4, 50, 1024, -1,
                true));
        assertThat(a.exports()).containsExactly(Export.stream("news.>"),
                Export.service("help.*", "B").withResponseType(ResponseType.STREAM)
                        .withThreshold(Duration.ofSeconds(5)));
        AccountConfig b = o.accounts().get(2);
        assertThat(b.jetStream()).isEqualTo(JetStreamAccountLimits.UNLIMITED);
        assertThat(b.imports()).containsExactly(Import.stream("A", "news.>").withPrefix("a"),
                Import.service("A", "help.*").withTo("ask.*"));
        assertThat(o.accounts().get(3).jetStream()).isNull();
        assertThat(o.accounts().get(0).jetStream()).isNull();
    }

    @Test
    void usersInAccountsBelongToTheirAccountWithItsDefaultPermissions() throws IOException {
        ServerOptions o = options("""
                authorization { users: [ { user: g, password: pg } ] }
                accounts {
                  A: {
                    users: [ { user: a, password: pa }, { user: r, password: pr, permissions: { publish: "x" } } ]
                    default_permissions: { subscribe: "news.>" }
                  }
                }
                no_auth_user: a
                """);
        assertThat(o.users()).extracting(u -> u.name() + "@" + u.account())
                .containsExactly("g@null", "a@A", "r@A");
        assertThat(o.users().get(1).permissions()).isNotNull();
        assertThat(o.users().get(1).permissions()).isNotEqualTo(o.users().get(2).permissions());
        assertThat(o.noAuthUser()).isEqualTo("a");
    }

    @Test
    void usersInAccountsConflictingWithOtherAuthorizationAreRefused() {
        assertThat(errors("authorization { user: x, password: y }\naccounts { A: { users: [ { user: a } ] } }"))
                .containsExactly("2:17: Can not have a single user/pass and accounts");
        assertThat(errors("authorization { token: t }\naccounts { A: { users: [ { user: a } ] } }"))
                .containsExactly("2:17: Can not have a token and accounts");
        assertThat(errors("accounts { A: { users: [ { user: a } ] }, B: { users: [ { user: a } ] } }"))
                .containsExactly("1:48: Duplicate user \"a\" detected");
        assertThat(errors("accounts { A: { users: [ { user: a } ] } }\nno_auth_user: z")).containsExactly(
                "2:1: no_auth_user: \"z\" not present as user or nkey in authorization block or account configuration");
    }

    @Test
    void aListOfNamesDeclaresAccountsWithoutAnything() throws IOException {
        assertThat(options("accounts: [A, B]").accounts()).containsExactly(AccountConfig.of("A"),
                AccountConfig.of("B"));
    }

    @Test
    void refusedConfigurationsNameTheProblem() {
        assertThat(errors("accounts { $G: {} }")).containsExactly("1:12: \"$G\" is a Reserved Account");
        assertThat(errors("accounts { A: 1 }")).containsExactly("1:12: Expected map entries for accounts");
        assertThat(errors("""
                accounts {
                  A: {}
                  B: { imports: [ { stream: { account: A, subject: foo } } ] }
                }
                """)).containsExactly("1:1: Error adding stream import \"foo\": stream import not authorized");
        assertThat(errors("accounts { B: { imports: [ { service: { account: Z, subject: foo } } ] } }"))
                .containsExactly("1:1: \"Z\" account not defined for service import");
        assertThat(errors("accounts { A: { exports: [ { stream: foo, response_type: single } ] } }"))
                .containsExactly("1:28: Detected response directive on non-service");
        assertThat(errors("accounts { A: { exports: [ { service: foo, response_type: many } ] } }"))
                .containsExactly("1:44: Unknown response type: \"many\"");
        assertThat(errors("accounts { A: { jetstream: maybe } }"))
                .containsExactly("1:17: Expected 'enabled' or 'disabled' for string value, got 'maybe'");
        assertThat(errors("accounts { A: { jetstream: { max_streams: \"x\" } } }"))
                .containsExactly("1:30: Expected a parseable size for \"max_streams\", got x");
        assertThat(errors("accounts { A: { bogus: 1 } }")).containsExactly("1:17: unknown field \"bogus\"");
        assertThat(errors("system_account: NOPE\naccounts { A: {} }"))
                .containsExactly("2:1: system account \"NOPE\" not found");
    }
}
