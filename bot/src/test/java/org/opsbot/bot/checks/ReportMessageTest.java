package org.opsbot.bot.checks;

import com.slack.api.model.block.ActionsBlock;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.SectionBlock;
import org.junit.jupiter.api.Test;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.commands.model.CheckResult;
import org.opsbot.commands.model.RunReport;
import org.opsbot.commands.model.Status;
import org.opsbot.commands.runbook.RunbookChecks.RecordedRun;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Block Kit's limits hold for any runbook: 50 blocks, 3,000 characters per section. */
class ReportMessageTest {

    @Test
    void aReportOfTwoHundredChecksStaysWithinSlacksLimitsAndKeepsItsButton() {
        List<CheckResult> results = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Status status = i % 50 == 0 ? Status.CRIT : Status.OK;
            results.add(new CheckResult(i, "Endpoint number " + i + " of the big runbook", "http", status,
                    Optional.of("HTTP 200"), Optional.of(12.0), Optional.empty(),
                    "HTTP 200 in 12 ms; " + "a long explanation ".repeat(10), Duration.ofMillis(12)));
        }
        RunReport report = new RunReport("big", "Big <runbook> & more", "U0ALICE001", Instant.parse("2026-11-22T06:00:00Z"),
                Duration.ofMillis(2100), results);

        SlackMessage message = ReportMessage.report(new RecordedRun(7, report));

        assertThat(message.blocks()).hasSizeLessThanOrEqualTo(50);
        for (LayoutBlock block : message.blocks()) {
            if (block instanceof SectionBlock s) {
                assertThat(s.getText().getText().length()).isLessThanOrEqualTo(3000);
            }
        }
        assertThat(message.blocks().getLast()).isInstanceOf(ActionsBlock.class);
        SectionBlock headline = (SectionBlock) message.blocks().getFirst();
        assertThat(headline.getText().getText())
                .isEqualTo(":red_circle: *Big &lt;runbook&gt; &amp; more*: *CRIT* — 196/200 OK, 4 CRIT");
        SectionBlock firstLines = (SectionBlock) message.blocks().get(1);
        assertThat(firstLines.getText().getText()).startsWith(":red_circle: *Endpoint number 0 of the big runbook*");
    }
}
