package io.natsj.server.account;

import io.natsj.server.account.AccountConfig.Export;
import io.natsj.server.account.AccountConfig.Import;
import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.routing.Subscriber;
import io.natsj.server.routing.Subscription;
import io.natsj.server.util.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How imports carry messages between accounts' subject spaces, and which configurations are refused. */
@Timeout(10)
class AccountsTest {

    private final ManualClock clock = new ManualClock();

    /** What a subscriber received: subject, reply and payload. */
    record Got(String subject, String reply, String data) {
    }

    static final class Recorder implements Subscriber {
        final List<Got> got = new ArrayList<>();

        @Override
        public boolean deliver(Subscription sub, String subject, String reply, byte[] buf, int off, int hdrLen,
                               int totalLen, DeliveryBatch batch) {
            got.add(new Got(subject, reply, new String(buf, off + hdrLen, totalLen - hdrLen,
                    StandardCharsets.UTF_8)));
            return true;
        }
    }

    private static Recorder subscribe(Account account, String subject) {
        Recorder r = new Recorder();
        account.index().insert(new Subscription(r, subject, null, "1"));
        return r;
    }

    private static int publish(Account account, String subject, String reply, String data) {
        byte[] b = data.getBytes(StandardCharsets.UTF_8);
        return account.publish(null, true, subject, reply, 0, b, 0, b.length, DeliveryBatch.IMMEDIATE);
    }

    @Test
    void accountsDoNotSeeEachOthersSubjects() {
        Accounts accounts = Accounts.build(List.of(AccountConfig.of("A"), AccountConfig.of("B")), null, clock);
        Recorder inB = subscribe(accounts.get("B"), ">");
        Recorder inGlobal = subscribe(accounts.global(), ">");
        publish(accounts.get("A"), "foo", null, "x");
        assertThat(inB.got).isEmpty();
        assertThat(inGlobal.got).isEmpty();
        assertThat(accounts.system().name()).isEqualTo(Account.SYSTEM);
        assertThat(accounts.all()).extracting(Account::name).containsExactly("$G", "A", "B", "$SYS");
    }

    @Test
    void streamImportCarriesOnlyTheExportedSubjects() {
        Accounts accounts = Accounts.build(List.of(
                AccountConfig.of("A").withExports(List.of(Export.stream("public.>"))),
                AccountConfig.of("B").withImports(List.of(Import.stream("A", "public.>")))), null, clock);
        Recorder inB = subscribe(accounts.get("B"), ">");
        publish(accounts.get("A"), "public.news", "r1", "hello");
        publish(accounts.get("A"), "private.news", null, "secret");
        assertThat(inB.got).containsExactly(new Got("public.news", "r1", "hello"));
    }

    @Test
    void streamImportWithPrefixOrMapping() {
        Accounts accounts = Accounts.build(List.of(
                AccountConfig.of("A").withExports(List.of(Export.stream("orders.*.>"))),
                AccountConfig.of("B").withImports(List.of(Import.stream("A", "orders.*.>").withPrefix("fromA"))),
                AccountConfig.of("C").withImports(List.of(Import.stream("A", "orders.*.>").withTo("ord.*.>")))),
                null, clock);
        Recorder inB = subscribe(accounts.get("B"), ">");
        Recorder inC = subscribe(accounts.get("C"), ">");
        publish(accounts.get("A"), "orders.eu.new.1", null, "o");
        assertThat(inB.got).extracting(Got::subject).containsExactly("fromA.orders.eu.new.1");
        assertThat(inC.got).extracting(Got::subject).containsExactly("ord.eu.new.1");
    }

