package org.opsbot.bot.slack.text;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one Slack text layer. The two properties are checked over many generated strings (random
 * characters Slack cares about mixed with pieces of real markup), each failure naming its input;
 * the examples show what each kind of text becomes.
 */
class SlackTextTest {
    private static final int TRIES = 20_000;
    private static final Pattern LIVE = Pattern.compile("<[^<>]*>");
    private static final Pattern MENTION_IN = Pattern.compile("<@([UW][A-Z0-9]{2,20})(?:\\|[^<>]*)?>");
    private static final List<String> PIECES = List.of("<!here>", "<!channel>", "<!everyone>", "<!here|here>",
            "<!subteam^S0ONCALL|@oncall>", "<@U0ALICE01>", "<@W0BOB0001|bob>", "<@U0ALICE01|a|b>", "<@u0lower>",
            "<#C0GENERAL|general>", "<https://evil.example|click me>", "<mailto:a@b.c>", "<!date^1^{time}|x>",
            "&lt;!here&gt;", "&amp;", "&", "<", ">", "|", "@", "!", "^", "#", "U0", "*", "_", "~", "`", "```", "\n", " ",
            "é", "🔥", "\u0000");

    /** A string made of {@link #PIECES} and random characters, reproducible from {@code random}. */
    private static String generated(Random random) {
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(25);
        for (int i = 0; i < n; i++) {
            if (random.nextBoolean()) {
                s.append(PIECES.get(random.nextInt(PIECES.size())));
            } else {
                s.append((char) (0x20 + random.nextInt(0x60)));
            }
        }
        return s.toString();
    }

