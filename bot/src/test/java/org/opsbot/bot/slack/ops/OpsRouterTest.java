package org.opsbot.bot.slack.ops;

import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
import com.slack.api.model.block.HeaderBlock;
import com.slack.api.model.block.SectionBlock;
import org.junit.jupiter.api.Test;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.testing.RecordingOutbox;
import org.opsbot.commands.access.AccessPolicy;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.access.PermissionKeys;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpsRouterTest {

    /** Stands in for a real command that needs a role, such as {@code run}. */
    static final class RunCommand implements OpsCommand {
        final AtomicReference<OpsInvocation> ran = new AtomicReference<>();

        @Override
        public String name() {
            return "run";
        }

        @Override
        public String usage() {
            return "<action> [name=value …]";
        }

        @Override
        public String summary() {
            return "requests an action from a runbook";
        }

        @Override
        public Optional<String> permission() {
            return Optional.of("run");
        }

        /** It also asks about audit, as a command may for a part of itself. */
        @Override
        public PermissionKeys permissionKeys() {
            return PermissionKeys.of("run", "audit");
        }

        @Override
        public CommandReply handle(OpsInvocation invocation) throws UsageException {
            if (invocation.args().isEmpty()) {
                throw new UsageException("Which action? `run` needs its name.");
            }
            if (invocation.args().get(0).equals("explode")) {
                throw new IllegalStateException("secret-ish internals");
            }
            ran.set(invocation);
            return CommandReply.ephemeral("running " + invocation.args().get(0));
        }
    }

    private final RunCommand run = new RunCommand();
    private final OpsCommands commands = withRun(run);
    private final OpsRouter router = new OpsRouter(commands,
            new AccessPolicy(Map.of("responders", List.of("U0ALICE001")), Map.of("run", List.of("responders"))),
            GroupDirectory.none(), new RecordingOutbox(), Runnable::run);

    static OpsCommands withRun(OpsCommand extra) {
        return new OpsCommands(List.of(extra));
    }

    private static SlashCommandPayload slash(String user, String text) {
        SlashCommandPayload payload = new SlashCommandPayload();
        payload.setTeamId("T0OWN00001");
        payload.setChannelId("C0OPS00001");
        payload.setUserId(user);
        payload.setUserName("someone");
        payload.setCommand("/ops");
        payload.setText(text);
        payload.setTriggerId("1.2.3");
        return payload;
    }

    private static String text(CommandReply reply) {
        return reply.message().map(SlackMessage::text).orElse("");
    }

    @Test
    void opsAloneAnswersWithTheCommandListOnlyForTheCaller() {
        CommandReply reply = router.route(slash("U0ALICE001", ""));

        assertThat(reply.inChannel()).isFalse();
        SlackMessage message = reply.message().orElseThrow();
        assertThat(message.blocks()).first().isInstanceOf(HeaderBlock.class);
        assertThat(message.text()).contains("/ops help").contains("/ops run &lt;action&gt; [name=value …]");
    }

    @Test
    void helpListsEveryRegisteredCommandAndMarksThoseThatNeedARole() {
        SlackMessage message = router.route(slash("U0BOB00001", "help")).message().orElseThrow();

        String sections = message.blocks().stream().filter(SectionBlock.class::isInstance)
                .map(b -> ((SectionBlock) b).getText().getText()).reduce("", String::concat);
        assertThat(sections).contains("`/ops help [command]` — lists the commands")
                .contains("`/ops run &lt;action&gt; [name=value …]` — requests an action from a runbook :lock:");
    }

    @Test
    void helpWithACommandNameShowsJustThatCommand() {
        String answer = text(router.route(slash("U0BOB00001", "help run")));

        assertThat(answer).contains("/ops run &lt;action&gt; [name=value …]").doesNotContain("/ops help");
        assertThat(text(router.route(slash("U0BOB00001", "help nope")))).contains("`nope` is not a command")
                .contains("Usage: `/ops help [command]`");
    }

    @Test
    void theRoleLegendIsShownOnlyWhenACommandNeedsARole() {
        OpsRouter onlyHelp = new OpsRouter(new OpsCommands(List.of()), AccessPolicy.empty(), GroupDirectory.none(),
                new RecordingOutbox(), Runnable::run);
        SlackMessage message = onlyHelp.route(slash("U0BOB00001", "help")).message().orElseThrow();

        assertThat(message.blocks().getLast().toString()).doesNotContain(":lock:").contains("only visible to you");
    }

    @Test
    void anUnknownSubcommandIsNamedAndTheClosestCommandSuggested() {
        String answer = text(router.route(slash("U0ALICE001", "rnu restart")));

        assertThat(answer).contains("`/ops rnu` is not a command").contains("Did you mean `/ops run &lt;action&gt;");
    }

    @Test
    void anUnknownSubcommandFarFromAnyCommandPointsToHelp() {
        assertThat(text(router.route(slash("U0ALICE001", "frobnicate"))))
                .doesNotContain("Did you mean").contains("`/ops help` lists them all");
    }

    @Test
    void badArgumentsNameTheProblemAndShowTheUsage() {
        String answer = text(router.route(slash("U0ALICE001", "run")));

        assertThat(answer).contains("Which action?").contains("Usage: `/ops run &lt;action&gt; [name=value …]`");
        assertThat(run.ran.get()).isNull();
    }

    @Test
    void aUserWithoutTheRoleIsDeniedBeforeTheHandlerRuns() {
        String answer = text(router.route(slash("U0MALLORY1", "run restart-connector")));

        assertThat(answer).contains("`responders`").contains("opsbot.yaml");
        assertThat(run.ran.get()).isNull();
    }

    @Test
    void aUserWithTheRoleReachesTheHandlerWithParsedArguments() {
        CommandReply reply = router.route(slash("U0ALICE001", "RUN  restart-connector   connector=sink"));

        assertThat(text(reply)).isEqualTo("running restart-connector");
        OpsInvocation invocation = run.ran.get();
        assertThat(invocation.args()).containsExactly("restart-connector", "connector=sink");
        assertThat(invocation.argsText()).isEqualTo("restart-connector   connector=sink");
        assertThat(invocation.userId()).isEqualTo("U0ALICE001");
        assertThat(invocation.channelId()).isEqualTo("C0OPS00001");
        assertThat(invocation.decide("run").allowed()).isTrue();
        assertThat(invocation.decide("audit").allowed()).isFalse();
    }

    @Test
    void aCommandDecidingOnAKeyItDidNotDeclareFailsInsteadOfDenyingForever() {
        router.route(slash("U0ALICE001", "run restart-connector"));
        OpsInvocation invocation = run.ran.get();

        assertThatThrownBy(() -> invocation.decide("declare-top-severity"))
                .hasMessageContaining("/ops run decides on the permission key 'declare-top-severity'");
    }

    @Test
    void aFailingHandlerGetsAPoliteAnswerWithoutItsInternals() {
        String answer = text(router.route(slash("U0ALICE001", "run explode")));

        assertThat(answer).contains("failed unexpectedly").doesNotContain("secret-ish");
    }

    @Test
    void theStandardRegistryHasHelp() {
        assertThat(OpsCommands.standard().find("help")).isPresent();
    }

    @Test
    void twoCommandsWithOneNameAreRefusedAtStartUp() {
        assertThatThrownBy(() -> new OpsCommands(List.of(run, new RunCommand())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("run");
    }

    @Test
    void helpCannotBeRegisteredTwice() {
        assertThatThrownBy(() -> new OpsCommands(OpsCommands.standard().all()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("help");
    }

    @Test
    void transposedLettersCountAsOneTypo() {
        assertThat(commands.closestTo("rnu")).contains("run");
        assertThat(commands.closestTo("hlep")).contains("help");
    }

    /** {@code run} under other words too, as a real command declares its synonyms. */
    private static OpsCommand withSynonyms(RunCommand command, Synonym... synonyms) {
        return new OpsCommand() {
            @Override
            public String name() {
                return command.name();
            }

            @Override
            public List<Synonym> synonyms() {
                return List.of(synonyms);
            }

            @Override
            public String usage() {
                return command.usage();
            }

            @Override
            public String summary() {
                return command.summary();
            }

            @Override
            public Optional<String> permission() {
                return command.permission();
            }

            @Override
            public PermissionKeys permissionKeys() {
                return command.permissionKeys();
            }

            @Override
            public CommandReply handle(OpsInvocation invocation) throws UsageException {
                return command.handle(invocation);
            }
        };
    }

    private OpsRouter routerOf(OpsCommand command) {
        return new OpsRouter(new OpsCommands(List.of(command)),
                new AccessPolicy(Map.of("responders", List.of("U0ALICE001")), Map.of("run", List.of("responders"))),
                GroupDirectory.none(), new RecordingOutbox(), Runnable::run);
    }

    @Test
    void aSynonymIsAnsweredAsItsCommandAndDeniedAsItsCommand() {
        OpsRouter router = routerOf(withSynonyms(run, Synonym.of("execute")));

        assertThat(text(router.route(slash("U0ALICE001", "execute restart")))).isEqualTo("running restart");
        assertThat(run.ran.get().args()).containsExactly("restart");
        String denied = text(router.route(slash("U0BOB00001", "execute restart")));
        assertThat(denied).contains(":no_entry: You may not use `/ops run`")
                .isEqualTo(text(router.route(slash("U0BOB00001", "run restart"))));
    }

    @Test
    void aSynonymForACommandAndItsFirstWordPutsThemBeforeWhatWasTyped() {
        OpsRouter router = routerOf(withSynonyms(run, Synonym.of("restart", "restart")));

        assertThat(text(router.route(slash("U0ALICE001", "restart  the  cache")))).isEqualTo("running restart");
        assertThat(run.ran.get().args()).containsExactly("restart", "the", "cache");
        assertThat(run.ran.get().argsText()).isEqualTo("restart the  cache");
    }

    @Test
    void helpListsACommandsSynonymsAndFindsTheCommandByThem() {
        OpsRouter router = routerOf(withSynonyms(run, Synonym.of("execute"), Synonym.of("restart", "restart")));

        String help = text(router.route(slash("U0BOB00001", "help execute")));

        assertThat(help).contains("`/ops run &lt;action&gt; [name=value …]`",
                "(also: `/ops execute`, `/ops restart` for `/ops run restart`)").doesNotContain("/ops help");
        assertThat(text(router.route(slash("U0BOB00001", "help run")))).isEqualTo(help);
    }

    @Test
    void aWordClaimedTwiceIsRefusedAtStartUp() {
        assertThatThrownBy(() -> new OpsCommands(List.of(withSynonyms(run, Synonym.of("help")))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'help'");
        OpsCommand other = new OpsCommand() {
            @Override
            public String name() {
                return "go";
            }

            @Override
            public List<Synonym> synonyms() {
                return List.of(Synonym.of("execute"));
            }

            @Override
            public String usage() {
                return "";
            }

            @Override
            public String summary() {
                return "goes";
            }

            @Override
            public CommandReply handle(OpsInvocation invocation) {
                return CommandReply.ephemeral("gone");
            }
        };
        assertThatThrownBy(() -> new OpsCommands(List.of(withSynonyms(run, Synonym.of("execute")), other)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'execute'")
                .hasMessageContaining("/ops run").hasMessageContaining("/ops go");
        assertThatThrownBy(() -> new OpsCommands(List.of(withSynonyms(run, Synonym.of("Execute")))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lower-case");
    }

    @Test
    void aTypoOfASynonymSuggestsTheSynonym() {
        OpsRouter router = routerOf(withSynonyms(run, Synonym.of("execute")));

        assertThat(text(router.route(slash("U0ALICE001", "exectue restart"))))
                .contains("`/ops exectue` is not a command", "Did you mean `/ops execute &lt;action&gt; [name=value …]`?");
    }
}
