package org.opsbot.commands.config;

import org.junit.jupiter.api.Test;
import org.opsbot.commands.yaml.Problem;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A team's own severities, label-matched tiers and routes, and contacts: read, and refused with file:line. */
class TeamRoutingConfigTest {

    private static final String SEED_004 = """
            roles:
              responders: [U0ALICE001]
            teams:
              extraction:
                channel: "#extraction-alerts"
                responders: responders
                severities:
                  - {name: P1, description: "Service down: page at once", ack-within: 15m}
                  - {name: P2, description: "Degraded: business hours", ack-within: 4h}
                severity-map: {critical: P1, warning: P2}
                escalation:
                  tiers:
                    - {name: On-call engineer, notify: [U0CAROL001], severities: [P1]}
                    - {name: CTO, after: 60m, notify: [U0CTO00001], match: {category: [data-loss, security]}}
                contacts:
                  - {name: DBA team, role: Oracle and PostgreSQL issues, email: dba@example.com, channel: "#database-ops"}
                  - {name: Carol, phone: "+49 30 1234567"}
              analytics:
                channel: "#analytics-alerts"
                severities:
                  - {name: S1, ack-within: 15m}
                  - {name: S2, ack-within: 1h}
                  - {name: S3, ack-within: 4h}
            routes:
              - {match: {job: [ivoris, extraction]}, team: extraction}
              - {team: analytics}
            """;

    @Test
    void aTeamsOwnSeveritiesReplaceTheGlobalOnesForThatTeamOnly() {
        var config = ConfigParser.parse(SEED_004, "opsbot.yaml").require();

        assertThat(config.severities("extraction")).extracting(Severity::name).containsExactly("P1", "P2");
        assertThat(config.severities("analytics")).extracting(Severity::name).containsExactly("S1", "S2", "S3");
        assertThat(config.severities("nobody")).isEqualTo(Severity.DEFAULTS);
        assertThat(config.severity("extraction", "P2").map(Severity::ackWithin)).contains(java.time.Duration.ofHours(4));
        assertThat(config.severity("analytics", "P1")).isEmpty();
    }

    @Test
    void aTierMatchAndARouteMatchTakeAValueOrAListOfValues() {
        var config = ConfigParser.parse(SEED_004, "opsbot.yaml").require();
        Tier cto = config.teams().get("extraction").escalation().tiers().get(1);

        assertThat(cto.match().values()).isEqualTo(Map.of("category", List.of("data-loss", "security")));
        assertThat(cto.match().matches(Map.of("category", "security"))).isTrue();
        assertThat(cto.match().matches(Map.of("category", "latency"))).isFalse();
        assertThat(config.route(Map.of("job", "extraction")).map(Route::team)).contains("extraction");
        assertThat(config.route(Map.of("job", "ivoris")).map(Route::team)).contains("extraction");
        assertThat(config.route(Map.of("job", "other")).map(Route::team)).contains("analytics");
    }

    @Test
    void contactsAreReadInTheirOrder() {
        var contacts = ConfigParser.parse(SEED_004, "opsbot.yaml").require().teams().get("extraction").contacts();

        assertThat(contacts).containsExactly(
                new Contact("DBA team", Optional.of("Oracle and PostgreSQL issues"), Optional.of("dba@example.com"),
                        Optional.empty(), Optional.of("#database-ops")),
                new Contact("Carol", Optional.empty(), Optional.empty(), Optional.of("+49 30 1234567"), Optional.empty()));
    }

    @Test
    void aTierNamingAGlobalSeverityTheTeamDoesNotHaveIsRefusedWithItsLine() {
        var p = only(SEED_004.replace("notify: [U0CAROL001], severities: [P1]", "notify: [U0CAROL001], severities: [P3]"));

        assertThat(p.format()).startsWith("opsbot.yaml:13: teams.extraction.escalation.tiers[0].severities names severity"
                + " 'P3', which is not defined under teams.extraction.severities: (defined: P1, P2)");
    }

    @Test
    void aSeverityMapNamingALevelOutsideTheTeamsListIsRefusedWithItsLine() {
        var p = only(SEED_004.replace("severity-map: {critical: P1, warning: P2}", "severity-map: {critical: P1, warning: P4}"));

        assertThat(p.line()).isEqualTo(10);
        assertThat(p.message()).contains("teams.extraction.severity-map.warning names severity 'P4'")
                .contains("teams.extraction.severities");
    }

    @Test
    void aBrokenTeamSeverityIsReportedWhereItIs() {
        var p = only(SEED_004.replace("- {name: S2, ack-within: 1h}", "- {name: S2, ack-within: soon}"));

        assertThat(p.line()).isEqualTo(22);
        assertThat(p.message()).startsWith("teams.analytics.severities[1].ack-within");
    }

    @Test
    void aMatchWithoutValuesOrWithABadLabelIsRefusedWithItsLine() {
        var empty = only(SEED_004.replace("match: {category: [data-loss, security]}", "match: {category: []}"));
        var label = only(SEED_004.replace("{match: {job: [ivoris, extraction]}", "{match: {job-name: [ivoris, extraction]}"));

        assertThat(empty.format()).startsWith("opsbot.yaml:14: teams.extraction.escalation.tiers[1].match.category has no value");
        assertThat(label.format()).startsWith("opsbot.yaml:25: routes[0].match: 'job-name' is not a label name");
    }

    @Test
    void aContactWithoutAWayToReachThemOrWithABadAddressIsRefusedWithItsLine() {
        var nowhere = only(SEED_004.replace("{name: Carol, phone: \"+49 30 1234567\"}", "{name: Carol}"));
        var mail = only(SEED_004.replace("email: dba@example.com", "email: dba-at-example"));
        var phone = only(SEED_004.replace("\"+49 30 1234567\"", "call-me"));
        var unknown = only(SEED_004.replace("{name: Carol, phone:", "{name: Carol, mobile: \"1\", phone:"));

        assertThat(nowhere.format()).startsWith("opsbot.yaml:17: teams.extraction.contacts[1] (Carol) says nowhere to reach them");
        assertThat(mail.format()).startsWith("opsbot.yaml:16: teams.extraction.contacts[0].email 'dba-at-example' is not an e-mail address");
        assertThat(phone.format()).startsWith("opsbot.yaml:17: teams.extraction.contacts[1].phone 'call-me' is not a phone number");
        assertThat(unknown.format()).startsWith("opsbot.yaml:17: unknown key 'mobile' in teams.extraction.contacts[1]");
    }

    private static Problem only(String yaml) {
        List<Problem> problems = ConfigParser.parse(yaml, "opsbot.yaml").problems();
        assertThat(problems).as("problems of%n%s", yaml).hasSize(1);
        return problems.getFirst();
    }
}
