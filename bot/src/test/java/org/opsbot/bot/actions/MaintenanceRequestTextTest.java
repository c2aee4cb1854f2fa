package org.opsbot.bot.actions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.approval.ActionRunner;
import org.opsbot.commands.approval.Approvals;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.check.CheckRunner;
import org.opsbot.commands.check.ExecAllowList;
import org.opsbot.commands.check.SecretMasker;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.maintenance.Maintenance;
import org.opsbot.commands.model.ActionRequest;
import org.opsbot.commands.runbook.RunbookCatalog;
import org.opsbot.commands.store.ActionStore;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An ad hoc maintenance request that needs approval shows its times as Slack dates, in each
 * reader's time zone, wherever it is shown: its message, its outcome, {@code /ops approvals}.
 */
class MaintenanceRequestTextTest {
    private static final OpsbotConfig CONFIG = ConfigParser.parse("""
            roles:
              managers: [UMANAGER1, UMANAGER2]
            teams:
              cdc:
                channel: "#cdc"
                maintenance-approval: {role: managers, count: 1, within: 1h}
            routes: [{team: cdc}]
            """, "opsbot.yaml").require();
    private static final Instant FROM = Instant.parse("2026-12-06T02:00:00Z");
    private static final Instant UNTIL = Instant.parse("2026-12-06T04:30:00Z");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T10:00:00Z"));
    @TempDir
    Path runbooks;

    @Test
    void aMaintenanceRequestAndItsOutcomeShowTimesAsSlackDatesNotInstants() throws Exception {
        try (Database db = TestDatabases.open(Dialect.SQLITE)) {
            AuditLog audit = new AuditLog(db, clock);
            Maintenance maintenance = new Maintenance(db, CONFIG.maintenance(), audit, clock);
            Approvals approvals = new Approvals(RunbookCatalog.load(runbooks, Map.of(), ExecAllowList.none()), CONFIG.roles(),
                    new ActionStore(db), new ActionRunner(CheckRunner.defaultHttpClient(), ExecAllowList.none(),
                    SecretMasker.of(), Duration.ofSeconds(5)), audit, SecretMasker.of(), clock);
            approvals.onApproved(ActionRequest.MAINTENANCE, maintenance::startApproved);
            ActionRequest r = approvals.request(maintenance.approvalRequest("cdc", FROM, UNTIL, "OS updates"),
                    "UENGINEER", "OS updates", "#cdc");

            String asked = text(ActionMessages.request(r));
            assertThat(asked).contains("*Starts:* maintenance of cdc from " + SlackText.date(FROM) + " until "
                    + SlackText.date(UNTIL)).doesNotContain("2026-12-06T02:00:00Z");
            assertThat(ApprovalsCommand.line(r)).contains(SlackText.date(FROM)).doesNotContain("T02:00:00Z");

            Approvals.Approval approved = approvals.approve(r.id(), r.planHash(), "UMANAGER1");
            Approvals.RanRequest ran = approvals.run(approved.request(), "UMANAGER1");
            assertThat(text(ActionMessages.result(ran.request(), ran.result())))
                    .contains(SlackText.date(FROM)).contains(SlackText.date(UNTIL)).doesNotContain("T02:00:00Z");
            assertThat(text(ActionMessages.request(ran.request()))).as("the request's message once done")
                    .contains(SlackText.date(UNTIL)).doesNotContain("T04:30:00Z");
        }
    }

    private static String text(SlackMessage message) {
        return message.blocks().toString();
    }
}
