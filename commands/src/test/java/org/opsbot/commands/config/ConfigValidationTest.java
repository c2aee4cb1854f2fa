package org.opsbot.commands.config;

import org.junit.jupiter.api.Test;
import org.opsbot.commands.access.PermissionKeys;
import org.opsbot.commands.yaml.Problem;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each rule of opsbot.yaml validation, with the line the problem must point at. */
class ConfigValidationTest {

    /** What the bot's commands declare (the bot passes its own; see its MainTest). */
    private static final PermissionKeys KEYS = PermissionKeys.of("check", "run", "override", "audit", "declare-top-severity");

    private static final String VALID = """
            roles:
              responders: [U0ALICE001, "@oncall"]
            teams:
              cdc:
                channel: "#cdc-alerts"
                responders: responders
            routes:
              - {team: cdc}
            """;

    @Test
    void a_minimal_file_is_valid_and_gets_the_default_severities() {
        var result = ConfigParser.parse(VALID, "opsbot.yaml");

        assertThat(result.problems()).isEmpty();
        assertThat(result.require().severities()).isEqualTo(Severity.DEFAULTS);
    }

    @Test
    void a_yaml_syntax_error_is_reported_with_its_line() {
        var p = only("""
                slack:
                  default-channel: "#alerts"
                \tincidents-channel: "#incidents"
                """);

        assertThat(p.line()).isEqualTo(3);
        assertThat(p.message()).startsWith("YAML syntax error:").contains("TAB");
    }

    @Test
    void an_unquoted_user_group_gets_a_fix_about_quotes() {
        var p = only("""
                roles:
                  responders: [U0ALICE001, @oncall]
                """);

        assertThat(p.line()).isEqualTo(2);
        assertThat(p.fix()).contains("quotes").contains("\"@oncall\"");
    }

    @Test
    void an_unknown_key_suggests_the_closest_known_key() {
        var p = only(VALID.replace("    channel:", "    chanel:"));

        assertThat(p.format()).isEqualTo(
                "opsbot.yaml:5: unknown key 'chanel' in teams.cdc. Fix: did you mean 'channel'? Rename it");
    }

