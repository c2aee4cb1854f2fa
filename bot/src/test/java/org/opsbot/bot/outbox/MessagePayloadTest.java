package org.opsbot.bot.outbox;

import com.google.gson.JsonParser;
import com.slack.api.model.block.Blocks;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.BlockCompositions;
import com.slack.api.model.block.element.BlockElements;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessagePayloadTest {

    @Test
    void aMessageWithoutATextFallbackIsRefused() {
        assertThatThrownBy(() -> SlackMessage.of(" ", List.of())).hasMessageContaining("text fallback");
    }

    @Test
    void blocksBeyondSlacksLimitAreCutWithANoteSayingHowManyWereLeftOut() {
        List<LayoutBlock> blocks = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            int n = i;
            blocks.add(Blocks.section(s -> s.text(BlockCompositions.markdownText("alert " + n))));
        }
        var payload = MessagePayload.parse(MessagePayload.toJson(SlackMessage.of("70 alerts", blocks)));

        assertThat(payload.blocks()).hasSize(50);
        assertThat(payload.blocks().get(49).toString()).contains("21 more not shown");
    }

    @Test
    void longTextsAndButtonLabelsAreCutToWhatSlackAccepts() {
        String huge = "x".repeat(5_000);
        var message = SlackMessage.of(huge, Blocks.asBlocks(
                Blocks.section(s -> s.text(BlockCompositions.markdownText(huge))),
                Blocks.header(h -> h.text(BlockCompositions.plainText(huge))),
                Blocks.actions(a -> a.elements(List.of(BlockElements.button(b -> b.actionId("a")
                        .text(BlockCompositions.plainText(huge))))))));
        var payload = MessagePayload.parse(MessagePayload.toJson(message));

        assertThat(payload.text()).hasSize(4_000).endsWith("…");
        var blocks = JsonParser.parseString(payload.blocksJson()).getAsJsonArray();
        assertThat(blocks.get(0).getAsJsonObject().getAsJsonObject("text").get("text").getAsString()).hasSize(3_000);
        assertThat(blocks.get(1).getAsJsonObject().getAsJsonObject("text").get("text").getAsString()).hasSize(150);
        assertThat(blocks.get(2).getAsJsonObject().getAsJsonArray("elements").get(0).getAsJsonObject()
                .getAsJsonObject("text").get("text").getAsString()).hasSize(75);
    }

    @Test
    void noStringOfAnOutgoingMessageBroadcastsWhateverACallSiteForgotToEscape() {
        var message = new SlackMessage("<!here> down", Blocks.asBlocks(
                Blocks.section(s -> s.text(BlockCompositions.markdownText("<!channel> at <!date^1700000000^{time}|10:13 UTC> "
                        + "by <@U0ALICE01>"))),
                Blocks.actions(a -> a.elements(List.of(BlockElements.button(b -> b.actionId("a")
                        .text(BlockCompositions.plainText("<!everyone>"))))))),
                List.of(com.slack.api.model.Attachment.builder().fallback("<!subteam^S0OPS|@ops>").build()));

        String json = MessagePayload.toJson(message);

        assertThat(json).doesNotContain("<!here>", "<!channel>", "<!everyone>", "<!subteam")
                .contains("&lt;!here&gt; down", "&lt;!channel&gt; at <!date^1700000000^{time}|10:13 UTC> by <@U0ALICE01>",
                        "&lt;!everyone&gt;", "&lt;!subteam^S0OPS|@ops&gt;");
    }

    @Test
    void onlyAMessageMarkedAsAnAnnouncementNotifiesTheChannelBeforeItsTextAndFirstSection() {
        var message = SlackMessage.of("BREAK GLASS <!channel>", Blocks.asBlocks(
                Blocks.context(c -> c.elements(List.of(BlockCompositions.markdownText("first")))),
                Blocks.section(s -> s.text(BlockCompositions.markdownText("*BREAK GLASS*"))),
                Blocks.section(s -> s.text(BlockCompositions.markdownText("more")))));

        var payload = MessagePayload.parse(MessagePayload.toJson(message.announcedHere()));

        assertThat(payload.text()).isEqualTo("<!here> BREAK GLASS &lt;!channel&gt;");
        assertThat(payload.blocksJson()).contains("\"text\":\"first\"", "\"text\":\"<!here> *BREAK GLASS*\"", "\"text\":\"more\"");
        assertThat(MessagePayload.toJson(message)).doesNotContain("<!here>");
    }

    @Test
    void slackMarkupReadsAsPlainTextInTheDryRunLog() {
        assertThat(DryRunRendering.readable("<!date^1700000000^{date_short} {time}|Nov 14 22:13 UTC> by <@U0ALICE01> "
                + "in <#C0ALERTS1|alerts>, see <https://grafana.example/d/1|dashboard>, cc <!subteam^S0ONCALL|@oncall> &amp; <!here>"))
                .isEqualTo("Nov 14 22:13 UTC by @U0ALICE01 in #alerts, see dashboard (https://grafana.example/d/1), cc @oncall & @here");
    }
}
