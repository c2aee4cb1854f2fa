package org.opsbot.bot.slack.text;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BroadcastGuardTest {

    @Test
    void everySpecialMentionButADateIsShownAsText() {
        long before = BroadcastGuard.neutralised();

        String out = BroadcastGuard.neutralise("<!here> <!channel> <!everyone> <!group> <!here|here> <!subteam^S0OPS|@ops> "
                + "at <!date^1700000000^{time}|10:13 UTC> by <@U0ALICE01> in <#C0ALERTS1> see <https://x.example|x>");

        assertThat(out).isEqualTo("&lt;!here&gt; &lt;!channel&gt; &lt;!everyone&gt; &lt;!group&gt; &lt;!here|here&gt; "
                + "&lt;!subteam^S0OPS|@ops&gt; at <!date^1700000000^{time}|10:13 UTC> by <@U0ALICE01> in <#C0ALERTS1> "
                + "see <https://x.example|x>");
        assertThat(BroadcastGuard.neutralised() - before).isEqualTo(6);
    }

    @Test
    void aDateCannotCarryABroadcastInItsFallback() {
        assertThat(BroadcastGuard.neutralise("<!date^1^{time}|<!here>>")).doesNotContain("<!here>");
    }

    @Test
    void everyStringOfAJsonPayloadIsGuardedKeysAndOtherValuesUntouched() {
        String json = "{\"text\":\"<!channel> hi\",\"n\":3,\"blocks\":[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\","
                + "\"text\":\"a \\u003c!everyone\\u003e b\"}}],\"ok\":true}";

        assertThat(JsonParser.parseString(BroadcastGuard.neutraliseJson(json))).isEqualTo(JsonParser.parseString(
                "{\"text\":\"&lt;!channel&gt; hi\",\"n\":3,\"blocks\":[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\","
                        + "\"text\":\"a &lt;!everyone&gt; b\"}}],\"ok\":true}"));
        assertThat(BroadcastGuard.neutraliseJson("{\"text\":\"nothing here\"}")).isEqualTo("{\"text\":\"nothing here\"}");
    }
}