    @Test
    void an_unknown_section_suggests_the_closest_section() {
        var problems = problems(VALID + "permission:\n  run: [responders]\n");

        assertThat(problems).extracting(Problem::line, Problem::message, Problem::fix)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(9, "unknown key 'permission' in the top level",
                        "did you mean 'permissions'? Rename it"));
    }

    @Test
    void a_key_unlike_any_known_one_lists_what_is_allowed() {
        var p = only(VALID + "slack:\n  wibble: 1\n");

        assertThat(p.line()).isEqualTo(10);
        assertThat(p.fix()).isEqualTo("remove it; the keys allowed here are default-channel, incidents-channel, incident-channels");
    }

    @Test
    void a_wrong_type_says_what_was_expected_and_what_was_found() {
        var p = only(VALID.replace("responders: [U0ALICE001, \"@oncall\"]", "responders: {alice: U0ALICE001}"));

        assertThat(p.line()).isEqualTo(2);
        assertThat(p.message()).isEqualTo("roles.responders must be a list, but is a mapping");
    }

    @Test
    void a_section_that_should_be_a_mapping_but_is_a_list_is_reported() {
        var p = only(VALID + "permissions: [run]\n");

        assertThat(p.line()).isEqualTo(9);
        assertThat(p.message()).isEqualTo("permissions must be a mapping (key: value lines), but is a list");
    }

    @Test
    void a_bad_duration_is_reported_on_its_line_with_the_accepted_forms() {
        var p = only(VALID + """
                severities:
                  - {name: P1, description: Outage, ack-within: 5 minutes}
                  - {name: P2, description: Degraded, ack-within: 1h}
                """);

        assertThat(p.line()).isEqualTo(10);
        assertThat(p.message()).isEqualTo("severities[0].ack-within: '5 minutes' is not a duration: write a number"
                + " followed by s, m, h or d, e.g. 30s, 15m, 1h, 2d or 1h30m");
    }

    @Test
    void a_missing_required_key_is_reported_on_the_item() {
        var p = only(VALID + """
                severities:
                  - {name: P1}
                """);

        assertThat(p.line()).isEqualTo(10);
        assertThat(p.message()).isEqualTo("severities[0] needs 'ack-within'");
    }

    @Test
    void a_bad_time_zone_suggests_the_closest_zone() {
        var p = only(VALID + """
                schedules:
                  primary:
                    time-zone: Europe/Berln
                    rotation: weekly
                    start: 2026-01-05
                    members: [U0ALICE001]
                """);

        assertThat(p.line()).isEqualTo(11);
        assertThat(p.message()).isEqualTo("schedules.primary.time-zone 'Europe/Berln' is not a time zone");
        assertThat(p.fix()).startsWith("did you mean Europe/Berlin?");
    }

    @Test
    void bad_rotation_start_and_hand_off_are_each_reported() {
        var problems = problems(VALID + """
                schedules:
                  primary:
                    time-zone: UTC
                    rotation: fortnightly
                    start: 5 Jan 2026
                    hand-off: "Mon 9am"
                    members: [U0ALICE001, alice]
                """);

        assertThat(problems).extracting(Problem::line).containsExactly(12, 13, 14, 15);
        assertThat(problems.get(3).message()).isEqualTo("schedules.primary.members: 'alice' is not a Slack user id");
    }

    @Test
    void a_hand_off_day_on_a_daily_rotation_is_reported() {
        var p = only(VALID + """
                schedules:
                  primary: {time-zone: UTC, rotation: daily, start: 2026-01-05, hand-off: "Mon 09:00",
                            members: [U0ALICE001]}
                """);

        assertThat(p.line()).isEqualTo(10);
        assertThat(p.message()).contains("names a day, but the rotation is not weekly");
    }

    @Test
    void an_undefined_responders_role_lists_the_defined_roles() {
        var p = only("""
                roles:
                  responders: [U0ALICE001]
                  approvers: [U0LEAD0001]
                teams:
                  cdc:
                    channel: "#cdc-alerts"
                    responders: responder
                routes:
                  - {team: cdc}
                """);

        assertThat(p.format()).isEqualTo("opsbot.yaml:7: teams.cdc.responders names role 'responder', which is not"
                + " defined under roles: (defined: responders, approvers). Fix: did you mean 'responders'?"
                + " Use one of those or add 'responder' under roles:");
    }

    @Test
    void permissions_must_name_defined_roles_and_known_commands() {
        var problems = problems(VALID + """
                permissions:
                  run: [responders, sre]
                  overide: [responders]
                """);

        assertThat(problems).extracting(Problem::line, Problem::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple(10, "permissions.run names role 'sre', which is not defined under"
                        + " roles: (defined: responders)"),
                org.assertj.core.groups.Tuple.tuple(11, "unknown key 'overide' in permissions"));
        assertThat(problems.get(1).fix()).isEqualTo("did you mean 'override'? Rename it");
    }

    @Test
    void permission_keys_are_the_commands_business_and_unchecked_without_them() {
        var yaml = VALID + """
                permissions:
                  maintenance: [responders]
                """;

        assertThat(ConfigParser.parse(yaml, "opsbot.yaml").problems()).isEmpty();
        assertThat(ConfigParser.parse(yaml, "opsbot.yaml").require().permissions()).containsKey("maintenance");
        assertThat(ConfigParser.parse(yaml, "opsbot.yaml", KEYS.and(PermissionKeys.of("maintenance"))).problems()).isEmpty();
        assertThat(problems(yaml)).extracting(Problem::format).containsExactly("opsbot.yaml:10: unknown key 'maintenance'"
                + " in permissions. Fix: remove it; the keys allowed here are audit, check, declare-top-severity, override, run");
    }

    @Test
    void a_tier_notifying_an_undefined_schedule_is_reported() {
        var p = only(VALID.replace("    responders: responders\n", """
                    responders: responders
                    escalation:
                      tiers:
                        - {name: On-call, notify: ["schedule:primary"]}
                """));

        assertThat(p.line()).isEqualTo(9);
        assertThat(p.message()).isEqualTo("teams.cdc.escalation.tiers[0].notify names schedule 'primary', which is"
                + " not defined under schedules: (none are defined)");
    }

    @Test
    void a_route_to_an_undefined_team_is_reported() {
        var p = only(VALID.replace("  - {team: cdc}\n", "  - {match: {team: db}, team: dba}\n  - {team: cdc}\n"));

        assertThat(p.line()).isEqualTo(8);
        assertThat(p.message()).contains("routes[0].team names team 'dba', which is not defined under teams:");
    }

    @Test
    void a_route_after_the_catch_all_is_never_reached() {
        var yaml = VALID.replace("  - {team: cdc}\n", "  - {team: cdc}\n  - {match: {team: x}, team: cdc}\n");

        var p = only(yaml);

        assertThat(p.line()).isEqualTo(9);
        assertThat(p.message()).startsWith("routes[1] is never reached");
    }

    @Test
    void teams_without_routes_are_reported() {
        var p = only(VALID.replace("routes:\n  - {team: cdc}\n", ""));

        assertThat(p.line()).isEqualTo(3);
        assertThat(p.message()).isEqualTo("there are teams but no routes, so alerts reach no team");
    }

    @Test
    void tier_after_must_not_decrease() {
        var p = only(VALID.replace("    responders: responders\n", """
                    responders: responders
                    escalation:
                      tiers:
                        - {name: On-call, notify: [U0ALICE001]}
                        - {name: Lead, after: 30m, notify: [U0LEAD0001]}
                        - {name: Day team, after: 0m, notify: ["@cdc-team"]}
                """));

        assertThat(p.line()).isEqualTo(11);
        assertThat(p.message()).isEqualTo("teams.cdc.escalation.tiers[2] (Day team) has after 0m, earlier than the"
                + " tier before it (Lead, 30m); tiers are walked in order");
        assertThat(p.fix()).contains("at least 30m");
    }

    @Test
    void equal_afters_notify_in_parallel_and_are_fine() {
        var result = ConfigParser.parse(VALID.replace("    responders: responders\n", """
                    responders: responders
                    escalation:
                      tiers:
                        - {name: Lead, notify: [U0LEAD0001]}
                        - {name: Manager, after: 1h, notify: [U0MGR00001]}
                        - {name: CTO, after: 1h, notify: [U0CTO00001], severities: [P1]}
                """), "opsbot.yaml");

        assertThat(result.problems()).isEmpty();
    }

    @Test
    void a_later_tier_without_after_is_reported() {
        var p = only(VALID.replace("    responders: responders\n", """
                    responders: responders
                    escalation:
                      tiers:
                        - {name: On-call, notify: [U0ALICE001]}
                        - {name: Lead, notify: [U0LEAD0001]}
                """));

        assertThat(p.line()).isEqualTo(10);
        assertThat(p.message()).isEqualTo("teams.cdc.escalation.tiers[1] needs 'after'");
    }

    @Test
    void an_escalation_without_tiers_is_reported() {
        var p = only(VALID.replace("    responders: responders\n", """
                    responders: responders
                    escalation:
                      repeat: 1
                      tiers: []
                """));

        assertThat(p.line()).isEqualTo(9);
        assertThat(p.message()).isEqualTo("teams.cdc.escalation has no tiers, so it would notify nobody");
    }

    @Test
    void a_tier_that_notifies_nobody_is_reported() {
        var p = only(VALID.replace("    responders: responders\n", """
                    responders: responders
                    escalation:
                      tiers:
                        - {name: On-call}
                """));

        assertThat(p.line()).isEqualTo(9);
        assertThat(p.message()).isEqualTo("teams.cdc.escalation.tiers[0] (On-call) notifies nobody");
    }

    @Test
    void severity_map_and_tier_severities_must_name_defined_severities() {
        var problems = problems(VALID.replace("    responders: responders\n", """
                    responders: responders
                    severity-map: {critical: P1, warning: P5}
                    escalation:
                      tiers:
                        - {name: CTO, notify: [U0CTO00001], severities: [P0]}
                """));

        assertThat(problems).extracting(Problem::line, Problem::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple(7, "teams.cdc.severity-map.warning names severity 'P5', which is"
                        + " not defined under severities: (defined: P1, P2, P3, P4)"),
                org.assertj.core.groups.Tuple.tuple(10, "teams.cdc.escalation.tiers[0].severities names severity"
                        + " 'P0', which is not defined under severities: (defined: P1, P2, P3, P4)"));
    }

    @Test
    void bad_business_hours_are_reported() {
        var problems = problems(VALID.replace("    responders: responders\n", """
                    responders: responders
                    escalation:
                      tiers:
                        - name: Day team
                          notify: ["@cdc-team"]
                          hours: {days: Mon-Fry, from: "9 o'clock", to: "18:00"}
                """));

        assertThat(problems).extracting(Problem::line).containsExactly(11, 11, 11);
        assertThat(problems).extracting(Problem::message).containsExactlyInAnyOrder(
                "teams.cdc.escalation.tiers[0].hours.days 'Mon-Fry' is not a set of days",
                "teams.cdc.escalation.tiers[0].hours.from '9 o'clock' is not a time of day",
                "teams.cdc.escalation.tiers[0].hours needs 'time-zone'");
    }

    @Test
    void an_invalid_match_re_is_reported_with_the_regex_error() {
        var p = only(VALID.replace("  - {team: cdc}\n", "  - {match-re: {alertname: \"Extraction(.*\"}, team: cdc}\n"
                + "  - {team: cdc}\n"));

        assertThat(p.line()).isEqualTo(8);
        assertThat(p.message()).startsWith("routes[0].match-re.alertname is not a valid regular expression: Unclosed group");
    }

    @Test
    void malformed_slack_user_ids_are_reported() {
        var p = only(VALID.replace("[U0ALICE001, \"@oncall\"]", "[U0ALICE001, alice]"));

        assertThat(p.line()).isEqualTo(2);
        assertThat(p.message()).isEqualTo("roles.responders: 'alice' is not a Slack user id or user group");
        assertThat(p.fix()).contains("Copy member ID");
    }

    @Test
    void a_channel_must_start_with_a_hash_or_be_a_channel_id() {
        var p = only(VALID.replace("\"#cdc-alerts\"", "cdc-alerts"));
        assertThat(p.line()).isEqualTo(5);
        assertThat(p.message()).isEqualTo("teams.cdc.channel 'cdc-alerts' is not a channel");

        assertThat(problems(VALID.replace("\"#cdc-alerts\"", "C0123ABCD"))).isEmpty();
    }

    @Test
    void an_unquoted_channel_is_a_yaml_comment_and_the_fix_says_so() {
        var p = only(VALID.replace("\"#cdc-alerts\"", "#cdc-alerts"));

        assertThat(p.line()).isEqualTo(5);
        assertThat(p.message()).isEqualTo("teams.cdc.channel is empty");
        assertThat(p.fix()).contains("an unquoted # starts a YAML comment");
    }

    @Test
    void a_team_without_a_channel_needs_a_default_channel() {
        var p = only(VALID.replace("    channel: \"#cdc-alerts\"\n", ""));

        assertThat(p.line()).isEqualTo(4);
        assertThat(p.message()).isEqualTo("teams.cdc has no channel and slack.default-channel is not set");
        assertThat(problems(VALID.replace("    channel: \"#cdc-alerts\"\n", "")
                + "slack: {default-channel: \"#alerts\"}\n")).isEmpty();
    }

    @Test
    void a_duplicate_key_is_reported_on_the_second_occurrence() {
        var p = only(VALID.replace("    responders: responders\n", "    responders: responders\n    channel: \"#b\"\n"));

        assertThat(p.line()).isEqualTo(7);
        assertThat(p.message()).isEqualTo("key 'channel' appears twice in the same mapping");
    }

    @Test
    void the_server_section_is_checked() {
        var problems = problems(VALID + "server:\n  port: eighty\n  database: postgres://db\n  runbook: x\n");

        assertThat(problems).extracting(Problem::line).containsExactly(10, 11, 12);
    }

    @Test
    void a_slack_token_anywhere_refuses_the_file_without_echoing_it() {
        var token = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp";
        var result = ConfigParser.parse(VALID + "slack:\n  default-channel: \"#a\"\n  bot-tokn: " + token + "\n",
                "opsbot.yaml");

        assertThat(result.valid()).isFalse();
        assertThat(result.config()).isEmpty();
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(11);
            assertThat(p.message()).contains("a Slack bot token (xoxb-…)").contains("must not contain secrets");
            assertThat(p.fix()).contains("SLACK_BOT_TOKEN (or SLACK_BOT_TOKEN_FILE");
            assertThat(p.format()).doesNotContain(token).doesNotContain("AbCdEf");
        });
    }

    @Test
    void an_app_token_is_refused_and_points_to_SLACK_APP_TOKEN() {
        var p = only(VALID + "x: \"xapp-1-A0123-4567-abcdef\"\n");

        assertThat(p.fix()).contains("SLACK_APP_TOKEN");
        assertThat(p.format()).doesNotContain("abcdef");
    }

    @Test
    void a_literal_value_under_a_secret_key_is_refused_without_echoing_it() {
        var problems = problems(VALID + """
                slack:
                  signing-secret: 8f742231b10e8888abcd99
                  webhook:
                    password: hunter2
                """);

        assertThat(problems).extracting(Problem::line).containsExactly(10, 12);
        assertThat(problems).allSatisfy(p -> {
            assertThat(p.message()).contains("holds a literal secret");
            assertThat(p.fix()).contains("SLACK_SIGNING_SECRET").contains("_FILE");
            assertThat(p.format()).doesNotContain("8f742231").doesNotContain("hunter2");
        });
    }

    @Test
    void a_syntax_error_does_not_quote_the_offending_line() {
        var p = only("slack:\n  token: 'xoxb-1234567890-abcdefghij\n");

        assertThat(p.message()).startsWith("YAML syntax error");
        assertThat(p.format()).doesNotContain("xoxb-1234567890");
    }

    @Test
    void an_empty_file_is_reported() {
        assertThat(only("# nothing yet\n").message()).isEqualTo("the file is empty");
    }

    @Test
    void a_yaml_alias_is_refused_rather_than_read_as_its_name() {
        var p = only(VALID.replace("responders: [U0ALICE001, \"@oncall\"]", "responders: &r [U0ALICE001]\n  more: *r"));

        assertThat(p.line()).isEqualTo(3);
        assertThat(p.message()).contains("aliases");
    }

    @Test
    void repeat_after_without_repeat_is_reported() {
        var p = only(VALID.replace("    responders: responders\n", """
                    responders: responders
                    escalation:
                      repeat-after: 1h
                      tiers: [{name: On-call, notify: [U0ALICE001]}]
                """));

        assertThat(p.line()).isEqualTo(8);
        assertThat(p.message()).isEqualTo("teams.cdc.escalation.repeat-after is set but repeat is 0, so the policy"
                + " never repeats");
    }

    @Test
    void a_severity_name_must_be_one_word_and_unique() {
        var problems = problems(VALID + """
                severities:
                  - {name: Sev 1, ack-within: 5m}
                  - {name: P2, ack-within: 1h}
                  - {name: P2, ack-within: 4h}
                """);

        assertThat(problems).extracting(Problem::line).containsExactly(10, 12);
        assertThat(problems.get(1).message()).isEqualTo("severity 'P2' is defined twice");
    }

    @Test
    void a_database_url_with_a_password_is_refused_without_echoing_it() {
        var p = only(VALID + "server:\n  database: jdbc:postgresql://db/opsbot?user=opsbot&password=hunter2\n");

        assertThat(p.line()).isEqualTo(10);
        assertThat(p.message()).isEqualTo("server.database contains a URL with a password in it; opsbot.yaml is kept"
                + " in Git and must not contain secrets");
        assertThat(p.fix()).contains("OPSBOT_DB");
        assertThat(p.format()).doesNotContain("hunter2");
    }

    /**
     * PRODUCT.md's own sample, verbatim: it puts a 0m tier after 60m ones and routes to a team
     * it never defines. opsbot.example.yaml fixes both.
     */
    @Test
    void the_sample_in_the_product_contract_fails_only_on_its_two_slips() {
        var problems = problems("""
            # opsbot.yaml
            slack:
              default-channel: "#alerts"
              incidents-channel: "#incidents"

            roles:                         # Slack user ids, or user groups as "@handle"
              responders: [U0ALICE001, U0BOB00001, "@oncall"]
              approvers: [U0LEAD0001, U0LEAD0002]

            severities:                    # most severe first
              # ack-within / resolve-within: the response targets the seeds write down; shown on messages,
              # measured in postmortems, and `resolve-within` re-opens escalation after an ack
              - {name: P1, description: "Complete outage or data loss", ack-within: 5m, resolve-within: 30m}
              - {name: P2, description: "Major degradation", ack-within: 1h, resolve-within: 4h}
              - {name: P3, description: "Minor issue, workaround exists", ack-within: 4h}
              - {name: P4, description: "Low priority", ack-within: 1d}

            schedules:
              cdc-primary:
                time-zone: Europe/Berlin
                rotation: weekly           # daily | weekly | a duration
                start: 2026-01-05          # the first hand-off, anchors who is first
                hand-off: "Mon 09:00"
                members: [U0ALICE001, U0BOB00001]

            teams:
              cdc:
                channel: "#cdc-alerts"
                responders: responders     # a role
                severity-map: {critical: P1, warning: P2, info: P3}   # from the alert's `severity` label
                escalation:
                  repeat: 0
                  tiers:                   # `after`: since the group opened; equal values notify together
                    - {name: On-call engineer, notify: ["schedule:cdc-primary"]}
                    - {name: Team lead, after: 30m, notify: [U0LEAD0001]}
                    - {name: Infrastructure manager, after: 60m, notify: ["@infra-managers"]}
                    - {name: CTO, after: 60m, notify: [U0CTO00001], severities: [P1]}
                    - {name: Day team, after: 0m, notify: ["@cdc-team"], severities: [P2, P3],
                       hours: {days: Mon-Fri, from: "09:00", to: "18:00", time-zone: Europe/Berlin}}

            routes:                        # first match wins; the last one is the default
              - {match: {team: cdc}, team: cdc}
              - {match-re: {alertname: "Extraction.*"}, team: extraction, group-by: [alertname, center]}
              - {team: cdc}

            permissions:                   # command → roles; unlisted risky commands are denied
              run: [responders]
              override: [approvers]
              audit: [approvers]
              declare-top-severity: [responders]
                """);

        assertThat(problems).extracting(Problem::line).containsExactly(38, 43);
        assertThat(problems.get(0).message()).startsWith("teams.cdc.escalation.tiers[4] (Day team) has after 0m");
        assertThat(problems.get(1).message()).startsWith("routes[1].team names team 'extraction'");
    }

    @Test
    void a_tier_webhook_is_read_with_its_header_templates() {
        var result = ConfigParser.parse(VALID.replace("    responders: responders\n", """
                    responders: responders
                    escalation:
                      tiers:
                        - name: On-call
                          notify: [U0ALICE001]
                          webhook:
                            url: https://events.pagerduty.com/v2/enqueue
                            headers: {Authorization: "Bearer ${PAGER_TOKEN}", X-Routing-Key: "${PD_KEY}"}
                        - {name: Pager only, after: 30m, webhook: {url: "https://api.opsgenie.com/v2/alerts"}}
                """), "opsbot.yaml");

        assertThat(result.problems()).isEmpty();
        var tiers = result.config().orElseThrow().teams().get("cdc").escalation().tiers();
        var webhook = tiers.get(0).webhook().orElseThrow();
        assertThat(webhook.url().toString()).isEqualTo("https://events.pagerduty.com/v2/enqueue");
        assertThat(webhook.where()).isEqualTo("opsbot.yaml:11");
        var expanded = webhook.headers(java.util.Map.of("PAGER_TOKEN", "t0k", "PD_KEY", "k3y"));
        assertThat(expanded.headers()).containsEntry("Authorization", "Bearer t0k").containsEntry("X-Routing-Key", "k3y");
        assertThat(webhook.headers(java.util.Map.of()).missing()).containsExactly("PAGER_TOKEN", "PD_KEY");
        assertThat(tiers.get(1).targets()).as("a tier may page through its webhook alone").isEmpty();
    }

    @Test
    void pagerduty_and_opsgenie_webhooks_take_their_keys_from_the_environment_and_default_their_urls() {
        var result = ConfigParser.parse(VALID.replace("    responders: responders\n", """
                    responders: responders
                    escalation:
                      tiers:
                        - name: PagerDuty
                          webhook: {format: pagerduty, routing-key: "${PD_ROUTING_KEY}"}
                        - name: Opsgenie
                          after: 0m
                          webhook:
                            format: opsgenie
                            url: https://api.eu.opsgenie.com
                            api-key: "${OPSGENIE_API_KEY}"
                            responders: ["team:cdc-ops", "user:alice@example.com"]
                """), "opsbot.yaml");

        assertThat(result.problems()).isEmpty();
        var tiers = result.config().orElseThrow().teams().get("cdc").escalation().tiers();
        var pagerDuty = tiers.get(0).webhook().orElseThrow();
        assertThat(pagerDuty.format()).isEqualTo(PagerWebhook.Format.PAGERDUTY);
        assertThat(pagerDuty.url().toString()).isEqualTo("https://events.pagerduty.com/v2/enqueue");
        var pd = pagerDuty.headers(java.util.Map.of("PD_ROUTING_KEY", "r0ut1ng"));
        assertThat(pd.routingKey()).contains("r0ut1ng");
        assertThat(pd.headers()).as("the routing key travels in the body").isEmpty();
        assertThat(pd.toString()).doesNotContain("r0ut1ng");
        var opsgenie = tiers.get(1).webhook().orElseThrow();
        assertThat(opsgenie.url().toString()).isEqualTo("https://api.eu.opsgenie.com");
        assertThat(opsgenie.responders()).containsExactly("team:cdc-ops", "user:alice@example.com");
        assertThat(opsgenie.headers(java.util.Map.of("OPSGENIE_API_KEY", "g3n1e")).headers())
                .containsExactly(java.util.Map.entry("Authorization", "GenieKey g3n1e"));
        assertThat(opsgenie.headers(java.util.Map.of()).missing()).containsExactly("OPSGENIE_API_KEY");
    }

    @Test
    void an_unknown_pager_format_or_a_missing_or_literal_key_is_reported_with_its_line() {
        var problems = problems(VALID.replace("    responders: responders\n", """
                    responders: responders
                    escalation:
                      tiers:
                        - {name: A, webhook: {format: victorops, url: "https://pager.example.com"}}
                        - {name: B, after: 1m, webhook: {format: pagerduty}}
                        - {name: C, after: 2m, webhook: {format: pagerduty, routing-key: "R0UT1NGKEY0001"}}
                        - {name: D, after: 3m, webhook: {url: "https://relay.example.com", routing-key: "${K}"}}
                        - {name: E, after: 4m, webhook: {format: opsgenie, api-key: "${K}", responders: [cdc-ops]}}
                """));

        assertThat(problems).extracting(Problem::line, Problem::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple(9, "teams.cdc.escalation.tiers[0].webhook.format 'victorops' is not a"
                        + " pager format"),
                org.assertj.core.groups.Tuple.tuple(10, "teams.cdc.escalation.tiers[1].webhook (format pagerduty) has no"
                        + " routing-key"),
                org.assertj.core.groups.Tuple.tuple(11, "teams.cdc.escalation.tiers[2].webhook.routing-key is a literal value;"
                        + " it comes from the environment only, since opsbot.yaml is kept in Git"),
                org.assertj.core.groups.Tuple.tuple(12, "teams.cdc.escalation.tiers[3].webhook.routing-key is not used by"
                        + " the opsbot format"),
                org.assertj.core.groups.Tuple.tuple(13, "teams.cdc.escalation.tiers[4].webhook.responders 'cdc-ops' is not"
                        + " type:name"));
        assertThat(problems.get(0).fix()).contains("opsbot", "pagerduty", "opsgenie");
        assertThat(problems.get(1).fix()).contains("routing-key: \"${PAGERDUTY_ROUTING_KEY}\"");
        assertThat(problems).allSatisfy(p -> assertThat(p.format()).doesNotContain("R0UT1NGKEY0001"));
    }

    @Test
    void a_bad_webhook_url_is_reported_with_its_line() {
        var problems = problems(VALID.replace("    responders: responders\n", """
                    responders: responders
                    escalation:
                      tiers:
                        - {name: On-call, notify: [U0ALICE001], webhook: {url: "ftp://pager.example.com/x"}}
                        - {name: Lead, after: 5m, notify: [U0LEAD0001], webhook: {url: "not a url"}}
                        - {name: CTO, after: 9m, notify: [U0CTO00001], webhook: {headers: {A: "${B}"}}}
                """));

        assertThat(problems).extracting(Problem::line, Problem::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple(9, "teams.cdc.escalation.tiers[0].webhook.url 'ftp://pager.example.com/x'"
                        + " is not an http(s) URL"),
                org.assertj.core.groups.Tuple.tuple(10, "teams.cdc.escalation.tiers[1].webhook.url is not a valid URL: Illegal"
                        + " character in path"),
                org.assertj.core.groups.Tuple.tuple(11, "teams.cdc.escalation.tiers[2].webhook needs 'url'"));
    }

    @Test
    void a_literal_secret_in_webhook_headers_is_reported_without_quoting_it() {
        var problems = problems(VALID.replace("    responders: responders\n", """
                    responders: responders
                    escalation:
                      tiers:
                        - name: On-call
                          notify: [U0ALICE001]
                          webhook:
                            url: https://pager.example.com/events
                            headers:
                              Authorization: "GenieKey 0123-abcd-secret"
                              X-Key: "${KEY:-fallback-secret}"
                """));

        assertThat(problems).extracting(Problem::line).containsExactly(14, 15);
        assertThat(problems.get(0).message()).isEqualTo("teams.cdc.escalation.tiers[0].webhook.headers.Authorization is"
                + " a literal value; header values come from the environment only, since opsbot.yaml is kept in Git");
        assertThat(problems.get(0).fix()).contains("\"Bearer ${NAME}\"");
        assertThat(problems).allSatisfy(p -> assertThat(p.message() + p.fix()).doesNotContain("secret-").doesNotContain("0123"));
    }

    @Test
    void a_severity_with_a_bad_duration_is_reported_once_and_not_again_where_it_is_named() {
        var p = only("""
                severities:
                  - {name: P1, ack-within: 5m}
                  - {name: P2, ack-within: 1hr}
                roles:
                  responders: [U0ALICE001]
                teams:
                  cdc:
                    channel: "#cdc-alerts"
                    severity-map: {critical: P1, warning: P2}
                    escalation:
                      tiers:
                        - {name: Day team, notify: [U0ALICE001], severities: [P2]}
                routes:
                  - {team: cdc}
                """);

        assertThat(p.format()).startsWith("opsbot.yaml:3: severities[1].ack-within: '1hr' is not a duration");
    }

    @Test
    void a_name_that_is_defined_nowhere_is_still_reported_beside_a_broken_definition() {
        var problems = problems("""
                severities:
                  - {name: P1, ack-within: 5m}
                  - {name: P2, ack-within: 1hr}
                teams:
                  cdc:
                    channel: "#cdc-alerts"
                    severity-map: {critical: P1, warning: P2, info: P3}
                routes:
                  - {team: cdc}
                """);

        assertThat(problems).extracting(Problem::line).containsExactly(3, 7);
        assertThat(problems.get(1).message()).contains("names severity 'P3', which is not defined");
    }

    @Test
    void a_broken_team_schedule_or_section_is_not_reported_again_by_what_names_it() {
        var problems = problems("""
                slack:
                  default-channel: "#Alerts"
                roles: [U0ALICE001]
                schedules:
                  primary: {time-zone: Europe/Berlln, rotation: weekly, start: 2026-01-05, members: [U0ALICE001]}
                teams:
                  cdc: "#cdc-alerts"
                  extraction:
                    responders: responders
                    escalation:
                      tiers:
                        - {name: On-call, notify: ["schedule:primary"]}
                routes:
                  - {team: cdc}
                permissions:
                  run: [responders]
                """);

        assertThat(problems).extracting(Problem::line).containsExactly(2, 3, 5, 7);
    }

    @Test
    void a_heartbeat_naming_a_broken_severity_or_team_is_not_reported_again() {
        var problems = problems("""
                severities:
                  - {name: P1, ack-within: 5m}
                  - {name: P2, ack-within: 1hr}
                teams:
                  cdc: {channel: "#cdc-alerts"}
                  sync: [not, a, mapping]
                routes:
                  - {team: cdc}
                heartbeats:
                  - {name: cdc-backup, team: cdc, every: 24h, severity: P2}
                  - {name: sync-job, team: sync, every: 1h}
                """);

        // The broken severity and the broken team, each once: not again where the heartbeats name them.
        assertThat(problems).extracting(Problem::line).containsExactly(3, 6);
    }

    @Test
    void a_heartbeat_of_a_team_with_its_own_severities_names_one_of_them() {
        var problem = only(VALID.replace("    responders: responders\n", """
                    responders: responders
                    severities:
                      - {name: S1, ack-within: 15m}
                      - {name: S2, ack-within: 1h}
                """) + """
                heartbeats:
                  - {name: cdc-backup, team: cdc, every: 24h, severity: S2}
                  - {name: cdc-reconciliation, team: cdc, every: 1h, severity: P2}
                """);

        assertThat(problem.message()).contains("heartbeats[1].severity names severity 'P2'")
                .contains("teams.cdc.severities: (defined: S1, S2)");
    }

    private static List<Problem> problems(String yaml) {
        return ConfigParser.parse(yaml, "opsbot.yaml", KEYS).problems();
    }

    private static Problem only(String yaml) {
        var problems = problems(yaml);
        assertThat(problems).as("problems of%n%s", yaml).hasSize(1);
        return problems.getFirst();
    }
}
