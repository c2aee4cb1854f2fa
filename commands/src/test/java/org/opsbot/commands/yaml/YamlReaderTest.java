package org.opsbot.commands.yaml;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class YamlReaderTest {

    @Test
    void every_key_and_value_keeps_its_line() {
        var root = (YamlMap) YamlReader.read("""
                # a comment
                a: 1
                b:
                  - x
                  - {c: "09:00"}
                """, "f.yaml").root().orElseThrow();

        assertThat(root.entry("a").orElseThrow().line()).isEqualTo(2);
        assertThat(root.get("a").orElseThrow()).isEqualTo(new YamlScalar("1", YamlScalar.Kind.NUMBER, 2));
        var list = (YamlList) root.get("b").orElseThrow();
        assertThat(list.items().get(0).line()).isEqualTo(4);
        var inner = (YamlMap) list.items().get(1);
        assertThat(inner.get("c").orElseThrow()).isEqualTo(new YamlScalar("09:00", YamlScalar.Kind.TEXT, 5));
    }

    @Test
    void scalars_keep_the_text_as_written() {
        var root = (YamlMap) YamlReader.read("no: NO\ntime: 09:00\n", "f.yaml").root().orElseThrow();

        assertThat(((YamlScalar) root.get("no").orElseThrow()).text()).isEqualTo("NO");
        assertThat(((YamlScalar) root.get("time").orElseThrow()).text()).isEqualTo("09:00");
    }

    @Test
    void more_than_one_document_is_reported() {
        var result = YamlReader.read("a: 1\n---\nb: 2\n", "f.yaml");

        assertThat(result.problems()).extracting(Problem::line).containsExactly(3);
    }

    @Test
    void suggestions_are_offered_only_for_plausible_typos() {
        assertThat(Suggestions.closest("sevrities", List.of("severities", "schedules"))).contains("severities");
        assertThat(Suggestions.closest("hnad-off", List.of("hand-off", "members"))).contains("hand-off");
        assertThat(Suggestions.closest("banana", List.of("severities", "schedules"))).isEmpty();
    }
}