    @Test
    void serviceImportForwardsRequestsAndBringsBackOneResponse() {
        Accounts accounts = Accounts.build(List.of(
                AccountConfig.of("A").withExports(List.of(Export.service("help.>"))),
                AccountConfig.of("B").withImports(List.of(Import.service("A", "help.>").withTo("ask.>")))),
                null, clock);
        Account a = accounts.get("A");
        Account b = accounts.get("B");
        Recorder service = subscribe(a, "help.>");
        Recorder requester = subscribe(b, "_INBOX.>");
        assertThat(publish(b, "ask.me", "_INBOX.1", "q")).isPositive();
        assertThat(service.got).hasSize(1);
        Got request = service.got.get(0);
        assertThat(request.subject()).isEqualTo("help.me");
        assertThat(request.reply()).startsWith("_R_.");
        assertThat(a.pendingResponses()).isEqualTo(1);

        publish(a, request.reply(), null, "answer");
        publish(a, request.reply(), null, "second answer"); // singleton: only the first goes back
        assertThat(requester.got).containsExactly(new Got("_INBOX.1", null, "answer"));
        assertThat(a.pendingResponses()).isZero();
    }

    @Test
    void streamedResponsesLastUntilTheThreshold() {
        Accounts accounts = Accounts.build(List.of(
                AccountConfig.of("A").withExports(List.of(Export.service("feed")
                        .withResponseType(AccountConfig.ResponseType.STREAM).withThreshold(Duration.ofSeconds(5)))),
                AccountConfig.of("B").withImports(List.of(Import.service("A", "feed")))), null, clock);
        Account a = accounts.get("A");
        Recorder service = subscribe(a, "feed");
        Recorder requester = subscribe(accounts.get("B"), "_INBOX.>");
        publish(accounts.get("B"), "feed", "_INBOX.2", "");
        String reply = service.got.get(0).reply();
        publish(a, reply, null, "1");
        publish(a, reply, null, "2");
        clock.advance(Duration.ofSeconds(6));
        publish(a, reply, null, "3");
        assertThat(requester.got).extracting(Got::data).containsExactly("1", "2");
    }

    /** A JetStream-style delivery: routed by {@code route}, showing {@code subject}. */
    private static int deliverAs(Account account, String route, String subject, String reply, String data) {
        byte[] b = data.getBytes(StandardCharsets.UTF_8);
        return account.publishAs(null, true, route, subject, reply, 0, b, 0, b.length, DeliveryBatch.IMMEDIATE);
    }

    @Test
    void aDeliveryCrossesImportsByItsDeliverSubjectAndKeepsShowingItsOwnSubject() {
        Accounts accounts = Accounts.build(List.of(
                AccountConfig.of("A").withExports(List.of(Export.stream("_d.>"), Export.service("in.>"),
                        Export.service("api.>").withResponseType(AccountConfig.ResponseType.STREAM))),
                AccountConfig.of("B").withImports(List.of(Import.stream("A", "_d.>").withTo("inbox.>"),
                        Import.service("A", "in.>").withTo("orders.>"),
                        Import.service("A", "api.>")))), null, clock);
        Account a = accounts.get("A");
        Account b = accounts.get("B");
        Recorder capture = subscribe(a, "in.>"); // what a stream in A capturing in.> would store
        Recorder inbox = subscribe(b, "inbox.>");
        Recorder orders = subscribe(b, "orders.>");

        // push: a consumer in A delivers orders.1 to _d.x, B sees it on its inbox with the stored subject
        assertThat(deliverAs(a, "_d.x", "orders.1", "$JS.ACK.1", "m")).isPositive();
        assertThat(inbox.got).containsExactly(new Got("orders.1", "$JS.ACK.1", "m"));
        assertThat(orders.got).isEmpty();
        assertThat(capture.got).isEmpty(); // never routed back through B's service import by its shown subject

        // pull: a request that came through B's service import is answered on its one-off reply
        Recorder api = subscribe(a, "api.>");
        Recorder replies = subscribe(b, "_INBOX.>");
        publish(b, "api.next", "_INBOX.9", "");
        String reply = api.got.get(0).reply();
        deliverAs(a, reply, "orders.1", "$JS.ACK.1", "m1");
        deliverAs(a, reply, "orders.2", "$JS.ACK.2", "m2");
        assertThat(replies.got).containsExactly(new Got("orders.1", "$JS.ACK.1", "m1"),
                new Got("orders.2", "$JS.ACK.2", "m2"));

        // a delivery to a subject B imports as a service goes on by that subject, still showing its own
        Recorder served = subscribe(a, "in.q");
        deliverAs(b, "orders.q", "stored.7", null, "s");
        assertThat(served.got).containsExactly(new Got("stored.7", null, "s"));
    }