    private static String unescaped(String mrkdwn) {
        return mrkdwn.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    @Test
    void typedTextIsWhatThePersonTypedAndIsEscapedOnceOnTheWayOut() {
        // Slack sends "R&D <build> &lt;" typed in /ops as below; mentions arrive unescaped.
        String sent = "R&amp;D &lt;build&gt; &amp;lt; <@U0ALICE001|alice>";
        assertThat(SlackText.typed(sent)).isEqualTo("R&D <build> &lt; <@U0ALICE001|alice>");
        assertThat(SlackText.person(SlackText.typed(sent))).isEqualTo("R&amp;D &lt;build&gt; &amp;lt; <@U0ALICE001>");
        assertThat(SlackText.typed(null)).isEmpty();
    }

    @Test
    void noOutputOfEscapeEverHoldsAnAngleBracketAndSlackReadsItBackAsTheInput() {
        Random random = new Random(12);
        for (int i = 0; i < TRIES; i++) {
            String input = generated(random);
            String out = SlackText.escape(input);
            assertThat(out).as("escape(%s)", input).doesNotContain("<", ">");
            assertThat(unescaped(out)).as("what Slack shows of escape(%s)", input).isEqualTo(input);
        }
    }

    @Test
    void aPersonsTextKeepsExactlyItsUserMentionsLiveWithoutTheirLabels() {
        Random random = new Random(34);
        for (int i = 0; i < TRIES; i++) {
            String input = generated(random);
            List<String> mentioned = new ArrayList<>();
            Matcher m = MENTION_IN.matcher(input);
            while (m.find()) {
                mentioned.add("<@" + m.group(1) + ">");
            }
            List<String> live = new ArrayList<>();
            Matcher l = LIVE.matcher(SlackText.person(input));
            while (l.find()) {
                live.add(l.group());
            }
            assertThat(live).as("live markup in person(%s)", input).isEqualTo(mentioned);
        }
    }

    @Test
    void everyOtherFunctionOfOutsideTextLeavesNothingLiveEither() {
        Random random = new Random(56);
        for (int i = 0; i < TRIES; i++) {
            String input = generated(random);
            String link = SlackText.link("https://example.com/x", input);
            assertThat(link).startsWith("<https://example.com/x|").endsWith(">");
            assertThat(List.of(SlackText.plain(input, 80), SlackText.code(input), SlackText.code(input, 30),
                    SlackText.block(input), SlackText.label(input, 75), link.substring(1, link.length() - 1)))
                    .as("functions of %s", input).noneMatch(s -> s.contains("<") || s.contains(">"));
            // Only a checked id becomes a mention or a channel link.
            assertThat(SlackText.user(input).startsWith("<")).isEqualTo(input.matches("[UW][A-Z0-9]{2,20}"));
            assertThat(SlackText.channel(input).startsWith("<")).isEqualTo(input.matches("[CGD][A-Z0-9]{2,20}"));
        }
    }

    @Test
    void broadcastsUserGroupsChannelsAndDisguisedLinksFromAPersonShowAsText() {
        assertThat(SlackText.person("<!here> <!channel> <!everyone> <!subteam^S0X|@ops> <#C0GENERAL|general> "
                + "<https://evil.example|click me> ping <@U0ALICE01|alice> and <@W0BOB0001>"))
                .isEqualTo("&lt;!here&gt; &lt;!channel&gt; &lt;!everyone&gt; &lt;!subteam^S0X|@ops&gt; &lt;#C0GENERAL|general&gt; "
                        + "&lt;https://evil.example|click me&gt; ping <@U0ALICE01> and <@W0BOB0001>");
        assertThat(SlackText.person("&lt;!here&gt; is what I typed")).isEqualTo("&amp;lt;!here&amp;gt; is what I typed");
    }

    @Test
    void aPersonsTextIsCutWithoutCuttingAMentionInTwo() {
        assertThat(SlackText.person("see <@U0ALICE01|alice> now", 10)).isEqualTo("see …");
        assertThat(SlackText.person("see <@U0ALICE01> now", 19)).isEqualTo("see <@U0ALICE01> n…");
    }

    @Test
    void textFromOutsideIsEscapedBoundedAndOnOneLine() {
        assertThat(SlackText.escape("a < b & c > d")).isEqualTo("a &lt; b &amp; c &gt; d");
        assertThat(SlackText.escape(null)).isEmpty();
        assertThat(SlackText.plain("  Disk\n<full>  &   co ", 12)).isEqualTo("Disk &lt;full&gt;…");
        assertThat(SlackText.code("a`b\nc<d>")).isEqualTo("`aˋb c&lt;d&gt;`");
        assertThat(SlackText.block("out ```x``` <!here>")).isEqualTo("```\nout ˋˋˋxˋˋˋ &lt;!here&gt;\n```");
        assertThat(SlackText.label("Run <b>\nnow", 75)).isEqualTo("Run ‹b› now");
    }

    @Test
    void onlyCheckedValuesBecomeMarkup() {
        assertThat(SlackText.user("U0ALICE01")).isEqualTo("<@U0ALICE01>");
        assertThat(SlackText.user("U0ALICE01><!here")).isEqualTo("U0ALICE01&gt;&lt;!here");
        assertThat(SlackText.user(null)).isEqualTo("someone");
        assertThat(SlackText.channel("C0ALERTS1")).isEqualTo("<#C0ALERTS1>");
        assertThat(SlackText.channel("#alerts")).isEqualTo("#alerts");
        assertThat(SlackText.link("http://prom:9090/graph?a=1&b=2", "source")).isEqualTo("<http://prom:9090/graph?a=1&amp;b=2|source>");
        assertThat(SlackText.link("https://x.example/a|click>", "<b>")).isEqualTo("<https://x.example/a%7Cclick%3E|&lt;b&gt;>");
        assertThat(SlackText.link("https://x.example/a b", "open")).isEqualTo("open");
        assertThat(SlackText.link("javascript:alert(1)", "open")).isEqualTo("open");
        assertThat(SlackText.link("https:/no-host", "open")).isEqualTo("open");
        assertThat(SlackText.link(null, "open")).isEqualTo("open");
    }

    @Test
    void datesAreSlacksTokensWithAnEscapedFallback() {
        Instant at = Instant.parse("2026-11-22T03:04:05Z");
        assertThat(SlackText.date(at)).isEqualTo("<!date^1795316645^{date_short_pretty} {time}|2026-11-22 03:04 UTC>");
        assertThat(SlackText.date(at.toEpochMilli())).isEqualTo(SlackText.date(at));
        assertThat(SlackText.date(at, "{time}", "03:04 <UTC>")).isEqualTo("<!date^1795316645^{time}|03:04 &lt;UTC&gt;>");
        assertThatThrownBy(() -> SlackText.date(at, "{time}|x><!here", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void instantsInTextOpsbotWroteAreShownAsDatesAndEverythingElseIsEscaped() {
        assertThat(SlackText.dated("maintenance of cdc from 2026-12-06T02:00:00Z until 2026-12-06T04:30:00Z (nobody"
                + " is paged): <!here> R&D"))
                .isEqualTo("maintenance of cdc from " + SlackText.date(Instant.parse("2026-12-06T02:00:00Z"))
                        + " until " + SlackText.date(Instant.parse("2026-12-06T04:30:00Z"))
                        + " (nobody is paged): &lt;!here&gt; R&amp;D");
        assertThat(SlackText.dated("at 2026-13-06T02:00:00Z or 2026-12-06 02:00")).as("no real instant: as written")
                .isEqualTo("at 2026-13-06T02:00:00Z or 2026-12-06 02:00");
        assertThat(SlackText.dated(null)).isEmpty();
        Random random = new Random(56);
        for (int i = 0; i < TRIES; i++) {
            String input = generated(random);
            assertThat(SlackText.dated(input)).as("dated(%s)", input).isEqualTo(SlackText.escape(input));
        }
    }

    @Test
    void fittingMarkupNeverCutsAnEscapeOrATokenInTwo() {
        assertThat(SlackText.fit("abc &amp; def", 7)).isEqualTo("abc …");
        assertThat(SlackText.fit("at <!date^1^{time}|x> now", 12)).isEqualTo("at …");
        assertThat(SlackText.fit("short", 10)).isEqualTo("short");
        assertThat(SlackText.cut("ab🔥cd", 4)).isEqualTo("ab…");
        Random random = new Random(78);
        for (int i = 0; i < TRIES; i++) {
            String mrkdwn = SlackText.person(generated(random));
            String fitted = SlackText.fit(mrkdwn, 1 + random.nextInt(40));
            assertThat(fitted.replaceAll("<@[UW][A-Z0-9]+>", "").replaceAll("&(amp|lt|gt);", ""))
                    .as("fit of %s", mrkdwn).doesNotContain("<", ">").doesNotContainPattern("&(a|am|l|lt|g|gt)?…$");
        }
    }
}
