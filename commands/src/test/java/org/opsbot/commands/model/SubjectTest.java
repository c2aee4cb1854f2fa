package org.opsbot.commands.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubjectTest {

    @Test
    void subjectsAreWrittenAsTheEscalationTableAndTheAuditChainAlreadyHoldThem() {
        assertThat(Subject.alertGroup(42)).hasToString("alert-group:42");
        assertThat(Subject.incident(7)).hasToString("incident:7");
        assertThat(Subject.Kind.ALERT_GROUP.prefix()).isEqualTo("alert-group:");
        assertThat(Subject.Kind.INCIDENT.key()).isEqualTo("incident");
    }

    @Test
    void whatIsWrittenParsesBackToTheSameSubject() {
        for (Subject.Kind kind : Subject.Kind.values()) {
            for (long id : new long[] {0, 1, 42, 999_999_999_999_999_999L}) {
                Subject s = new Subject(kind, id);
                assertThat(Subject.parse(s.toString())).contains(s);
            }
        }
    }

    @Test
    void anIdIsReadOnlyForTheKindAsked() {
        assertThat(Subject.idOf("alert-group:12", Subject.Kind.ALERT_GROUP)).contains(12L);
        assertThat(Subject.idOf("incident:12", Subject.Kind.ALERT_GROUP)).isEmpty();
        assertThat(Subject.idOf("incident:12", Subject.Kind.INCIDENT)).contains(12L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "alert-group:", "alert-group:+1", "alert-group:-1", "alert-group:01", "alert-group: 1",
            "alert-group:1 ", "alert-group:1x", "alert-groups:1", "Alert-Group:1", "incident", "incident:1:2",
            "runbook:1", "schedule:cdc-primary", "cdc/restart-connector", "alert-group:99999999999999999999"})
    void anythingElseIsNoSubject(String text) {
        assertThat(Subject.parse(text)).isEmpty();
    }

    @Test
    void nullIsNoSubject() {
        assertThat(Subject.parse(null)).isEmpty();
    }

    @Test
    void aSubjectHasAKindAndNoNegativeId() {
        assertThatThrownBy(() -> new Subject(null, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Subject.alertGroup(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