    @Test
    void importsThatNoExportAllowsAreRefused() {
        List<AccountConfig> notExported = List.of(AccountConfig.of("A"),
                AccountConfig.of("B").withImports(List.of(Import.stream("A", "foo"))));
        assertThat(AccountsCheck.errors(notExported, null))
                .containsExactly("Error adding stream import \"foo\": stream import not authorized");
        List<AccountConfig> otherAccount = List.of(
                AccountConfig.of("A").withExports(List.of(Export.service("svc", "C"))), AccountConfig.of("C"),
                AccountConfig.of("B").withImports(List.of(Import.service("A", "svc"))));
        assertThat(AccountsCheck.errors(otherAccount, null))
                .containsExactly("Error adding service import \"svc\": service import not authorized");
        List<AccountConfig> wider = List.of(AccountConfig.of("A").withExports(List.of(Export.stream("a.b"))),
                AccountConfig.of("B").withImports(List.of(Import.stream("A", "a.*"))));
        assertThat(AccountsCheck.errors(wider, null)).hasSize(1);
        List<AccountConfig> missing = List.of(AccountConfig.of("B").withImports(List.of(Import.stream("Z", "x"))));
        assertThat(AccountsCheck.errors(missing, null)).containsExactly("\"Z\" account not defined for stream import");
        List<AccountConfig> badPrefix = List.of(AccountConfig.of("A").withExports(List.of(Export.stream(">"))),
                AccountConfig.of("B").withImports(List.of(Import.stream("A", "x").withPrefix("p.*"))));
        assertThat(AccountsCheck.errors(badPrefix, null))
                .containsExactly("Error adding stream import \"x\": stream import prefix can not contain wildcard tokens");
        assertThatThrownBy(() -> Accounts.build(notExported, null, clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not authorized");
        assertThat(AccountsCheck.errors(List.of(AccountConfig.of("$G")), null))
                .containsExactly("\"$G\" is a Reserved Account");
    }

    @Test
    void aCycleOfImportsDoesNotLoopForever() {
        Accounts accounts = Accounts.build(List.of(
                AccountConfig.of("A").withExports(List.of(Export.stream("loop"))).withImports(List.of(
                        Import.stream("B", "loop"))),
                AccountConfig.of("B").withExports(List.of(Export.stream("loop"))).withImports(List.of(
                        Import.stream("A", "loop")))), null, clock);
        assertThat(accounts.get("A").hasInterest("loop")).as("imports with nobody behind them").isFalse();
        Recorder inB = subscribe(accounts.get("B"), "loop");
        publish(accounts.get("A"), "loop", null, "x");
        assertThat(inB.got).hasSizeBetween(1, ImportDepth.MAX);
    }

    @Test
    void interestLooksThroughImports() {
        Accounts accounts = Accounts.build(List.of(
                AccountConfig.of("A").withExports(List.of(Export.stream("_d.>"), Export.service("api.>"))),
                AccountConfig.of("B").withImports(List.of(Import.stream("A", "_d.>").withTo("inbox.>"),
                        Import.service("A", "api.>")))), null, clock);
        Account a = accounts.get("A");
        Account b = accounts.get("B");
        assertThat(a.hasInterest("_d.x")).as("the stream import alone").isFalse();
        subscribe(b, "inbox.x");
        assertThat(a.hasInterest("_d.x")).isTrue();
        assertThat(b.hasInterest("api.next")).as("the service import alone").isFalse();
        Recorder api = subscribe(a, "api.>");
        assertThat(b.hasInterest("api.next")).isTrue();
        publish(b, "api.next", "_INBOX.1", "");
        String reply = api.got.get(0).reply();
        assertThat(a.hasInterest(reply)).as("a response route whose requester left").isFalse();
        subscribe(b, "_INBOX.1");
        assertThat(a.hasInterest(reply)).isTrue();
    }
}
