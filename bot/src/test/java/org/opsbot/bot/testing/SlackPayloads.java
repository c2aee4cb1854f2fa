package org.opsbot.bot.testing;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Request bodies shaped like Slack's, with every field Slack sends. Like Slack, each command,
 * click and submission gets a {@code trigger_id} of its own, so two of them are two requests
 * (the bot refuses the same signed request twice, as a replay).
 */
public final class SlackPayloads {
    private static final AtomicLong TRIGGERS = new AtomicLong();

    private SlackPayloads() {
    }

    /** A trigger id shaped like Slack's, never the same twice. */
    public static String triggerId() {
        return "13345224609.738474920." + HexFormat.of().toHexDigits(TRIGGERS.incrementAndGet());
    }

    /** A slash command, form-encoded as Slack posts it. */
    public static String slashCommand(String teamId, String userId, String command, String text) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", "gIkuvaNzQIHg97ATvDxqgjtO");
        form.put("team_id", teamId);
        form.put("team_domain", "example");
        form.put("channel_id", "C2147483705");
        form.put("channel_name", "ops");
        form.put("user_id", userId);
        form.put("user_name", "steve");
        form.put("command", command);
        form.put("text", text);
        form.put("api_app_id", "A123456");
        form.put("is_enterprise_install", "false");
        form.put("response_url", "https://hooks.slack.com/commands/" + teamId + "/1234/abcdEFGH");
        form.put("trigger_id", triggerId());
        return form(form);
    }

    public static String slashCommand(String teamId, String userId, String text) {
        return slashCommand(teamId, userId, "/ops", text);
    }

    /** A button click: {@code payload=} and the JSON, form-encoded. */
    public static String blockActions(String teamId, String userId, String actionId) {
        String json = """
                {"type":"block_actions","team":{"id":"%1$s","domain":"example"},\
                "user":{"id":"%2$s","username":"steve","name":"steve","team_id":"%1$s"},\
                "api_app_id":"A123456","token":"gIkuvaNzQIHg97ATvDxqgjtO","container":\
                {"type":"message","message_ts":"1700000000.000100","channel_id":"C2147483705","is_ephemeral":false},\
                "trigger_id":"%4$s","channel":{"id":"C2147483705","name":"ops"},\
                "message":{"type":"message","ts":"1700000000.000100","text":"alert"},\
                "response_url":"https://hooks.slack.com/actions/%1$s/1234/abcd",\
                "actions":[{"action_id":"%3$s","block_id":"b1","text":{"type":"plain_text","text":"Ack"},\
                "value":"42","type":"button","action_ts":"1700000001.000200"}]}"""
                .formatted(teamId, userId, actionId, triggerId());
        return "payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8);
    }

    /** A click on a button whose {@code value} is given, in channel {@code C2147483705}. */
    public static String blockActions(String teamId, String userId, String actionId, String value) {
        String action = """
                {"action_id":"%s","block_id":"b1","text":{"type":"plain_text","text":"Run"},\
                "value":"%s","type":"button","action_ts":"1700000001.000200"}""".formatted(actionId, value);
        return interaction(teamId, userId, action);
    }

    /** A change of a checkboxes group: Slack sends the whole selection of that group. */
    public static String checkboxes(String teamId, String userId, String actionId, String blockId, List<String> selected) {
        String options = selected.stream()
                .map(v -> "{\"text\":{\"type\":\"plain_text\",\"text\":\"item\"},\"value\":\"" + v + "\"}")
                .collect(Collectors.joining(","));
        String action = """
                {"action_id":"%s","block_id":"%s","type":"checkboxes","selected_options":[%s],\
                "action_ts":"1700000001.000300"}""".formatted(actionId, blockId.replace("\"", "\\\""), options);
        return interaction(teamId, userId, action);
    }

    /**
     * A click on a button of the bot's App Home: Slack names the view it was on, and no channel
     * or message (there is none).
     */
    public static String homeBlockActions(String teamId, String userId, String actionId, String value) {
        String json = """
                {"type":"block_actions","team":{"id":"%1$s","domain":"example"},\
                "user":{"id":"%2$s","username":"steve","name":"steve","team_id":"%1$s"},\
                "api_app_id":"A123456","token":"gIkuvaNzQIHg97ATvDxqgjtO",\
                "container":{"type":"view","view_id":"V0HOME0001"},"trigger_id":"%5$s",\
                "view":{"id":"V0HOME0001","team_id":"%1$s","type":"home","blocks":[],"private_metadata":"",\
                "callback_id":"","hash":"1700000000.abcdef","app_id":"A123456","bot_id":"B0BOT00001"},\
                "actions":[{"action_id":"%3$s","block_id":"b1","text":{"type":"plain_text","text":"Acknowledge"},\
                "value":"%4$s","type":"button","action_ts":"1700000001.000200"}]}"""
                .formatted(teamId, userId, actionId, value, triggerId());
        return "payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8);
    }

    private static String interaction(String teamId, String userId, String action) {
        String json = """
                {"type":"block_actions","team":{"id":"%1$s","domain":"example"},\
                "user":{"id":"%2$s","username":"steve","name":"steve","team_id":"%1$s"},\
                "api_app_id":"A123456","token":"gIkuvaNzQIHg97ATvDxqgjtO","container":\
                {"type":"message","message_ts":"1700000000.000900","channel_id":"C2147483705","is_ephemeral":false},\
                "trigger_id":"%4$s","channel":{"id":"C2147483705","name":"ops"},\
                "message":{"type":"message","ts":"1700000000.000900","text":"report"},\
                "response_url":"https://hooks.slack.com/actions/%1$s/1234/abcd",\
                "actions":[%3$s]}""".formatted(teamId, userId, action, triggerId());
        return "payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8);
    }

    /**
     * A choice of the option whose value is {@code value} in the overflow menu ("⋯")
     * {@code actionId} of the bot's message {@code messageTs} in {@code channel}.
     */
    public static String overflowChoice(String teamId, String userId, String channel, String messageTs, String actionId,
                                        String value) {
        String action = """
                {"type":"overflow","action_id":"%s","block_id":"alert-actions","selected_option":\
                {"text":{"type":"plain_text","text":"Escalate","emoji":true},"value":"%s"},\
                "action_ts":"1700000001.000200"}""".formatted(actionId, value);
        return blockActions(teamId, userId, "steve", channel, messageTs, action);
    }

    /**
     * A click on a button (or a choice in a select, when {@code selected} is given) of the
     * bot's message {@code messageTs} in {@code channel}, as Slack sends {@code block_actions}.
     */
    public static String blockActions(String teamId, String userId, String userName, String channel, String messageTs,
                                      String actionId, String value, boolean selected) {
        String action = selected
                ? """
                {"action_id":"%s","block_id":"alert-actions","type":"static_select","selected_option":\
                {"text":{"type":"plain_text","text":"1h","emoji":true},"value":"%s"},\
                "placeholder":{"type":"plain_text","text":"Snooze…","emoji":true},"action_ts":"1700000001.000200"}"""
                .formatted(actionId, value)
                : """
                {"action_id":"%s","block_id":"alert-actions","text":{"type":"plain_text","text":"Acknowledge","emoji":true},\
                "value":"%s","style":"primary","type":"button","action_ts":"1700000001.000200"}"""
                .formatted(actionId, value);
        return blockActions(teamId, userId, userName, channel, messageTs, action);
    }

    private static String blockActions(String teamId, String userId, String userName, String channel, String messageTs,
                                       String action) {
        String json = """
                {"type":"block_actions","user":{"id":"%2$s","username":"%3$s","name":"%3$s","team_id":"%1$s"},\
                "api_app_id":"A123456","token":"gIkuvaNzQIHg97ATvDxqgjtO",\
                "container":{"type":"message","message_ts":"%5$s","attachment_id":1,"channel_id":"%4$s",\
                "is_ephemeral":false,"is_app_unfurl":false},\
                "trigger_id":"%7$s","team":{"id":"%1$s","domain":"example"},\
                "enterprise":null,"is_enterprise_install":false,"channel":{"id":"%4$s","name":"cdc-alerts"},\
                "message":{"type":"message","subtype":"bot_message","text":"alert","ts":"%5$s","bot_id":"B0BOT00001"},\
                "state":{"values":{}},"response_url":"https://hooks.slack.com/actions/%1$s/1234/abcd",\
                "actions":[%6$s]}"""
                .formatted(teamId, userId, userName, channel, messageTs, action.strip(), triggerId());
        return "payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8);
    }

    /**
     * A modal's submission: {@code values} maps block id → the JSON of its one element's state
     * under action id {@code value} (e.g. {@code {"type":"plain_text_input","value":"why"}}).
     */
    public static String viewSubmission(String teamId, String userId, String callbackId, String privateMetadata,
                                        Map<String, String> values) {
        String state = values.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":{\"value\":" + e.getValue() + "}")
                .collect(Collectors.joining(","));
        String json = """
                {"type":"view_submission","team":{"id":"%1$s","domain":"example"},\
                "user":{"id":"%2$s","username":"someone","name":"someone","team_id":"%1$s"},\
                "api_app_id":"A123456","token":"gIkuvaNzQIHg97ATvDxqgjtO","trigger_id":"%6$s",\
                "view":{"id":"V0000000001","team_id":"%1$s","type":"modal","blocks":[],"private_metadata":"%4$s",\
                "callback_id":"%3$s","state":{"values":{%5$s}},"hash":"1700000000.abcdef","title":{"type":"plain_text","text":"Form"},\
                "clear_on_close":false,"notify_on_close":false,"root_view_id":"V0000000001","app_id":"A123456",\
                "bot_id":"B0BOT00001"},"response_urls":[],"is_enterprise_install":false}"""
                .formatted(teamId, userId, callbackId, privateMetadata, state, triggerId());
        return "payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8);
    }

    /** The state of a plain text input. */
    public static String textInput(String text) {
        return "{\"type\":\"plain_text_input\",\"value\":\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    }

    /** The state of a static select with {@code value} chosen. */
    public static String selected(String value) {
        return "{\"type\":\"static_select\",\"selected_option\":{\"text\":{\"type\":\"plain_text\",\"text\":\""
                + value + "\"},\"value\":\"" + value + "\"}}";
    }

    /** An Events API {@code app_mention}, as JSON. */
    public static String appMention(String teamId, String eventId, String userId, String channel, String ts) {
        return """
                {"token":"gIkuvaNzQIHg97ATvDxqgjtO","team_id":"%1$s","api_app_id":"A123456",\
                "event":{"type":"app_mention","user":"%3$s","text":"<@U0BOT00001> help?","ts":"%5$s",\
                "channel":"%4$s","event_ts":"%5$s"},"type":"event_callback","event_id":"%2$s",\
                "event_time":1700000000,"authorizations":[{"enterprise_id":null,"team_id":"%1$s",\
                "user_id":"U0BOT00001","is_bot":true,"is_enterprise_install":false}],\
                "is_ext_shared_channel":false,"event_context":"4-eyJldCI6ImFwcF9tZW50aW9uIn0"}"""
                .formatted(teamId, eventId, userId, channel, ts);
    }

    /** An Events API {@code app_home_opened} for the Home tab, as JSON (Slack sends it each time the tab is opened). */
    public static String appHomeOpened(String teamId, String eventId, String userId) {
        return """
                {"token":"gIkuvaNzQIHg97ATvDxqgjtO","team_id":"%1$s","api_app_id":"A123456",\
                "event":{"type":"app_home_opened","user":"%3$s","channel":"D0HOME0001","tab":"home",\
                "event_ts":"1700000000.000300"},"type":"event_callback","event_id":"%2$s",\
                "event_time":1700000000,"authorizations":[{"enterprise_id":null,"team_id":"%1$s",\
                "user_id":"U0BOT00001","is_bot":true,"is_enterprise_install":false}],\
                "is_ext_shared_channel":false,"event_context":"4-eyJldCI6ImFwcF9ob21lX29wZW5lZCJ9"}"""
                .formatted(teamId, eventId, userId);
    }

    public static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
